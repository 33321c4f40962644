/**
 * A tenant's sign-in evidence: whether its logs can be read (said plainly when they cannot), and
 * the evidence table (time, address, resource, result, classification, credential, connector),
 * newest first, paginated; optionally one connector's only. A read `(ctx, input)` (lib/use-case.ts):
 * the tenant must be visible to `ctx.principal` (NOT_FOUND outside the scope).
 */
import { RekeyError } from '@/lib/errors';
import { requireTenantVisible } from '@/lib/detection/detection-access';
import { callerOf, type UseCaseContext } from '@/lib/use-case';

export type SignInLogStateValue = 'unknown' | 'available' | 'unavailable_license' | 'unavailable_permission' | 'error';

export interface EvidenceItem {
  id: string;
  at: Date;
  ipAddress: string;
  resource: string | null;
  /** "success" or "failure (AADSTS 700027)". */
  result: string;
  errorCode: number;
  classification: 'vendor' | 'unknown';
  credentialKeyId: string | null;
  credentialThumbprint: string | null;
  /** Graph's clientCredentialType (certificate, clientSecret, federatedIdentityCredential, …); null when not logged. */
  credentialType: string | null;
  connectorId: string | null;
  connectorName: string | null;
}

export interface TenantEvidence {
  tenantId: string;
  tenantName: string;
  signInLog: { state: SignInLogStateValue; lastScanAt: Date | null; message: string };
  counts: { total: number; unknownAddress: number; vendor: number };
  page: number;
  pageSize: number;
  items: EvidenceItem[];
}

/** Plain words for each state; "unavailable" is never shown as clean. */
export function signInLogMessage(state: SignInLogStateValue, detail: string | null): string {
  switch (state) {
    case 'available':
      return 'Sign-in logs are read.';
    case 'unavailable_license':
      return 'Evidence unavailable: this tenant has no Entra ID P1/P2 licence, so its sign-in logs cannot be read. Absence of evidence here is not evidence of safety.';
    case 'unavailable_permission':
      return `Evidence unavailable: Rekey lacks permission to read the sign-in logs (AuditLog.Read.All).${detail ? ` ${detail}` : ''}`;
    case 'error':
      return `Evidence unavailable: the last attempt to read the sign-in logs failed.${detail ? ` ${detail}` : ''}`;
    default:
      return 'Sign-in logs have not been read yet.';
  }
}

export interface TenantEvidenceInput {
  tenantId: string;
  /** Only this connector's sign-ins. */
  connectorId?: string;
  page?: number;
  pageSize?: number;
}

export async function getTenantEvidence(
  ctx: Pick<UseCaseContext, 'db' | 'principal'>,
  input: TenantEvidenceInput,
): Promise<TenantEvidence> {
  const { db } = ctx;
  const { tenantId } = input;
  const page = Math.max(1, Math.floor(input.page ?? 1));
  const pageSize = Math.min(500, Math.max(1, Math.floor(input.pageSize ?? 100)));
  const tenant = /^[0-9a-f-]{36}$/i.test(tenantId)
    ? await db.tenant.findUnique({
        where: { id: tenantId },
        select: {
          id: true,
          group: true,
          displayName: true,
          signInLogState: true,
          signInLogDetail: true,
          lastSignInScanAt: true,
        },
      })
    : null;
  if (!tenant) throw new RekeyError('NOT_FOUND', 'Tenant not found.');
  requireTenantVisible(callerOf(ctx), tenant, 'viewer', 'Tenant');
  const where = { tenantId: tenant.id, ...(input.connectorId ? { connectorId: input.connectorId } : {}) };
  const [rows, byClass] = await Promise.all([
    db.signInEvidence.findMany({
      where,
      orderBy: [{ at: 'desc' }, { id: 'asc' }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      include: { connector: { select: { displayName: true } } },
    }),
    db.signInEvidence.groupBy({ by: ['classification'], where, _count: true }),
  ]);
  const count = (c: 'vendor' | 'unknown') => byClass.find((b) => b.classification === c)?._count ?? 0;
  const detail = tenant.signInLogDetail?.replace(/^evidence unavailable: /, '') ?? null;
  return {
    tenantId: tenant.id,
    tenantName: tenant.displayName,
    signInLog: {
      state: tenant.signInLogState,
      lastScanAt: tenant.lastSignInScanAt,
      message: signInLogMessage(tenant.signInLogState, tenant.signInLogState === 'unavailable_license' ? null : detail),
    },
    counts: { total: count('vendor') + count('unknown'), unknownAddress: count('unknown'), vendor: count('vendor') },
    page,
    pageSize,
    items: rows.map((r) => ({
      id: r.id,
      at: r.at,
      ipAddress: r.ipAddress,
      resource: r.resource,
      result: r.errorCode === 0 ? 'success' : `failure (AADSTS ${r.errorCode})`,
      errorCode: r.errorCode,
      classification: r.classification,
      credentialKeyId: r.credentialKeyId,
      credentialThumbprint: r.credentialThumbprint,
      credentialType: r.credentialType,
      connectorId: r.connectorId,
      connectorName: r.connector?.displayName ?? null,
    })),
  };
}
