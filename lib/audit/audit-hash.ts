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

/** hash = SHA-256(prevHash ‖ canonical JSON of the event's fields). */
export function hashAuditEvent(e: HashableAuditEvent): string {
  const body = canonicalJson({
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
  return createHash('sha256').update(e.prevHash).update('\n').update(body).digest('hex');
}
