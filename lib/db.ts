/**
 * The one Prisma client. Server code imports `db` from here; components never do (ESLint enforces).
 * Prisma 6 with the pg driver adapter (no native query engine: see docs/decisions/001).
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { Prisma, PrismaClient } from '@/generated/prisma/client';
import { RekeyError } from '@/lib/errors';

export type Db = PrismaClient;
export { Prisma };

// On globalThis so a Next development reload reuses the client (and its pool) instead of opening another.
const globalForDb = globalThis as unknown as { __rekeyDb?: PrismaClient; __rekeyDbUrl?: string; __rekeyPool?: pg.Pool };

/**
 * Sealed private keys are left out of every query result unless a query asks for them by name
 * (`select: { sealedPrivateKey: true }`), so a page or API response cannot carry one by accident.
 */
const OMIT_SECRETS = {
  certificate: { sealedPrivateKey: true },
  certificateRequest: { sealedPrivateKey: true },
} as const;

/**
 * Names for the statements this process sends often (ADR 039). PostgreSQL parses an unnamed
 * statement, and plans it, every time it runs: for the rotation's load (six tables joined) that is
 * ~0.5 ms of the server's CPU, against ~0.04 ms for the same statement prepared on the connection
 * (measured one after the other on this machine). A named statement is parsed once per connection
 * and, after five runs, usually planned once too. A text gets its name on its third run, and at most
 * STATEMENT_NAMES_MAX texts get one, so rare statements never fill every connection with plans.
 * Only statements with parameters: `pg` sends those with the extended protocol whether named or
 * not (one statement per message), so a name never changes how a text is sent.
 * REKEY_DB_PREPARED_STATEMENTS=0 turns it off: for a connection pooler in transaction mode that
 * does not keep prepared statements per client (PgBouncer before 1.21).
 */
const STATEMENT_NAMES_MAX = 128;
const STATEMENT_NAME_AFTER_RUNS = 3;
const statementRuns = new Map<string, number>();
const statementNames = new Map<string, string>();

