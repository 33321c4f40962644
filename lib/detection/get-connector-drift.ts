/**
 * One connector's drift page: what the tenant holds (app and service principal) against what
 * Rekey expects, computed from the last scan, with the status and its reasons. A read `(ctx, input)`
 * (lib/use-case.ts): the connector's tenant must be visible to `ctx.principal` (NOT_FOUND outside it).
 */
import { RekeyError } from '@/lib/errors';
import { computeDrift, type DriftDetail, type MissingCredential } from '@/lib/detection/compute-drift';
import { requireTenantVisible } from '@/lib/detection/detection-access';
import { readObservedCredentials, type ObservedCredentialFacts } from '@/lib/detection/observed-credentials';
import type { ConnectorStatusValue } from '@/lib/fleet/statuses';
import type { StatusReason } from '@/lib/status/classify-connector';
import { callerOf, type UseCaseContext } from '@/lib/use-case';

export interface ConnectorDrift {
  connectorId: string;
  displayName: string;
  appId: string;
  tenantId: string;
  tenantName: string;
  status: ConnectorStatusValue;
  reasons: StatusReason[];
  /** null: never scanned (drift not judged yet). */
  observedAt: Date | null;
  currentThumbprint: string | null;
  expectedThumbprints: string[];
  drifted: boolean;
  unknown: ObservedCredentialFacts[];
  missing: MissingCredential[];
  known: ObservedCredentialFacts[];
}

export async function getConnectorDrift(
  ctx: Pick<UseCaseContext, 'db' | 'principal'>,
  input: { connectorId: string },
): Promise<ConnectorDrift> {
  const { connectorId } = input;
  const c = /^[0-9a-f-]{36}$/i.test(connectorId)
    ? await ctx.db.connector.findUnique({
        where: { id: connectorId },
        include: {
          tenant: { select: { id: true, group: true, displayName: true } },
          currentCertificate: { select: { sha1Thumbprint: true } },
        },
      })
    : null;
  if (!c) throw new RekeyError('NOT_FOUND', 'Connector not found.');
  requireTenantVisible(callerOf(ctx), c.tenant, 'viewer', 'Connector');
  const observed = readObservedCredentials(c.observedCredentials);
  const drift = computeDrift({
    observed,
    currentThumbprint: c.currentCertificate?.sha1Thumbprint ?? null,
    expectedThumbprints: c.expectedThumbprints,
  });
  const scanned = c.observedAt !== null;
  return {
    connectorId: c.id,
    displayName: c.displayName,
    appId: c.appId,
    tenantId: c.tenant.id,
    tenantName: c.tenant.displayName,
    status: c.status,
    reasons: (c.statusReasons as unknown as StatusReason[]) ?? [],
    observedAt: c.observedAt ?? (c.driftDetail ? new Date((c.driftDetail as unknown as DriftDetail).scannedAt) : null),
    currentThumbprint: c.currentCertificate?.sha1Thumbprint ?? null,
    expectedThumbprints: c.expectedThumbprints,
    drifted: scanned && drift.drifted,
    unknown: scanned ? drift.unknown : [],
    missing: scanned ? drift.missing : [],
    known: drift.known,
  };
}
