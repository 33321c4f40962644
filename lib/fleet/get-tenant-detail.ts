/**
 * The tenant page's data: facts, consent, scans and each connector with what the tenant really
 * holds (observedCredentials, judged against what Rekey expects with lib/detection computeDrift).
 * Certificates are selected field by field: key material (sealedPrivateKey, der) never loads here.
 */
import { computeDrift } from '@/lib/detection/compute-drift';
import { readObservedCredentials, type ObservedCredentialFacts } from '@/lib/detection/observed-credentials';
import { ACTIVE_ROTATION_STATES } from '@/lib/fleet/statuses';
import type { StatusReason } from '@/lib/status/classify-connector';
import type { UseCaseContext } from '@/lib/use-case';

export type CredentialView = ObservedCredentialFacts & { known: boolean };

/** The caller checks the tenant scope first (requireTenantAccess). */
export async function getTenantDetail({ db }: Pick<UseCaseContext, 'db'>, tenantId: string) {
  const tenant = await db.tenant.findUnique({
    where: { id: tenantId },
    select: {
      id: true,
      entraTenantId: true,
      displayName: true,
      defaultDomain: true,
      region: true,
      group: true,
      consentState: true,
      consentDetail: true,
      consentCheckedAt: true,
      grantedRoles: true,
      tokenIssuedAt: true,
      signInLogState: true,
      signInLogDetail: true,
      lastScanAt: true,
      lastScanError: true,
      lastSignInScanAt: true,
      createdAt: true,
    },
  });
  if (!tenant) return null;
  const connectors = await db.connector.findMany({
    where: { tenantId },
    orderBy: [{ status: 'asc' }, { displayName: 'asc' }],
    select: {
      id: true,
      displayName: true,
      appId: true,
      status: true,
      statusReasons: true,
      observedAt: true,
      missingSince: true,
      observedCredentials: true,
      expectedThumbprints: true,
      connectorType: { select: { name: true } },
      currentCertificate: { select: { id: true, subject: true, sha1Thumbprint: true, notAfter: true } },
      rotations: { where: { state: { in: [...ACTIVE_ROTATION_STATES] } }, select: { id: true, state: true }, take: 1 },
    },
  });
  return {
    tenant,
    connectors: connectors.map((c) => {
      const observed = readObservedCredentials(c.observedCredentials);
      const drift = computeDrift({
        observed,
        currentThumbprint: c.currentCertificate?.sha1Thumbprint ?? null,
        expectedThumbprints: c.expectedThumbprints,
      });
      const known = new Set(drift.known);
      const scanned = c.observedAt !== null;
      return {
        id: c.id,
        displayName: c.displayName,
        appId: c.appId,
        status: c.status,
        reasons: Array.isArray(c.statusReasons) ? (c.statusReasons as unknown as StatusReason[]) : [],
        observedAt: c.observedAt,
        missingSince: c.missingSince,
        typeName: c.connectorType.name,
        certificate: c.currentCertificate,
        activeRotation: c.rotations[0] ?? null,
        credentials: observed.map((o): CredentialView => ({ ...o, known: known.has(o) })),
        drift: scanned
          ? { drifted: drift.drifted, unknown: drift.unknown, missing: drift.missing.filter((m) => m.required) }
          : null,
      };
    }),
  };
}

export type TenantDetail = NonNullable<Awaited<ReturnType<typeof getTenantDetail>>>;
