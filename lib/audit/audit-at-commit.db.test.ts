/**
 * The audit chain continued at commit (ADR 036): a transaction's events are staged and chained by
 * a deferred trigger when it commits, so the chain's lock is held only while committing. Its own
 * file: the chain here is never tampered with, so every test also verifies it whole.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { appendAuditEvent, type Actor } from '@/lib/audit/append-audit-event';
import { verifyAuditChain } from '@/lib/audit/verify-audit-chain';
import { buildConnectorType } from '@/lib/testing/fleet-builders';

const actor: Actor = { id: null, label: 'alice@contoso.example', requestId: 'req-1', clientIp: '192.0.2.10' };

describe('the audit chain, continued at commit', () => {
  it("chains a transaction's events when it commits: not before, and a rollback leaves nothing staged", async () => {
    const before = await db.auditEvent.count();
    let seenInside = -1;
    await db.$transaction(async (tx) => {
      await appendAuditEvent(tx, actor, { action: 'x.staged', targetType: 't' });
      seenInside = await tx.auditEvent.count();
    });
    expect(seenInside).toBe(before);
    expect(await db.auditEvent.count()).toBe(before + 1);
    expect((await db.auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } })).action).toBe('x.staged');
    await expect(
      db.$transaction(async (tx) => {
        await appendAuditEvent(tx, actor, { action: 'x.rolled-back', targetType: 't' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await db.auditEvent.count({ where: { action: 'x.rolled-back' } })).toBe(0);
    expect(await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "AuditPending"`).toEqual([{ n: 0n }]);
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true });
  });

  it("holds the chain's lock only while committing: an open audited transaction does not hold up another", async () => {
    let releaseA!: () => void;
    const aMayCommit = new Promise<void>((r) => (releaseA = r));
    let aStaged!: () => void;
    const aHasStaged = new Promise<void>((r) => (aStaged = r));
    const a = db.$transaction(
      async (tx) => {
        await appendAuditEvent(tx, actor, { action: 'x.slow', targetType: 't' });
        aStaged();
        await aMayCommit;
      },
      { timeout: 20_000 },
    );
    await aHasStaged;
    // B appends and commits while A, which appended first, is still open (before ADR 036, B waited
    // for A's commit: the lock was taken by the append).
    await db.$transaction((tx) => appendAuditEvent(tx, actor, { action: 'x.fast', targetType: 't' }), {
      timeout: 5_000,
    });
    releaseA();
    await a;
    const [last, previous] = await db.auditEvent.findMany({ orderBy: { seq: 'desc' }, take: 2 });
    // The chain follows commit order.
    expect([previous!.action, last!.action]).toEqual(['x.fast', 'x.slow']);
    expect(last!.prevHash).toBe(previous!.hash);
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true });
  });

  it('never deadlocks with the fleet counts at commit, whichever comes first in a transaction', async () => {
    // Both the audit chain and the fleet counts take a lock at commit (deferred triggers); a
    // transaction that appended takes the audit lock first in either order of its statements.
    const type = await buildConnectorType(db);
    const tenants = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        db.tenant.create({
          data: { entraTenantId: randomUUID(), displayName: `Deadlock ${i}`, region: i % 2 ? 'EU' : 'US' },
        }),
      ),
    );
    const before = await db.auditEvent.count();
    const rounds = 5;
    await Promise.all(
      tenants.flatMap((t, i) =>
        Array.from({ length: rounds }, (_, r) =>
          db.$transaction(async (tx) => {
            const change = () =>
              tx.connector.create({
                data: {
                  tenantId: t.id,
                  connectorTypeId: type.id,
                  displayName: `c${r}`,
                  appId: randomUUID(),
                  appObjectId: randomUUID(),
                  status: 'healthy',
                },
              });
            const audit = () =>
              appendAuditEvent(tx, actor, { action: 'x.fleet', targetType: 'tenant', tenantId: t.id });
            if ((i + r) % 2) {
              await audit();
              await change();
            } else {
              await change();
              await audit();
            }
          }),
        ),
      ),
    );
    expect(await db.auditEvent.count()).toBe(before + tenants.length * rounds);
    const summary = await db.$queryRaw<{ connectors: number }[]>`
      SELECT s.connectors FROM "TenantConnectorSummary" s JOIN "Tenant" t ON t.id = s."tenantId"
       WHERE t."displayName" LIKE 'Deadlock %'`;
    expect(summary.map((s) => s.connectors)).toEqual(tenants.map(() => rounds));
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true });
  });
});