/** The name `text` is sent under, or undefined (sent unnamed). Exported for tests. */
export function statementName(text: string, values: readonly unknown[] | undefined): string | undefined {
  if (!values || values.length === 0 || process.env.REKEY_DB_PREPARED_STATEMENTS === '0') return undefined;
  const named = statementNames.get(text);
  if (named || statementNames.size >= STATEMENT_NAMES_MAX) return named;
  const runs = (statementRuns.get(text) ?? 0) + 1;
  if (runs < STATEMENT_NAME_AFTER_RUNS) {
    // Counted texts that never got a name are forgotten now and then (IN lists of every length).
    if (statementRuns.size >= 2_000) statementRuns.clear();
    statementRuns.set(text, runs);
    return undefined;
  }
  statementRuns.delete(text);
  const name = `rekey_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
  statementNames.set(text, name);
  return name;
}

/**
 * `pg.Client` that sends a frequent statement under its name (statementName): Prisma's and
 * directQuery's alike, and pg-boss's (the worker's queue pool, which sends `query(text, values)`).
 */
export class NamingClient extends pg.Client {
  // `never`: assignable to every overload of pg's `query`; it returns whatever pg's returns.
  override query(...args: unknown[]): never {
    const [config, values] = args as [unknown, unknown];
    if (typeof config === 'string' && Array.isArray(values)) {
      // query(text, values[, callback]) → query({ text, values, name }[, callback]): pg takes both.
      const name = statementName(config, values);
      if (name) args.splice(0, 2, { text: config, values, name });
    } else if (
      config !== null &&
      typeof config === 'object' &&
      typeof (config as pg.QueryConfig).text === 'string' &&
      (config as pg.QueryConfig).name === undefined &&
      typeof (config as { submit?: unknown }).submit !== 'function'
    ) {
      const c = config as pg.QueryConfig;
      const name = statementName(c.text, c.values ?? (Array.isArray(values) ? values : undefined));
      if (name) args[0] = { ...c, name };
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

function create(url: string): { client: PrismaClient; pool: pg.Pool } {
  // One pool for Prisma and for the hot path's direct statements (directQuery): no extra connections.
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.REKEY_DB_POOL ?? 10),
    Client: NamingClient,
  });
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  // Typed as the plain client so transaction clients and `db` stay interchangeable; the omission
  // is enforced at run time (and tested in lib/db.db.test.ts).
  return { client: new PrismaClient({ adapter, omit: OMIT_SECRETS }) as unknown as PrismaClient, pool };
}

/** The client for DATABASE_URL (created on first use, so tests and scripts can set the URL first). */
export function getDb(): PrismaClient {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new RekeyError(
      'CONFIG',
      'DATABASE_URL is not set. Start Rekey with `npm start` (which runs an embedded PostgreSQL) or set DATABASE_URL.',
    );
  }
  if (!globalForDb.__rekeyDb || globalForDb.__rekeyDbUrl !== url) {
    const { client, pool } = create(url);
    globalForDb.__rekeyDb = client;
    globalForDb.__rekeyPool = pool;
    globalForDb.__rekeyDbUrl = url;
  }
  return globalForDb.__rekeyDb;
}

/** Lazy proxy so modules can `import { db }` at top level. */
export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_t, prop) {
    const client = getDb();
    const v = Reflect.get(client, prop, client) as unknown;
    return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(client) : v;
  },
});

export async function disconnectDb(): Promise<void> {
  const pool = globalForDb.__rekeyPool;
  await globalForDb.__rekeyDb?.$disconnect();
  // A client that never ran a query never connected its adapter (which ends the pool on disconnect).
  if (pool && !pool.ended) await pool.end().catch(() => undefined);
  globalForDb.__rekeyPool = undefined;
  globalForDb.__rekeyDb = undefined;
  globalForDb.__rekeyDbUrl = undefined;
}

/** True when a Prisma/pg error is a unique violation (optionally on a named constraint/index). */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = e as {
    code?: string;
    message?: string;
    meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: unknown; originalCode?: string } } };
  };
  const isUnique =
    err?.code === 'P2002' ||
    err?.code === '23505' ||
    err?.meta?.driverAdapterError?.cause?.originalCode === '23505' ||
    /23505|Unique constraint/.test(err?.message ?? '');
  if (!isUnique) return false;
  if (!constraint) return true;
  return JSON.stringify(err.meta ?? {}).includes(constraint) || (err.message ?? '').includes(constraint);
}

/**
 * A timestamp for raw SQL, stored as Prisma stores DateTime: UTC, to the millisecond, in a
 * `timestamp(3)` column (null stays null). For hot paths that write with `$queryRaw`.
 */
export function utcTimestamp(d: Date | null): Prisma.Sql {
  return Prisma.sql`(${d?.toISOString() ?? null}::timestamptz AT TIME ZONE 'UTC')`;
}

/**
 * `query`'s rows as one JSON array (`[]` when none), ordered by `order` (columns of `query`, alias
 * `x`): for reads that gather several parts into one statement (ADR 046). A `timestamp` inside JSON
 * loses its meaning (no zone), so such columns travel as epoch ms: `epochMsSql`.
 */
export function jsonRowsSql(query: Prisma.Sql, order: string): Prisma.Sql {
  return Prisma.sql`(SELECT coalesce(json_agg(x ORDER BY ${Prisma.raw(order)}), '[]'::json) FROM (${query}) x)`;
}

/** A `timestamp` column (stored as UTC) as epoch milliseconds, for JSON (jsonRowsSql); `new Date(ms)` reads it back. */
export function epochMsSql(column: string): Prisma.Sql {
  return Prisma.raw(`(extract(epoch FROM ${column}) * 1000)::float8`);
}

/** PostgreSQL's text output of the types whose JS value Prisma gives differently from `pg`'s default. */
const DIRECT_PARSERS: Record<number, (v: string) => unknown> = {
  // timestamp (without time zone): Prisma stores and reads UTC (pg's default reads local time).
  1114: (v) => new Date(`${v.replace(' ', 'T')}Z`),
  // bytea: Prisma gives a Uint8Array (pg a Buffer).
  17: (v) => {
    const b = pg.types.getTypeParser(17, 'text')(v) as Buffer;
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  },
  // int8: Prisma gives a bigint (pg a string).
  20: (v) => BigInt(v),
};
const directTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (format ?? 'text') === 'text' && DIRECT_PARSERS[oid]
      ? DIRECT_PARSERS[oid]
      : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** A parameter as Prisma sends it: a Date as ISO 8601 UTC (pg would send local time). */
function directValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return v.toString();
  return v;
}

/** A Prisma.Sql as `pg` sends it: parameters as Prisma sends them, rows parsed as `$queryRaw` gives them. */
function pgQuery(query: Prisma.Sql): pg.QueryConfig {
  return { text: query.text, values: query.values.map(directValue), types: directTypes };
}

/**
 * Runs one raw statement on Prisma's own pool, outside any transaction, without Prisma's
 * per-request work (every request, raw ones included, is compiled to a plan in WebAssembly: ~0.3 ms
 * of CPU, several times the statement's own cost — bench/README.md, ADR 038). Rows come back as
 * `$queryRaw` gives them (UTC timestamps, Uint8Array bytes, bigint, parsed JSON); the db tests of
 * the callers compare the two. For the hot path only (the rotation engine's loads and one-statement
 * steps, onboarding's per-tenant statements), the session read of every request and the fleet
 * pages' and dashboard layout's reads; everything else keeps Prisma.
 */
export async function directQuery<T>(query: Prisma.Sql): Promise<T[]> {
  getDb();
  const pool = globalForDb.__rekeyPool!;
  // A failure comes back as pg's error (its `code` is PostgreSQL's SQLSTATE: isUniqueViolation knows it).
  const result = await pool.query(pgQuery(query));
  return result.rows as T[];
}

/** Runs raw statements in one transaction; `q` runs one statement of it (rows as queryRows gives them). */
export type TransactionQuery = <T>(query: Prisma.Sql) => Promise<T[]>;

/**
 * A transaction of raw statements: on a connection of the shared pool directly (`BEGIN` … `COMMIT`,
 * `ROLLBACK` when `fn` throws; ADR 038) when `client` is the shared client, else Prisma's
 * interactive transaction with `$queryRaw`. For the hot path's rare multi-statement writes only.
 */
export async function transactionRows<R>(client: PrismaClient, fn: (q: TransactionQuery) => Promise<R>): Promise<R> {
  return directTransaction(client, (tx) => fn(<T>(query: Prisma.Sql) => tx.$queryRaw<T[]>(query)));
}

/** A tagged-template call or a Prisma.Sql, as `$queryRaw` takes either. */
function sqlOf(first: TemplateStringsArray | Prisma.Sql, values: unknown[]): Prisma.Sql {
  return first instanceof Prisma.Sql ? first : Prisma.sql(first, ...values);
}

/**
 * Runs `fn` in one transaction on a connection of the shared pool (`BEGIN` … `COMMIT`, `ROLLBACK`
 * when `fn` throws), handing it a transaction client that has Prisma's raw methods (`$queryRaw`,
 * `$executeRaw` and their `Unsafe` forms, rows and parameters as Prisma gives and sends them) and
 * nothing else: a typed call (`tx.rotation.update`) throws at once, so code written for Prisma's
 * transactions fails loudly here instead of running outside this one. For the rotation engine's
 * multi-statement commits (ADR 038): Prisma's interactive transaction compiles every request to a
 * plan and runs a transaction manager around them, several times the statements' own cost. With a
 * `client` other than the shared one (a test's), it is Prisma's `$transaction`.
 */
export async function directTransaction<R>(
  client: PrismaClient,
  fn: (tx: Prisma.TransactionClient) => Promise<R>,
): Promise<R> {
  if (client !== db && client !== globalForDb.__rekeyDb)
    return client.$transaction(fn, { timeout: 60_000, maxWait: 10_000 });
  getDb();
  const conn = await globalForDb.__rekeyPool!.connect();
  // One statement at a time, as on Prisma's transaction client (`pg` would queue statements sent
  // together on one connection, but no longer will in its next major version).
  let last: Promise<unknown> = Promise.resolve();
  const send = (config: pg.QueryConfig) => {
    const result = last.then(
      () => conn.query(config),
      () => conn.query(config),
    );
    last = result.catch(() => undefined);
    return result;
  };
  const run = (query: Prisma.Sql) => send(pgQuery(query));
  const unsafe = (text: string, values: unknown[]) =>
    send({ text, values: values.map(directValue), types: directTypes });
  const raw = {
    $queryRaw: async (first: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) =>
      (await run(sqlOf(first, values))).rows,
    $executeRaw: async (first: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) =>
      (await run(sqlOf(first, values))).rowCount ?? 0,
    $queryRawUnsafe: async (text: string, ...values: unknown[]) => (await unsafe(text, values)).rows,
    $executeRawUnsafe: async (text: string, ...values: unknown[]) => (await unsafe(text, values)).rowCount ?? 0,
  };
  const tx = new Proxy(raw, {
    get(target, prop) {
      // What it offers of a Prisma transaction client: the raw statements above, nothing typed.
      if (typeof prop === 'string' && Object.hasOwn(target, prop)) return target[prop as keyof typeof raw];
      // `then`: awaiting the client (it is no promise); symbols: inspection.
      if (prop === 'then' || typeof prop === 'symbol') return undefined;
      throw new RekeyError(
        'INTERNAL',
        `A direct transaction has only raw statements; \`${String(prop)}\` needs Prisma's own transaction.`,
      );
    },
  }) as unknown as Prisma.TransactionClient;
  let broken: Error | undefined;
  try {
    await conn.query('BEGIN');
    const result = await fn(tx);
    await conn.query('COMMIT');
    return result;
  } catch (e) {
    // A connection that cannot even roll back is not given back to the pool.
    await conn.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw e;
  } finally {
    conn.release(broken);
  }
}

/** `$queryRaw` on a transaction; directQuery when `client` is the shared client itself. */
export function queryRows<T>(client: Prisma.TransactionClient, query: Prisma.Sql): Promise<T[]> {
  return client === db || client === globalForDb.__rekeyDb ? directQuery<T>(query) : client.$queryRaw<T[]>(query);
}
