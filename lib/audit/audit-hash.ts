import { createHash } from 'node:crypto';
import { canonicalJson } from '@/lib/audit/canonical-json';

/** The first event's prevHash. */
export const GENESIS_HASH = '0'.repeat(64);

export interface HashableAuditEvent {
  at: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string | null;
  tenantId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  clientIp: string | null;
  prevHash: string;
}

/** The canonical JSON of an event's fields, prevHash excepted: what its hash covers besides the chain. */
export function auditEventBody(e: Omit<HashableAuditEvent, 'prevHash'>): string {
  return canonicalJson({
    at: e.at.toISOString(),
    actorId: e.actorId,
    actorLabel: e.actorLabel,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    tenantId: e.tenantId,
    before: e.before ?? null,
    after: e.after ?? null,
    requestId: e.requestId,
    clientIp: e.clientIp,
  });
}

/**
 * hash = SHA-256(prevHash ‖ "\n" ‖ canonical JSON of the event's fields). The database computes the
 * same when it appends (audit_append, migration 20261205080000_audit_append); verification here.
 */
export function hashAuditEvent(e: HashableAuditEvent): string {
  return createHash('sha256').update(e.prevHash).update('\n').update(auditEventBody(e)).digest('hex');
}
