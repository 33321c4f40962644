/**
 * The evidence pack for one tenant: what it holds, every rotation with its before/after
 * credential lists (from Rotation.facts), timestamps, the last time the old credential was used
 * (SignInEvidence, by thumbprint) and whether it was used after the rotation finished, the
 * sign-ins from unknown addresses, and the tenant's audit trail. NOT_FOUND outside the scope.
 */
import type { Db } from '@/lib/db';
import { isGuid } from '@/lib/text/guid';
import { RekeyError } from '@/lib/errors';
import { tenantSql, type FleetScope } from '@/lib/fleet/fleet-scope';
import { readFacts, type CredentialList } from '@/lib/rotation/rotation-facts';
import type { UseCaseContext } from '@/lib/use-case';
import { callerFleetScope } from '@/lib/fleet/caller-scope';
import { requireCallerRole } from '@/lib/auth/caller-role';

export interface CertRef {
  sha1Thumbprint: string;
  sha256Thumbprint: string;
  serialNumber: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
}

export interface EvidenceRotation {
  id: string;
  connectorId: string;
  connectorName: string;
  campaignId: string | null;
  mode: string;
  state: string;
  startStatus: string | null;
  actorLabel: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  errorMessage: string | null;
  from: CertRef | null;
  to: CertRef;
  before: CredentialList | null;
  after: CredentialList | null;
  removedAt: string | null;
  verifiedNewAt: string | null;
  verifiedOldGoneAt: string | null;
  /** Last sign-in with the old certificate seen in the tenant's sign-in logs (any classification). */
  oldCredentialLastUsedAt: Date | null;
  /** Sign-ins with the old certificate after the rotation finished (should be none). */
  oldCredentialUsesAfterFinish: number;
  steps: { step: string; outcome: string; message: string; at: Date }[];
}

export interface TenantEvidencePack {
  generatedAt: Date;
  tenant: {
    id: string;
    displayName: string;
    entraTenantId: string;
    defaultDomain: string | null;
    region: string;
    group: string | null;
    signInLogState: string;
    lastSignInScanAt: Date | null;
  };
  connectors: {
    id: string;
    displayName: string;
    appId: string;
    status: string;
    statusReasons: unknown;
    currentCertificate: CertRef | null;
    observedCredentials: unknown;
    observedAt: Date | null;
  }[];
  rotations: EvidenceRotation[];
  unknownSignIns: {
    at: Date;
    appId: string;
    connectorId: string | null;
    ipAddress: string;
    credentialThumbprint: string | null;
    credentialKeyId: string | null;
    credentialType: string | null;
    resource: string | null;
    errorCode: number;
  }[];
  auditEvents: {
    seq: string;
    at: Date;
    actorLabel: string;
    action: string;
    targetType: string;
    targetId: string | null;
  }[];
}

const certSelect = {
  sha1Thumbprint: true,
  sha256Thumbprint: true,
  serialNumber: true,
  subject: true,
  notBefore: true,
  notAfter: true,
} as const;

