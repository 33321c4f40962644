/**
 * The evidence summary of one rotation: what it changed and how we know — connector and tenant,
 * old and new certificate, the add/remove paths and why, credential lists before and after,
 * every step with its time and outcome, and who did what (the audit events). A read `(ctx, input)`
 * (lib/use-case.ts): a principal must be able to view the rotation's tenant (NOT_FOUND outside it).
 */
import { requireTenantAccess } from '@/lib/auth/tenant-access';
import { RekeyError } from '@/lib/errors';
import type { UseCaseContext } from '@/lib/use-case';
import { readFacts, type RotationFacts } from '@/lib/rotation/rotation-facts';

export interface RotationEvidence {
  rotation: {
    id: string;
    mode: string;
    plan: string | undefined;
    state: string;
    step: string;
    errorCode: string | null;
    errorMessage: string | null;
    createdAt: Date;
    startedAt: Date | null;
    finishedAt: Date | null;
    startedBy: string;
  };
  connector: { id: string; displayName: string; appId: string };
  tenant: { id: string; entraTenantId: string; displayName: string };
  from: { id: string; sha1: string; subject: string; notAfter: Date } | null;
  to: { id: string; sha1: string; subject: string; notAfter: Date };
  facts: RotationFacts;
  steps: { at: Date; step: string; outcome: string; message: string; durationMs: number }[];
  audit: { seq: string; at: Date; actor: string; action: string; hash: string }[];
}

export async function getRotationEvidence(
  ctx: Pick<UseCaseContext, 'db' | 'principal'>,
  input: { rotationId: string },
): Promise<RotationEvidence> {
  const { rotationId } = input;
  const r = await ctx.db.rotation.findUnique({
    where: { id: rotationId },
    include: {
      connector: { include: { tenant: true } },
      fromCertificate: { select: { id: true, sha1Thumbprint: true, subject: true, notAfter: true } },
      toCertificate: { select: { id: true, sha1Thumbprint: true, subject: true, notAfter: true } },
      steps: { orderBy: { at: 'asc' } },
    },
  });
  if (!r) throw new RekeyError('NOT_FOUND', `Rotation ${rotationId} not found.`);
  if (ctx.principal) await requireTenantAccess(ctx.principal, r.connector.tenantId, 'viewer', ctx.db);
  const audit = await ctx.db.auditEvent.findMany({
    where: { targetType: 'rotation', targetId: r.id },
    orderBy: { seq: 'asc' },
  });
  const facts = readFacts(r.facts);
  return {
    rotation: {
      id: r.id,
      mode: r.mode,
      plan: facts.plan,
      state: r.state,
      step: r.step,
      errorCode: r.errorCode,
      errorMessage: r.errorMessage,
      createdAt: r.createdAt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      startedBy: r.actorLabel,
    },
    connector: { id: r.connector.id, displayName: r.connector.displayName, appId: r.connector.appId },
    tenant: {
      id: r.connector.tenant.id,
      entraTenantId: r.connector.tenant.entraTenantId,
      displayName: r.connector.tenant.displayName,
    },
    from: r.fromCertificate
      ? {
          id: r.fromCertificate.id,
          sha1: r.fromCertificate.sha1Thumbprint,
          subject: r.fromCertificate.subject,
          notAfter: r.fromCertificate.notAfter,
        }
      : null,
    to: {
      id: r.toCertificate.id,
      sha1: r.toCertificate.sha1Thumbprint,
      subject: r.toCertificate.subject,
      notAfter: r.toCertificate.notAfter,
    },
    facts,
    steps: r.steps.map((s) => ({
      at: s.at,
      step: s.step,
      outcome: s.outcome,
      message: s.message,
      durationMs: s.durationMs,
    })),
    audit: audit.map((a) => ({ seq: a.seq.toString(), at: a.at, actor: a.actorLabel, action: a.action, hash: a.hash })),
  };
}
