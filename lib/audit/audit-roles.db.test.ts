/**
 * The application role (ADR 017) against the audit log: it appends, reads and checkpoints, and
 * every way to shorten or rewrite the log is refused — it owns nothing, so it cannot even switch
 * the append-only trigger off. Connects as the role the test global setup created and granted.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { db } from '@/lib/db';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { verifyAuditChain } from '@/lib/audit/verify-audit-chain';

let app: pg.Client;

beforeAll(async () => {
  const url = new URL(process.env.DATABASE_URL!);
  const role = inject('dbAppRole');
  url.username = role.user;
  url.password = role.password;
  app = new pg.Client({ connectionString: url.toString() });
  await app.connect();
});
afterAll(async () => {
  await app.end();
});

async function refused(sql: string): Promise<string> {
  try {
    await app.query(sql);
  } catch (e) {
    return `${(e as { code?: string }).code}: ${(e as Error).message}`;
  }
  throw new Error(`the application role was allowed to run: ${sql}`);
}

describe('the application database role', () => {
  it('cannot disable the trigger, delete, change, truncate or drop audit events or checkpoints', async () => {
    await db.$transaction((tx) =>
      appendAuditEvent(tx, { id: null, label: 'owner' }, { action: 'x.first', targetType: 't' }),
    );
    expect(await refused('ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only_row"')).toMatch(
      /^42501: must be owner of table AuditEvent/,
    );
    expect(await refused('ALTER TABLE "AuditEvent" DISABLE TRIGGER ALL')).toMatch(/^42501: must be owner/);
    expect(await refused('DELETE FROM "AuditEvent"')).toMatch(/^42501: permission denied for table AuditEvent/);
    expect(await refused(`UPDATE "AuditEvent" SET "actorLabel" = 'x'`)).toMatch(/^42501: permission denied/);
    expect(await refused('TRUNCATE "AuditEvent"')).toMatch(/^42501: permission denied/);
    expect(await refused('DROP TABLE "AuditEvent"')).toMatch(/^42501: must be owner/);
    expect(await refused('DELETE FROM "AuditCheckpoint"')).toMatch(/^42501: permission denied/);
    expect(await refused(`UPDATE "AuditCheckpoint" SET seq = 0`)).toMatch(/^42501: permission denied/);
    expect(await refused('ALTER TABLE "AuditCheckpoint" DISABLE TRIGGER ALL')).toMatch(/^42501: must be owner/);
    expect(await refused('DROP TRIGGER "AuditPending_chain" ON "AuditPending"')).toMatch(/^42501: must be owner/);
    // The checkpoint guard trusts an insert made from a trigger (the chain's own); the role can
    // neither change that guard or the chain, nor make a function or trigger of its own.
    for (const sql of [
      `CREATE OR REPLACE FUNCTION rekey_audit_checkpoint_guard() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'`,
      `CREATE OR REPLACE FUNCTION rekey_audit_chain_pending() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'`,
      `CREATE FUNCTION forge() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'`,
    ])
      expect(await refused(sql), sql).toMatch(/^42501: permission denied for schema public/);
    // The trigger that chains staged events at commit (ADR 036) cannot be switched off either.
    expect(await refused('ALTER TABLE "AuditPending" DISABLE TRIGGER "AuditPending_chain"')).toMatch(
      /^42501: must be owner of table AuditPending/,
    );
    expect(await refused('CREATE TABLE sneaky (x int)')).toMatch(/^42501: permission denied for schema public/);
    expect(await refused('SELECT * FROM "_prisma_migrations"')).toMatch(/^42501: permission denied/);
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true });
  });

  it('appends events (checkpointed at commit) and does the everyday work on other tables', async () => {
    const before = (await app.query<{ n: string }>('SELECT count(*) AS n FROM "AuditCheckpoint"')).rows[0]!.n;
    // What appendAuditEvent does, as the application role: stage the event (audit_append runs with
    // the caller's rights); the deferred trigger chains it at commit, with the same rights.
    await app.query('BEGIN');
    const { auditEventBody, hashAuditEvent } = await import('@/lib/audit/audit-hash');
    const at = new Date('2026-12-02T10:00:00.000Z');
    const event = {
      at,
      actorId: null,
      actorLabel: 'app-role',
      action: 'x.app',
      targetType: 't',
      targetId: null,
      tenantId: null,
      before: null,
      after: null,
      requestId: null,
      clientIp: '198.51.100.7',
    };
    const staged = await app.query<{ n: number }>('SELECT audit_append($1::jsonb) AS n', [
      JSON.stringify([{ ...event, at: at.toISOString(), body: auditEventBody(event) }]),
    ]);
    expect(staged.rows[0]!.n).toBe(1);
    await app.query('COMMIT');
    const after = (await app.query<{ n: string }>('SELECT count(*) AS n FROM "AuditCheckpoint"')).rows[0]!.n;
    expect(Number(after)).toBe(Number(before) + 1);
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true, events: 2 });
    const head = await db.auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    expect(head.hash).toBe(hashAuditEvent({ ...event, prevHash: head.prevHash }));
    // Ordinary tables: read, insert, update, delete. The job queues too.
    await app.query(`INSERT INTO "Setting" (key, value, "updatedAt") VALUES ('app-role-test', '1', now())`);
    await app.query(`UPDATE "Setting" SET value = '2' WHERE key = 'app-role-test'`);
    await app.query(`DELETE FROM "Setting" WHERE key = 'app-role-test'`);
    await app.query(`SELECT count(*) FROM pgboss.job`);
    expect(await refused('TRUNCATE "Setting"')).toMatch(/^42501: permission denied/);
  });
});
