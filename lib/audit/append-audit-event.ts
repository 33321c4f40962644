/**
 * Appends events to the hash-chained audit log. Call it with the transaction client of the change
 * it records, so the change and its audit events commit (or roll back) together. The events are
 * staged in the transaction and chained when it commits (ADR 036): the chain's lock is held only
 * while the transaction commits, so concurrent audited transactions do not queue behind each
 * other's round trips, and the chain has no forks.
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
 * Many events in one go (a CSV import of thousands of tenants): chained in order, the same chain
 * as appending them one by one (seq follows the order), so `audit verify` checks it the same way.
 *
 * One round trip (audit_append, migrations 20261205080000_audit_append and
 * 20261205120000_audit_chain_at_commit): each event's canonical body is computed here; the database
 * stages the events, and at commit a deferred trigger takes the chain's lock, reads the head,
 * chains SHA-256(prevHash ‖ "\n" ‖ body) and inserts the rows. So the events are not in
 * "AuditEvent" (nor hashed) until the transaction commits, and not at all if it rolls back.
 */
export async function appendAuditEvents(
  tx: Prisma.TransactionClient,
  actor: Actor,
  inputs: AuditInput[],
  now: Date = new Date(),
): Promise<{ staged: number }> {
  if (inputs.length === 0) return { staged: 0 };
  const [row] = await tx.$queryRaw<
    { staged: number }[]
  >`SELECT audit_append(${auditEventsJson(actor, inputs, now)}::jsonb) AS staged`;
  return { staged: row!.staged };
}

/**
 * The argument of `audit_append(…::jsonb)`, for a statement that makes a change and stages its
 * events at once: `WITH changed AS (UPDATE … RETURNING 1) SELECT audit_append(…) FROM changed` is
 * one round trip and its own transaction (the events are chained when it commits, like any other).
 */
export function auditEventsJson(actor: Actor, inputs: AuditInput[], now: Date = new Date()): string {
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
  return JSON.stringify(events);
}

export async function appendAuditEvent(
  tx: Prisma.TransactionClient,
  actor: Actor,
  input: AuditInput,
  now: Date = new Date(),
): Promise<void> {
  // The batch of one: the same single statement (this runs in every audited transaction, five
  // times per rotation).
  await appendAuditEvents(tx, actor, [input], now);
}
