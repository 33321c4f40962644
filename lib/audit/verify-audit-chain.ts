/**
 * Walks the audit log in order and reports the first event whose hash or link does not match,
 * then compares the log with EVERY checkpoint (and with one recorded outside the database, when
 * given): each checkpointed event must still be there with the recorded hash. The latest alone is
 * not enough: delete the newest events and let Rekey append one more, and the chain is intact and
 * reaches the new latest checkpoint; only the older checkpoints still name the deleted events.
 * What `rekey audit verify` prints. Streams in pages so a long log does not load into memory.
 */
import type { Db } from '@/lib/db';
import { findLatestCheckpoint } from '@/lib/audit/audit-checkpoint';
import { GENESIS_HASH, hashAuditEvent } from '@/lib/audit/audit-hash';

/**
 * `truncated`: the log ends before a checkpoint (its newest events are gone); `deleted`: a
 * checkpointed event is gone but newer events follow (deleted, then appended to); both name the
 * missing range. `checkpoint_mismatch`: the checkpointed event has another hash (rewritten).
 */
export type AuditChainFailure = 'hash_mismatch' | 'link_mismatch' | 'truncated' | 'deleted' | 'checkpoint_mismatch';

export type AuditChainReport =
  | { ok: true; events: number; head: { seq: string; hash: string } | null; checkpoint: string | null }
  | {
      ok: false;
      events: number;
      brokenAt: string;
      reason: AuditChainFailure;
      detail: string;
      /** For `truncated` and `deleted`: the sequence numbers whose events are gone (first…last, inclusive). */
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
  const failure =
    (await compareWithStoredCheckpoints(db, head, count)) ??
    (against ? await compareWithCheckpoint(db, against, head, 'the checkpoint given with --against', count) : null);
  if (failure) return failure;
  return { ok: true, events: count, head, checkpoint: stored ? `${stored.seq}:${stored.hash}` : null };
}

/**
 * Every stored checkpoint against the table, in one query: the first (lowest seq) whose event is
 * missing or has another hash. Sequence numbers of rolled-back transactions are never used, so a
 * gap between sequence numbers is normal; a checkpoint is what proves an event existed.
 */
async function compareWithStoredCheckpoints(
  db: Db,
  head: { seq: string; hash: string } | null,
  events: number,
): Promise<AuditChainReport | null> {
  const [bad] = await db.$queryRaw<{ seq: bigint; hash: string; eventHash: string | null }[]>`
    SELECT c.seq, c.hash, e.hash AS "eventHash"
      FROM "AuditCheckpoint" c LEFT JOIN "AuditEvent" e ON e.seq = c.seq
     WHERE e.hash IS DISTINCT FROM c.hash
     ORDER BY c.seq, c.id LIMIT 1`;
  if (!bad) return null;
  const cp = { seq: bad.seq.toString(), hash: bad.hash };
  if (bad.eventHash !== null)
    return {
      ok: false,
      events,
      brokenAt: cp.seq,
      reason: 'checkpoint_mismatch',
      detail: `event ${cp.seq} hashes to ${bad.eventHash.slice(0, 12)}…, but its checkpoint recorded ${cp.hash.slice(0, 12)}…: the log was rewritten from there on`,
    };
  const [before] = await db.$queryRaw<{ seq: bigint }[]>`
    SELECT seq FROM "AuditEvent" WHERE seq < ${bad.seq} ORDER BY seq DESC LIMIT 1`;
  const [after] = await db.$queryRaw<{ seq: bigint }[]>`
    SELECT seq FROM "AuditEvent" WHERE seq > ${bad.seq} ORDER BY seq ASC LIMIT 1`;
  const from = ((before?.seq ?? 0n) + 1n).toString();
  if (!after) {
    const latest = await findLatestCheckpoint(db);
    return truncated(events, head, latest ?? cp, 'the latest checkpoint records', from);
  }
  const to = (after.seq - 1n).toString();
  return {
    ok: false,
    events,
    brokenAt: cp.seq,
    reason: 'deleted',
    missing: { from, to },
    detail:
      `the checkpoint of event ${cp.seq} (${cp.hash.slice(0, 12)}…, recorded at its commit) names an event that is no longer in the log: ` +
      `events from ${from} to ${to} were deleted (at least ${cp.seq}; sequence numbers of rolled-back transactions are never used), and newer events were appended after them`,
  };
}

function truncated(
  events: number,
  head: { seq: string; hash: string } | null,
  last: { seq: string; hash: string },
  where: string,
  from: string,
): AuditChainReport {
  return {
    ok: false,
    events,
    brokenAt: last.seq,
    reason: 'truncated',
    missing: { from, to: last.seq },
    detail: `the log ends at event ${head?.seq ?? '(none)'}, but ${where} event ${last.seq} (${last.hash.slice(0, 12)}…): the events from ${from} to ${last.seq} were deleted`,
  };
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
  if (headSeq < seq) return truncated(events, head, cp, `${where} records`, (headSeq + 1n).toString());
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
