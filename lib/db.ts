/**
 * The one Prisma client. Server code imports `db` from here; components never do (ESLint enforces).
 * Prisma 6 with the pg driver adapter (no native query engine: see docs/decisions/001).
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from '@/generated/prisma/client';
import { RekeyError } from '@/lib/errors';

export type Db = PrismaClient;
export { Prisma };

// On globalThis so a Next development reload reuses the client (and its pool) instead of opening another.
const globalForDb = globalThis as unknown as { __rekeyDb?: PrismaClient; __rekeyDbUrl?: string };

/**
 * Sealed private keys are left out of every query result unless a query asks for them by name
 * (`select: { sealedPrivateKey: true }`), so a page or API response cannot carry one by accident.
 */
const OMIT_SECRETS = {
  certificate: { sealedPrivateKey: true },
  certificateRequest: { sealedPrivateKey: true },
} as const;

function create(url: string): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: Number(process.env.REKEY_DB_POOL ?? 10) });
  // Typed as the plain client so transaction clients and `db` stay interchangeable; the omission
  // is enforced at run time (and tested in lib/db.db.test.ts).
  return new PrismaClient({ adapter, omit: OMIT_SECRETS }) as unknown as PrismaClient;
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
    globalForDb.__rekeyDb = create(url);
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
  await globalForDb.__rekeyDb?.$disconnect();
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
