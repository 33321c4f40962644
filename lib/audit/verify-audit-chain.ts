/**
 * Walks the audit log in order and reports the first event whose hash or link does not match,
 * then compares the log with the newest checkpoint (and with one recorded outside the database,
 * when given): a log that no longer reaches a checkpoint lost its newest events. What
 * `rekey audit verify` prints. Streams in pages so a long log does not load into memory.
 */
import type { Db } from '@/lib/db';
import { findLatestCheckpoint } from '@/lib/audit/audit-checkpoint';
import { GENESIS_HASH, hashAuditEvent } from '@/lib/audit/audit-hash';

export type AuditChainFailure = 'hash_mismatch' | 'link_mismatch' | 'truncated' | 'checkpoint_mismatch';

export type AuditChainReport =
  | { ok: true; events: number; head: { seq: string; hash: string } | null; checkpoint: string | null }
  | {
      ok: false;
      events: number;
      brokenAt: string;
      reason: AuditChainFailure;
      detail: string;
      /** For `truncated`: the sequence numbers whose events are gone (first…last, inclusive). */
      missing?: { from: string; to: string };
    };

export interface VerifyOptions {
  pageSize?: number;
  /** A head recorded outside the database (`rekey audit checkpoint`). */
  against?: { seq: string; hash: string } | null;
}

export async function verifyAuditChain(db: Db, opts: VerifyOptions | number = {}): Promise<AuditChainReport> {
  const { pageSize = 2000, against = null } = typeof opts === 'number' ? { pageSize: opts } : opts;
  let prev = GENESIS_HASH;
  let cursor: bigint | undefined;
  let count = 0;
  for (;;) {
    const page = await db.auditEvent.findMany({
      where: cursor === undefined ? {} : { seq: { gt: cursor } },
      orderBy: { seq: 'asc' },
      take: pageSize,
    });
    if (page.length === 0) break;
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
  const head = cursor === undefined ? null : { seq: cursor.toString(), hash: prev };
  const stored = await findLatestCheckpoint(db);
  for (const [cp, where] of [
    [stored, 'the latest checkpoint'],
    [against, 'the checkpoint given with --against'],
  ] as const) {
    if (!cp) continue;
    const failure = await compareWithCheckpoint(db, cp, head, where, count);
    if (failure) return failure;
  }
  return { ok: true, events: count, head, checkpoint: stored ? `${stored.seq}:${stored.hash}` : null };
}

async function compareWithCheckpoint(
  db: Db,
  cp: { seq: string; hash: string },
  head: { seq: string; hash: string } | null,
  where: string,
  events: number,
): Promise<AuditChainReport | null> {
  const seq = BigInt(cp.seq);
  const headSeq = head ? BigInt(head.seq) : 0n;
  if (headSeq < seq) {
    // Sequence numbers of rolled-back transactions are never used, so "from" is where the gap
    // may start: at least the checkpointed event itself is gone.
    const from = (headSeq + 1n).toString();
    return {
      ok: false,
      events,
      brokenAt: cp.seq,
      reason: 'truncated',
      missing: { from, to: cp.seq },
      detail: `the log ends at event ${head?.seq ?? '(none)'}, but ${where} records event ${cp.seq} (${cp.hash.slice(0, 12)}…): the events from ${from} to ${cp.seq} were deleted`,
    };
  }
  const at = await db.auditEvent.findUnique({ where: { seq }, select: { hash: true } });
  if (!at || at.hash !== cp.hash) {
    return {
      ok: false,
      events,
      brokenAt: cp.seq,
      reason: 'checkpoint_mismatch',
      detail: at
        ? `event ${cp.seq} hashes to ${at.hash.slice(0, 12)}…, but ${where} recorded ${cp.hash.slice(0, 12)}…: the log was rewritten from there on`
        : `${where} records event ${cp.seq}, which is no longer in the log: the log was rewritten`,
    };
  }
  return null;
}
