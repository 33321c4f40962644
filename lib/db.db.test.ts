import { describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  db,
  directQuery,
  directTransaction,
  isUniqueViolation,
  Prisma,
  statementName,
  NamingClient,
  transactionRows,
  utcTimestamp,
} from '@/lib/db';
import { isRekeyError } from '@/lib/errors';

async function makeConnector() {
  const tenant = await db.tenant.create({
    data: { entraTenantId: crypto.randomUUID(), displayName: 'Contoso', defaultDomain: 'contoso.onmicrosoft.com' },
  });
  const type = await db.connectorType.upsert({
    where: { name: 'Mail Archive' },
    update: {},
    create: { name: 'Mail Archive' },
  });
  const cert = await db.certificate.create({
    data: {
      sha1Thumbprint: crypto.randomUUID(),
      sha256Thumbprint: crypto.randomUUID(),
      serialNumber: '01',
      subject: 'CN=x',
      issuer: 'CN=x',
      notBefore: new Date('2026-01-01'),
      notAfter: new Date('2027-01-01'),
      keyType: 'RSA',
      keySize: 2048,
      signatureAlgorithm: 'sha256WithRSAEncryption',
      der: Buffer.from([1, 2, 3]),
      source: 'uploaded',
    },
  });
  const connector = await db.connector.create({
    data: {
      tenantId: tenant.id,
      connectorTypeId: type.id,
      displayName: 'Mail Archive',
      appId: crypto.randomUUID(),
      appObjectId: crypto.randomUUID(),
    },
  });
  return { tenant, connector, cert };
}

describe('the database schema', () => {
  it('refuses a second active rotation for the same connector', async () => {
    const { connector, cert } = await makeConnector();
    await db.rotation.create({
      data: { connectorId: connector.id, mode: 'rotate', step: 'add', toCertificateId: cert.id },
    });
    const second = db.rotation.create({
      data: { connectorId: connector.id, mode: 'rotate', step: 'add', toCertificateId: cert.id },
    });
    const err = await second.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isUniqueViolation(err)).toBe(true);
  });

  it('allows a new rotation once the previous one has finished', async () => {
    const { connector, cert } = await makeConnector();
    const first = await db.rotation.create({
      data: { connectorId: connector.id, mode: 'rotate', step: 'add', toCertificateId: cert.id },
    });
    await db.rotation.update({ where: { id: first.id }, data: { state: 'SUCCEEDED' } });
    await expect(
      db.rotation.create({
        data: { connectorId: connector.id, mode: 'rotate', step: 'add', toCertificateId: cert.id },
      }),
    ).resolves.toMatchObject({ state: 'PENDING' });
  });

  it('keeps the audit log append-only', async () => {
    const ev = await db.auditEvent.create({
      data: { actorLabel: 'test', action: 'x.y', targetType: 't', prevHash: '0', hash: crypto.randomUUID() },
    });
    await expect(db.auditEvent.update({ where: { seq: ev.seq }, data: { action: 'changed' } })).rejects.toThrow(
      /append-only/,
    );
    await expect(db.auditEvent.delete({ where: { seq: ev.seq } })).rejects.toThrow(/append-only/);
  });
});

describe('secrets in query results', () => {
  it('leaves sealed private keys out unless a query selects them by name', async () => {
    const { cert, connector } = await makeConnector();
    await db.certificate.update({ where: { id: cert.id }, data: { sealedPrivateKey: 'rkv1.sealed' } });
    await db.connector.update({ where: { id: connector.id }, data: { currentCertificateId: cert.id } });
    const plain = await db.certificate.findUniqueOrThrow({ where: { id: cert.id } });
    expect(plain).not.toHaveProperty('sealedPrivateKey');
    const viaRelation = await db.connector.findUniqueOrThrow({
      where: { id: connector.id },
      include: { currentCertificate: true },
    });
    expect(viaRelation.currentCertificate?.sha1Thumbprint).toBe(cert.sha1Thumbprint);
    expect(viaRelation.currentCertificate).not.toHaveProperty('sealedPrivateKey');
    const explicit = await db.certificate.findUniqueOrThrow({
      where: { id: cert.id },
      select: { sealedPrivateKey: true },
    });
    expect(explicit.sealedPrivateKey).toBe('rkv1.sealed');
  });
});

