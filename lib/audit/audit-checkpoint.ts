/**
 * The audit chain's head and its checkpoints (ADR 018). A deferred trigger records the head
 * (seq + hash) in "AuditCheckpoint" when each audited transaction commits; the application role
 * may only append there, and a checkpoint never moves backwards. `rekey audit checkpoint` prints
 * the head so it can also be kept outside the database (a ticket, a log host, a printed page):
 * `rekey audit verify --against SEQ:HASH` then checks the log still reaches it.
 */
import type { Db } from '@/lib/db';
import { RekeyError } from '@/lib/errors';

export interface AuditHead {
  seq: string;
  hash: string;
  at: Date;
}

/** The newest event of the log (null when the log is empty). */
export async function findAuditHead(db: Db): Promise<AuditHead | null> {
  const e = await db.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true, at: true } });
  return e ? { seq: e.seq.toString(), hash: e.hash, at: e.at } : null;
}

/** The newest checkpoint (null before the first audited commit). */
export async function findLatestCheckpoint(db: Db): Promise<AuditHead | null> {
  const c = await db.auditCheckpoint.findFirst({
    orderBy: [{ seq: 'desc' }, { id: 'desc' }],
    select: { seq: true, hash: true, at: true },
  });
  return c ? { seq: c.seq.toString(), hash: c.hash, at: c.at } : null;
}

/** `SEQ:HASH` as printed by `rekey audit checkpoint`. */
export function formatCheckpoint(h: Pick<AuditHead, 'seq' | 'hash'>): string {
  return `${h.seq}:${h.hash}`;
}

export function parseCheckpoint(text: string): { seq: string; hash: string } {
  const m = /^\s*(\d{1,19}):([0-9a-f]{64})\s*$/i.exec(text);
  if (!m)
    throw new RekeyError(
      'BAD_INPUT',
      `"${text.slice(0, 100)}" is not a checkpoint: expected SEQ:HASH as printed by \`rekey audit checkpoint\` (e.g. 1234:9f86d0…, 64 hex digits).`,
    );
  return { seq: m[1]!, hash: m[2]!.toLowerCase() };
}
