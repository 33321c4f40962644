/**
 * Appends one event to the hash-chained audit log. Call it with the transaction client of the
 * change it records, so the change and its audit event commit (or roll back) together.
 * A transaction-scoped advisory lock serialises appends so the chain has no forks.
 */
import { Prisma } from '@/lib/db';
import { GENESIS_HASH, hashAuditEvent } from '@/lib/audit/audit-hash';
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
 * head, the chain continued in order, multi-row INSERTs. The chain is the same as appending them
 * one by one (seq follows the VALUES order), so `audit verify` checks it the same way.
 */
export async function appendAuditEvents(
  tx: Prisma.TransactionClient,
  actor: Actor,
  inputs: AuditInput[],
  now: Date = new Date(),
): Promise<{ hashes: string[] }> {
  if (inputs.length === 0) return { hashes: [] };
  // The chain's lock (pg_advisory_xact_lock(7264501), as the checkpoint trigger takes it), then its
  // head, in one round trip (migration 20261204180000_audit_chain_head: read after the lock is granted).
  const last = await tx.$queryRaw<{ hash: string | null }[]>`SELECT audit_chain_head() AS hash`;
  let prevHash = last[0]?.hash ?? GENESIS_HASH;
  const json = (v: unknown) => (v === null ? null : JSON.stringify(v));
  const rows: Prisma.Sql[] = [];
  const hashes: string[] = [];
  for (const input of inputs) {
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
      prevHash,
    };
    const hash = hashAuditEvent(event);
    rows.push(
      Prisma.sql`((${event.at.toISOString()}::timestamptz AT TIME ZONE 'UTC'), ${event.actorId}::uuid, ${event.actorLabel}, ${event.action}, ${event.targetType}, ${event.targetId}, ${event.tenantId}::uuid,
            ${json(event.before)}::jsonb, ${json(event.after)}::jsonb, ${event.requestId}, ${event.clientIp}, ${event.prevHash}, ${hash})`,
    );
    hashes.push(hash);
    prevHash = hash;
  }
  // `at` is a UTC timestamp without time zone, as Prisma writes DateTime: converted explicitly so
  // the server's TimeZone setting cannot shift it. 13 parameters a row: 1,000 rows stay far below PostgreSQL's 65,535 per statement.
  for (let i = 0; i < rows.length; i += 1_000) {
    await tx.$executeRaw`
      INSERT INTO "AuditEvent" ("at", "actorId", "actorLabel", "action", "targetType", "targetId", "tenantId", "before", "after", "requestId", "clientIp", "prevHash", "hash")
      VALUES ${Prisma.join(rows.slice(i, i + 1_000))}`;
  }
  return { hashes };
}

export async function appendAuditEvent(
  tx: Prisma.TransactionClient,
  actor: Actor,
  input: AuditInput,
  now: Date = new Date(),
): Promise<{ hash: string }> {
  // The batch of one: the same lock, head read and raw INSERT (this runs in every audited
  // transaction, five times per rotation, so it stays raw SQL).
  const { hashes } = await appendAuditEvents(tx, actor, [input], now);
  return { hash: hashes[0]! };
}
