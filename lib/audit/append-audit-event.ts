/**
 * Appends one event to the hash-chained audit log. Call it with the transaction client of the
 * change it records, so the change and its audit event commit (or roll back) together.
 * A transaction-scoped advisory lock serialises appends so the chain has no forks.
 */
import type { Prisma } from '@/lib/db';
import { auditEventBody } from '@/lib/audit/audit-hash';
import { canonicalJson } from '@/lib/audit/canonical-json';

/** Who is acting and from where (built once per request / job by the action wrapper). */
export interface Actor {
  id: string | null;
  label: string;
  requestId?: string | null;
  clientIp?: string | null;
}

export const SYSTEM_ACTOR: Actor = { id: null, label: 'system' };

export interface AuditInput {
  action: string;
  targetType: string;
  targetId?: string | null;
  tenantId?: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Many events in one go (a CSV import of thousands of tenants): one chain lock, one read of the
 * head, the chain continued in order. The chain is the same as appending them one by one (seq
 * follows the order), so `audit verify` checks it the same way.
 *
 * One round trip (audit_append, migration 20261205080000_audit_append): each event's canonical
 * body is computed here before the lock is taken; the database takes the chain's lock, reads the
 * head, chains SHA-256(prevHash ‖ "\n" ‖ body) and inserts the rows. The lock is then held only for
 * that statement and the COMMIT that follows, not for a round trip through this process as well.
 */
export async function appendAuditEvents(
  tx: Prisma.TransactionClient,
  actor: Actor,
  inputs: AuditInput[],
  now: Date = new Date(),
): Promise<{ hashes: string[] }> {
  if (inputs.length === 0) return { hashes: [] };
  const events = inputs.map((input) => {
    // Round-trip through canonical JSON so what is hashed is exactly what jsonb will give back.
    const before = input.before === undefined ? null : (JSON.parse(canonicalJson(input.before)) as unknown);
    const after = input.after === undefined ? null : (JSON.parse(canonicalJson(input.after)) as unknown);
    const event = {
      at: now,
      actorId: actor.id,
      actorLabel: actor.label,
      action: input.action,
      targetType: input.targetType,
      targetId: input.targetId ?? null,
      tenantId: input.tenantId ?? null,
      before,
      after,
      requestId: actor.requestId ?? null,
      clientIp: actor.clientIp ?? null,
    };
    // `at` goes as ISO 8601 (UTC, ms): the function stores it as the UTC timestamp Prisma writes.
    return { ...event, at: now.toISOString(), body: auditEventBody(event) };
  });
  const [row] = await tx.$queryRaw<
    { hashes: string[] }[]
  >`SELECT audit_append(${JSON.stringify(events)}::jsonb) AS hashes`;
  return { hashes: row!.hashes };
}

export async function appendAuditEvent(
  tx: Prisma.TransactionClient,
  actor: Actor,
  input: AuditInput,
  now: Date = new Date(),
): Promise<{ hash: string }> {
  // The batch of one: the same single statement (this runs in every audited transaction, five
  // times per rotation).
  const { hashes } = await appendAuditEvents(tx, actor, [input], now);
  return { hash: hashes[0]! };
}