export async function getTenantEvidencePack(
  db: Db,
  scope: FleetScope,
  tenantId: string,
  opts: { now: Date; maxSignIns?: number; maxAuditEvents?: number },
): Promise<TenantEvidencePack> {
  const notFound = new RekeyError('NOT_FOUND', 'Tenant not found.');
  if (!isGuid(tenantId)) throw notFound;
  const visible = await db.$queryRaw<
    { id: string }[]
  >`SELECT t.id FROM "Tenant" t WHERE t.id = ${tenantId}::uuid AND ${tenantSql(scope, {})}`;
  if (visible.length === 0) throw notFound;
  const tenant = await db.tenant.findUniqueOrThrow({
    where: { id: tenantId },
    select: {
      id: true,
      displayName: true,
      entraTenantId: true,
      defaultDomain: true,
      region: true,
      group: true,
      signInLogState: true,
      lastSignInScanAt: true,
    },
  });
  const [connectors, rotations, lastUse, unknownSignIns, audit] = await Promise.all([
    db.connector.findMany({
      where: { tenantId },
      orderBy: [{ displayName: 'asc' }, { id: 'asc' }],
      select: {
        id: true,
        displayName: true,
        appId: true,
        status: true,
        statusReasons: true,
        observedCredentials: true,
        observedAt: true,
        currentCertificate: { select: certSelect },
      },
    }),
    db.rotation.findMany({
      where: { connector: { tenantId } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      include: {
        connector: { select: { displayName: true } },
        fromCertificate: { select: certSelect },
        toCertificate: { select: certSelect },
        steps: { orderBy: { at: 'asc' }, select: { step: true, outcome: true, message: true, at: true } },
      },
    }),
    db.$queryRaw<{ rotationId: string; lastAt: Date | null; after: bigint }[]>`
      SELECT r.id AS "rotationId", max(e.at) AS "lastAt", count(e.id) FILTER (WHERE r."finishedAt" IS NOT NULL AND e.at > r."finishedAt") AS after
      FROM "Rotation" r JOIN "Connector" c ON c.id = r."connectorId"
      JOIN "Certificate" fc ON fc.id = r."fromCertificateId"
      LEFT JOIN "SignInEvidence" e ON e."tenantId" = c."tenantId" AND (e."connectorId" = c.id OR e."appId" = c."appId")
        AND upper(e."credentialThumbprint") = upper(fc."sha1Thumbprint")
      WHERE c."tenantId" = ${tenantId}::uuid GROUP BY r.id`,
    db.signInEvidence.findMany({
      where: { tenantId, classification: 'unknown' },
      orderBy: [{ at: 'desc' }, { id: 'asc' }],
      take: opts.maxSignIns ?? 500,
      select: {
        at: true,
        appId: true,
        connectorId: true,
        ipAddress: true,
        credentialThumbprint: true,
        credentialKeyId: true,
        credentialType: true,
        resource: true,
        errorCode: true,
      },
    }),
    db.auditEvent.findMany({
      where: { tenantId },
      orderBy: { seq: 'asc' },
      take: opts.maxAuditEvents ?? 1_000,
      select: { seq: true, at: true, actorLabel: true, action: true, targetType: true, targetId: true },
    }),
  ]);
  const uses = new Map(lastUse.map((u) => [u.rotationId, u]));
  return {
    generatedAt: opts.now,
    tenant,
    connectors: connectors.map((c) => ({
      id: c.id,
      displayName: c.displayName,
      appId: c.appId,
      status: c.status,
      statusReasons: c.statusReasons,
      currentCertificate: c.currentCertificate,
      observedCredentials: c.observedCredentials,
      observedAt: c.observedAt,
    })),
    rotations: rotations.map((r) => {
      const f = readFacts(r.facts);
      const u = uses.get(r.id);
      return {
        id: r.id,
        connectorId: r.connectorId,
        connectorName: r.connector.displayName,
        campaignId: r.campaignId,
        mode: r.mode,
        state: r.state,
        startStatus: r.startStatus,
        actorLabel: r.actorLabel,
        createdAt: r.createdAt,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
        errorMessage: r.errorMessage,
        from: r.fromCertificate,
        to: r.toCertificate,
        before: f.before ?? null,
        after: f.after ?? null,
        removedAt: f.removed?.at ?? f.deleted?.at ?? null,
        verifiedNewAt: f.verifyNew?.at ?? null,
        verifiedOldGoneAt: f.verifyOldGone?.at ?? null,
        oldCredentialLastUsedAt: u?.lastAt ?? null,
        oldCredentialUsesAfterFinish: Number(u?.after ?? 0),
        steps: r.steps,
      };
    }),
    unknownSignIns,
    auditEvents: audit.map((a) => ({ ...a, seq: a.seq.toString() })),
  };
}

/** One tenant's evidence pack for the caller; NOT_FOUND when `ctx.principal` may not view it. */
export async function getTenantEvidencePackFor(
  ctx: Pick<UseCaseContext, 'db' | 'principal' | 'now'>,
  input: { tenantId: string },
): Promise<TenantEvidencePack> {
  requireCallerRole(ctx, 'viewer', 'An evidence pack');
  return getTenantEvidencePack(ctx.db, callerFleetScope(ctx), input.tenantId, { now: ctx.now });
}
