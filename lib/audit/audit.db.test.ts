import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { appendAuditEvent, appendAuditEvents, type Actor } from '@/lib/audit/append-audit-event';
import { hashAuditEvent } from '@/lib/audit/audit-hash';
import { findAuditHead, findLatestCheckpoint } from '@/lib/audit/audit-checkpoint';
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
    const report = await verifyAuditChain(db, 3);
    const head = await db.auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    expect(report).toEqual({
      ok: true,
      events: 13,
      head: { seq: head.seq.toString(), hash: head.hash },
      checkpoint: `${head.seq}:${head.hash}`,
    });
  });

  it('chains in the database what Node verifies: non-ASCII text, nested JSON, nulls, a batch in order', async () => {
    const { staged } = await db.$transaction((tx) =>
      appendAuditEvents(
        tx,
        { id: null, label: 'Zoë Ångström <zoe@contoso.example>', requestId: null, clientIp: null },
        [
          {
            action: 'tenant.rename',
            targetType: 'tenant',
            targetId: 'ü-1',
            before: null,
            after: { name: 'Fabrikam – 東京', tags: ['ä', { k: null }] },
          },
          { action: 'tenant.note', targetType: 'tenant', before: { emoji: '🔑', n: 1.5, t: true } },
          { action: 'tenant.note', targetType: 'tenant' },
        ],
      ),
    );
    const rows = await db.auditEvent.findMany({ orderBy: { seq: 'desc' }, take: 3 });
    const stored = rows.reverse();
    expect(staged).toBe(3);
    expect(stored.map((r) => [r.action, r.targetId])).toEqual([
      ['tenant.rename', 'ü-1'],
      ['tenant.note', null],
      ['tenant.note', null],
    ]);
    for (const r of stored)
      expect(r.hash).toBe(hashAuditEvent({ ...r, before: r.before ?? null, after: r.after ?? null }));
    expect(stored[0]!.before).toBeNull();
    expect(stored[1]!.prevHash).toBe(stored[0]!.hash);
    expect(stored[2]!.prevHash).toBe(stored[1]!.hash);
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true });
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

  it('checkpoints the head at every audited commit, never backwards, and never a made-up head', async () => {
    await appendMany(1);
    const head = await findAuditHead(db);
    expect(await findLatestCheckpoint(db)).toMatchObject({ seq: head!.seq, hash: head!.hash });
    // One transaction, three events: one checkpoint, for its last event.
    const before = await db.auditCheckpoint.count();
    await db.$transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await appendAuditEvent(tx, actor, { action: 'x.batch', targetType: 't' });
    });
    expect(await db.auditCheckpoint.count()).toBe(before + 1);
    // Three events staged at once (one row to chain) make one checkpoint; an empty append makes none.
    await db.$transaction((tx) =>
      appendAuditEvents(
        tx,
        actor,
        [1, 2, 3].map(() => ({ action: 'x.batch', targetType: 't' })),
      ),
    );
    await db.$queryRaw`SELECT audit_append('[]'::jsonb)`;
    expect(await db.auditCheckpoint.count()).toBe(before + 2);
    const newHead = await findAuditHead(db);
    expect(await findLatestCheckpoint(db)).toMatchObject({ seq: newHead!.seq, hash: newHead!.hash });
    await expect(
      db.$executeRaw`INSERT INTO "AuditCheckpoint" (seq, hash) VALUES (${BigInt(head!.seq)}, ${head!.hash})`,
    ).rejects.toThrow(/never move backwards/);
    await expect(
      db.$executeRaw`INSERT INTO "AuditCheckpoint" (seq, hash) VALUES (${BigInt(newHead!.seq)}, ${'0'.repeat(64)})`,
    ).rejects.toThrow(/does not match an event/);
    await expect(db.$executeRawUnsafe('DELETE FROM "AuditCheckpoint"')).rejects.toThrow(/append-only/);
  });

  it('reports deleted newest events as a truncation naming the missing range, also against an external checkpoint', async () => {
    await appendMany(4);
    const external = await findAuditHead(db);
    const [newest, second] = await db.auditEvent.findMany({ orderBy: { seq: 'desc' }, take: 2 });
    const survivor = await db.auditEvent.findMany({ orderBy: { seq: 'desc' }, skip: 2, take: 1 });
    // A DBA removes the two newest events: the chain that is left is intact.
    await withTriggerOff(() => db.$executeRaw`DELETE FROM "AuditEvent" WHERE seq >= ${second!.seq}`);
    const report = await verifyAuditChain(db);
    const from = (survivor[0]!.seq + 1n).toString();
    expect(report).toMatchObject({
      ok: false,
      reason: 'truncated',
      brokenAt: newest!.seq.toString(),
      missing: { from, to: newest!.seq.toString() },
    });
    expect(report.ok ? '' : report.detail).toContain(`the events from ${from} to ${newest!.seq} were deleted`);

    // Even with the stored checkpoints deleted too, the head recorded outside still tells.
    await db.$executeRawUnsafe('ALTER TABLE "AuditCheckpoint" DISABLE TRIGGER "AuditCheckpoint_append_only_row"');
    try {
      await db.$executeRaw`DELETE FROM "AuditCheckpoint" WHERE seq >= ${second!.seq}`;
    } finally {
      await db.$executeRawUnsafe('ALTER TABLE "AuditCheckpoint" ENABLE TRIGGER "AuditCheckpoint_append_only_row"');
    }
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    expect(await verifyAuditChain(db, { against: external })).toMatchObject({
      ok: false,
      reason: 'truncated',
      missing: { from, to: external!.seq },
    });
  });

  it('compares with every checkpoint: events deleted before newer ones were appended are still named', async () => {
    await appendMany(4);
    const [newest, second] = await db.auditEvent.findMany({ orderBy: { seq: 'desc' }, take: 2 });
    const [survivor] = await db.auditEvent.findMany({ orderBy: { seq: 'desc' }, skip: 2, take: 1 });
    // The two newest events (each checkpointed at its commit) are deleted; then Rekey carries on:
    // the next event links to the survivor and becomes the latest checkpoint, so the chain is
    // intact and reaches the latest checkpoint. Only the older checkpoints remember the gap.
    await withTriggerOff(() => db.$executeRaw`DELETE FROM "AuditEvent" WHERE seq >= ${second!.seq}`);
    await appendMany(1);
    const latest = await findLatestCheckpoint(db);
    expect(BigInt(latest!.seq)).toBeGreaterThan(newest!.seq);
    const report = await verifyAuditChain(db);
    const from = (survivor!.seq + 1n).toString();
    expect(report).toMatchObject({
      ok: false,
      reason: 'deleted',
      brokenAt: second!.seq.toString(),
      missing: { from, to: (BigInt(latest!.seq) - 1n).toString() },
    });
    expect(report.ok ? '' : report.detail).toContain(`checkpoint of event ${second!.seq}`);
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