describe('directQuery (the hot path outside Prisma, ADR 038)', () => {
  it('gives the rows $queryRaw gives, in any process time zone', async () => {
    const at = new Date('2026-12-06T05:55:00.123Z');
    const query = Prisma.sql`
      SELECT ${at}::timestamp AS "ts", ${at}::timestamptz AS "tstz", ${utcTimestamp(at)} AS "utc",
             '\\x0102ff'::bytea AS "bytes", 9007199254740993::int8 AS "big", '{"a": [1, null]}'::jsonb AS "json",
             NULL::text AS "none", ARRAY['x', 'y']::text[] AS "list", true AS "yes", 42 AS "n", ${'AB'} AS "text"`;
    const tz = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const [direct] = await directQuery<Record<string, unknown>>(query);
      const [viaPrisma] = await db.$queryRaw<Record<string, unknown>[]>(query);
      expect(direct).toEqual(viaPrisma);
      expect(direct).toMatchObject({ ts: at, tstz: at, utc: at, big: 9007199254740993n, json: { a: [1, null] } });
      expect(direct!.bytes).toBeInstanceOf(Uint8Array);
      expect([...(direct!.bytes as Uint8Array)]).toEqual([1, 2, 255]);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('fails as PostgreSQL says, with its SQLSTATE, and a unique violation is recognised', async () => {
    const { tenant } = await makeConnector();
    await expect(
      directQuery(Prisma.sql`INSERT INTO "Tenant" ("id", "entraTenantId", "displayName", "updatedAt")
        VALUES (gen_random_uuid(), ${tenant.entraTenantId}::uuid, 'Again', now())`),
    ).rejects.toSatisfy((e: unknown) => isUniqueViolation(e));
    await expect(directQuery(Prisma.sql`SELECT nope FROM "Tenant"`)).rejects.toMatchObject({ code: '42703' });
  });

  it('transactionRows commits what its function wrote, and keeps nothing when it throws or a statement fails', async () => {
    const { tenant } = await makeConnector();
    const rename = (name: string) =>
      Prisma.sql`UPDATE "Tenant" SET "displayName" = ${name} WHERE "id" = ${tenant.id}::uuid RETURNING "displayName"`;
    const nameNow = async () => (await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).displayName;

    const committed = await transactionRows(db, async (q) => {
      const [row] = await q<{ displayName: string }>(rename('Contoso A'));
      // The transaction sees its own write; nothing outside does until it commits.
      expect(await nameNow()).toBe('Contoso');
      return row!.displayName;
    });
    expect(committed).toBe('Contoso A');
    expect(await nameNow()).toBe('Contoso A');

    await expect(
      transactionRows(db, async (q) => {
        await q(rename('Contoso B'));
        throw new Error('the scan failed');
      }),
    ).rejects.toThrow('the scan failed');
    expect(await nameNow()).toBe('Contoso A');

    await expect(
      transactionRows(db, async (q) => {
        await q(rename('Contoso C'));
        await q(Prisma.sql`SELECT nope FROM "Tenant"`);
      }),
    ).rejects.toMatchObject({ code: '42703' });
    expect(await nameNow()).toBe('Contoso A');
    // The connection went back to the pool usable, outside any transaction.
    for (let i = 0; i < 12; i++)
      expect(await directQuery<{ open: boolean }>(Prisma.sql`SELECT now() <> statement_timestamp() AS "open"`)).toEqual(
        [{ open: false }],
      );
  });
});

describe("directTransaction (the rotation engine's commits outside Prisma)", () => {
  it("gives what Prisma's transaction client gives for raw statements, tagged or not", async () => {
    const { tenant } = await makeConnector();
    const at = new Date('2026-12-07T15:01:02.345Z');
    const read = (tx: Prisma.TransactionClient) =>
      Promise.all([
        tx.$queryRaw<Record<string, unknown>[]>`
          SELECT ${at}::timestamp AS "ts", ${utcTimestamp(at)} AS "utc", "displayName", 7::int8 AS "big",
                 ${JSON.stringify({ a: 1 })}::jsonb AS "json", ${['x', 'y']}::text[] AS "list"
          FROM "Tenant" WHERE "id" = ${tenant.id}::uuid`,
        tx.$queryRaw<Record<string, unknown>[]>(Prisma.sql`SELECT ${'AB'} AS "text", ${3}::int AS "n"`),
        tx.$queryRawUnsafe<Record<string, unknown>[]>('SELECT $1::text AS "t", $2::timestamptz AS "at"', 'u', at),
        tx.$executeRaw`UPDATE "Tenant" SET "displayName" = "displayName" WHERE "id" = ${tenant.id}::uuid`,
        tx.$executeRawUnsafe('UPDATE "Tenant" SET "displayName" = "displayName" WHERE "id" = $1::uuid', tenant.id),
      ]);
    const direct = await directTransaction(db, read);
    const viaPrisma = await db.$transaction(read);
    expect(direct).toEqual(viaPrisma);
    expect(direct[0]).toEqual([{ ts: at, utc: at, displayName: 'Contoso', big: 7n, json: { a: 1 }, list: ['x', 'y'] }]);
    expect(direct.slice(3)).toEqual([1, 1]);
  });

  it('commits what its function wrote, keeps nothing when it throws, and refuses typed calls before they run', async () => {
    const { tenant } = await makeConnector();
    const nameNow = async () => (await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).displayName;
    await directTransaction(db, async (tx) => {
      await tx.$executeRaw`UPDATE "Tenant" SET "displayName" = 'Contoso A' WHERE "id" = ${tenant.id}::uuid`;
      expect(await nameNow()).toBe('Contoso');
    });
    expect(await nameNow()).toBe('Contoso A');
    await expect(
      directTransaction(db, async (tx) => {
        await tx.$executeRaw`UPDATE "Tenant" SET "displayName" = 'Contoso B' WHERE "id" = ${tenant.id}::uuid`;
        // Written for Prisma's own transactions: here it would run on another connection, outside.
        await tx.tenant.update({ where: { id: tenant.id }, data: { displayName: 'Contoso C' } });
      }),
    ).rejects.toSatisfy((e: unknown) => isRekeyError(e) && e.code === 'INTERNAL' && /tenant/.test(e.message));
    expect(await nameNow()).toBe('Contoso A');
    // A client other than the shared one (a test's) gets Prisma's transaction, typed calls and all.
    const other = Object.create(db) as typeof db;
    await directTransaction(other, (tx) =>
      tx.tenant.update({ where: { id: tenant.id }, data: { displayName: 'Contoso D' } }).then(() => undefined),
    );
    expect(await nameNow()).toBe('Contoso D');
  });
});

describe('statements sent often are prepared on their connection (ADR 039)', () => {
  /** A statement text no other test sends (so its runs start from zero). */
  const freshQuery = (n: number) =>
    Prisma.sql`SELECT ${n}::int + 1 AS "n", ${'x'}::text AS "t" ${Prisma.raw(`/* ${crypto.randomUUID()} */`)}`;
  const prepared = (q: (s: Prisma.Sql) => Promise<unknown[]>, text: string) =>
    q(
      Prisma.sql`SELECT name, from_sql, generic_plans + custom_plans AS runs FROM pg_prepared_statements WHERE statement = ${text}`,
    ) as Promise<{ name: string; from_sql: boolean; runs: bigint }[]>;

  it('names a statement on its third run; its connection parses it once and it answers as before', async () => {
    const q = freshQuery(41);
    await transactionRows(db, async (tx) => {
      for (let run = 1; run <= 6; run++) {
        expect(await tx<{ n: number; t: string }>(q)).toEqual([{ n: 42, t: 'x' }]);
        const onConnection = await prepared(tx, q.text);
        // Runs 1 and 2 go unnamed: nothing is prepared. From run 3 on, one statement, run once per run since.
        expect(onConnection).toEqual(
          run < 3 ? [] : [{ name: statementName(q.text, q.values), from_sql: false, runs: BigInt(run - 2) }],
        );
      }
    });
    // Prisma's own queries go through the same connections: the same rows, named or not.
    const viaPrisma = freshQuery(1);
    for (let run = 1; run <= 4; run++) expect(await db.$queryRaw(viaPrisma)).toEqual(await directQuery(viaPrisma));
  });

  it("names pg-boss's statements too: a pool built with NamingClient, sent as query(text, values)", async () => {
    // pg-boss sends `pool.query(text, values)` on the pool it builds from its options (lib/jobs/worker.ts).
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1, Client: NamingClient });
    try {
      const text = `SELECT $1::int + 1 AS "n" /* ${crypto.randomUUID()} */`;
      for (let run = 1; run <= 4; run++) {
        expect((await pool.query(text, [41])).rows).toEqual([{ n: 42 }]);
        const onConnection = await pool.query<{ name: string; runs: string }>(
          'SELECT name, generic_plans + custom_plans AS runs FROM pg_prepared_statements WHERE statement = $1',
          [text],
        );
        expect(onConnection.rows).toEqual(
          run < 3 ? [] : [{ name: expect.stringMatching(/^rekey_[0-9a-f]{32}$/) as unknown, runs: String(run - 2) }],
        );
      }
    } finally {
      await pool.end();
    }
  });

  it('never names a statement without parameters, nor any with REKEY_DB_PREPARED_STATEMENTS=0', () => {
    for (let i = 0; i < 5; i++) expect(statementName('SELECT 1', [])).toBeUndefined();
    const before = process.env.REKEY_DB_PREPARED_STATEMENTS;
    process.env.REKEY_DB_PREPARED_STATEMENTS = '0';
    try {
      const q = freshQuery(2);
      for (let i = 0; i < 5; i++) expect(statementName(q.text, q.values)).toBeUndefined();
    } finally {
      if (before === undefined) delete process.env.REKEY_DB_PREPARED_STATEMENTS;
      else process.env.REKEY_DB_PREPARED_STATEMENTS = before;
    }
  });

  it('names at most 128 texts; a text past the limit goes unnamed, one named before keeps its name', () => {
    const first = freshQuery(3);
    for (let i = 0; i < 3; i++) statementName(first.text, first.values);
    const name = statementName(first.text, first.values);
    expect(name).toMatch(/^rekey_[0-9a-f]{32}$/);
    for (let i = 0; i < 200; i++) {
      const q = freshQuery(i);
      for (let j = 0; j < 3; j++) statementName(q.text, q.values);
    }
    const late = freshQuery(7);
    for (let i = 0; i < 5; i++) expect(statementName(late.text, late.values)).toBeUndefined();
    expect(statementName(first.text, first.values)).toBe(name);
  });
});
