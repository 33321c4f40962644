import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { appendAuditEvent, type Actor } from '@/lib/audit/append-audit-event';
import { verifyAuditChain } from '@/lib/audit/verify-audit-chain';

const actor: Actor = { id: null, label: 'alice@contoso.example', requestId: 'req-1', clientIp: '192.0.2.10' };

/** What a DBA could do: switch the append-only trigger off for one statement. */
async function withTriggerOff(fn: () => Promise<unknown>) {
  await db.$executeRawUnsafe('ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only_row"');
  try {
    await fn();
  } finally {
    await db.$executeRawUnsafe('ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only_row"');
  }
}

async function appendMany(n: number) {
  for (let i = 0; i < n; i++) {
    await db.$transaction((tx) =>
      appendAuditEvent(tx, actor, {
        action: 'tenant.update',
        targetType: 'tenant',
        targetId: `t${i}`,
        before: { name: 'a', nested: { z: 1, a: [1, 2] } },
        after: { name: `b${i}` },
      }),
    );
  }
}

describe('the audit log', () => {
  it('verifies an intact chain, including events written concurrently', async () => {
    await appendMany(5);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        db.$transaction((tx) =>
          appendAuditEvent(tx, actor, { action: 'x.concurrent', targetType: 't', targetId: String(i) }),
        ),
      ),
    );
    await expect(verifyAuditChain(db, 3)).resolves.toEqual({ ok: true, events: 13 });
  });

  it('reports the first event whose content was changed behind its back', async () => {
    await appendMany(2);
    const victim = await db.auditEvent.findFirstOrThrow({ where: { targetId: 't1' }, orderBy: { seq: 'desc' } });
    await withTriggerOff(
      () => db.$executeRaw`UPDATE "AuditEvent" SET "after" = '{"name":"forged"}'::jsonb WHERE seq = ${victim.seq}`,
    );
    const report = await verifyAuditChain(db);
    expect(report).toMatchObject({ ok: false, brokenAt: victim.seq.toString(), reason: 'hash_mismatch' });
    // Put the original back: the chain verifies again, so the next test starts from a clean chain.
    await withTriggerOff(
      () =>
        db.$executeRaw`UPDATE "AuditEvent" SET "after" = ${JSON.stringify(victim.after)}::jsonb WHERE seq = ${victim.seq}`,
    );
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true });
  });

  it('reports a deleted event as a broken link', async () => {
    await appendMany(3);
    const [last, middle] = await db.auditEvent.findMany({ orderBy: { seq: 'desc' }, take: 2 });
    await withTriggerOff(() => db.$executeRaw`DELETE FROM "AuditEvent" WHERE seq = ${middle!.seq}`);
    const report = await verifyAuditChain(db);
    expect(report).toMatchObject({ ok: false, reason: 'link_mismatch', brokenAt: last!.seq.toString() });
  });

  it('rolls the event back with the change it records', async () => {
    const before = await db.auditEvent.count();
    await expect(
      db.$transaction(async (tx) => {
        await appendAuditEvent(tx, actor, { action: 'tenant.delete', targetType: 'tenant' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await db.auditEvent.count()).toBe(before);
  });
});
