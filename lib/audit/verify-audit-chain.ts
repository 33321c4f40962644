/**
 * Walks the audit log in order and reports the first event whose hash or link does not match:
 * what `rekey audit verify` prints. Streams in pages so a long log does not load into memory.
 */
import type { Db } from '@/lib/db';
import { GENESIS_HASH, hashAuditEvent } from '@/lib/audit/audit-hash';

export type AuditChainReport =
  | { ok: true; events: number }
  | { ok: false; events: number; brokenAt: string; reason: 'hash_mismatch' | 'link_mismatch'; detail: string };

export async function verifyAuditChain(db: Db, pageSize = 2000): Promise<AuditChainReport> {
  let prev = GENESIS_HASH;
  let cursor: bigint | undefined;
  let count = 0;
  for (;;) {
    const page = await db.auditEvent.findMany({
      where: cursor === undefined ? {} : { seq: { gt: cursor } },
      orderBy: { seq: 'asc' },
      take: pageSize,
    });
    if (page.length === 0) return { ok: true, events: count };
    for (const e of page) {
      count++;
      if (e.prevHash !== prev) {
        return {
          ok: false,
          events: count,
          brokenAt: e.seq.toString(),
          reason: 'link_mismatch',
          detail: `event ${e.seq} points to ${e.prevHash.slice(0, 12)}…, but the event before it hashes to ${prev.slice(0, 12)}… (an event was removed or inserted)`,
        };
      }
      const expected = hashAuditEvent({ ...e, before: e.before, after: e.after });
      if (expected !== e.hash) {
        return {
          ok: false,
          events: count,
          brokenAt: e.seq.toString(),
          reason: 'hash_mismatch',
          detail: `event ${e.seq} (${e.action} at ${e.at.toISOString()}) was changed after it was written`,
        };
      }
      prev = e.hash;
    }
    cursor = page[page.length - 1]!.seq;
  }
}
