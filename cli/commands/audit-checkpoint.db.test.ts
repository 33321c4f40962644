import { describe, expect, it } from 'vitest';
import { main } from '../main';
import { auditCommands } from './audit';
import { db } from '@/lib/db';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

const commands = auditCommands;

describe('rekey audit checkpoint / verify after truncation', () => {
  it('prints the head, and verify exits 1 naming the missing events once the newest are deleted', async () => {
    for (let i = 0; i < 3; i++) {
      await db.$transaction((tx) =>
        appendAuditEvent(tx, { id: null, label: 'cli-test' }, { action: 'x.trunc', targetType: 't', targetId: `${i}` }),
      );
    }
    const cp = io();
    expect(await main(['audit', 'checkpoint'], cp.io, commands)).toBe(0);
    const [recorded] = cp.out[0]!.split(' ');
    const head = await db.auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    expect(recorded).toBe(`${head.seq}:${head.hash}`);

    await db.$executeRawUnsafe('ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only_row"');
    try {
      await db.$executeRaw`DELETE FROM "AuditEvent" WHERE seq = ${head.seq}`;
    } finally {
      await db.$executeRawUnsafe('ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only_row"');
    }
    const bad = io();
    expect(await main(['audit', 'verify'], bad.io, commands)).toBe(1);
    expect(bad.err.join('\n')).toMatch(new RegExp(`TRUNCATED: events \\d+–${head.seq} are missing`));
    const against = io();
    expect(await main(['audit', 'verify', '--against', recorded!, '--json'], against.io, commands)).toBe(1);
    expect(JSON.parse(against.out[0]!)).toMatchObject({ ok: false, reason: 'truncated' });

    // Rekey carries on: a new event links to the survivor and is the latest checkpoint; the
    // older checkpoint still names the deleted event.
    await db.$transaction((tx) =>
      appendAuditEvent(tx, { id: null, label: 'cli-test' }, { action: 'x.after', targetType: 't' }),
    );
    const later = io();
    expect(await main(['audit', 'verify'], later.io, commands)).toBe(1);
    expect(later.err.join('\n')).toMatch(
      new RegExp(`has DELETED events: events \\d+–\\d+ are missing: the checkpoint of event ${head.seq}`),
    );
  });
});
