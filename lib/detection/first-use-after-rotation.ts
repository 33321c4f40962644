/**
 * "Has the vendor's service used the new credential yet?" — for the rotation engine's optional
 * "wait for the vendor's first use" before removing the old credential. Reads the connector app's
 * service-principal sign-ins since `after` for the credential (keyId and/or SHA-1) and returns the
 * earliest, with whether it came from the vendor's known ranges (a first use from elsewhere is
 * alarming: someone else holds the new key). Logs that cannot be read say so.
 */
import { createAddressMatcher } from '@/lib/detection/cidr';
import type { GraphGateway, TenantRef } from '@/lib/graph/graph-gateway';
import { listSignIns } from '@/lib/graph/list-sign-ins';

export interface FirstUseQuery {
  tenant: TenantRef;
  appId: string;
  keyId?: string;
  sha1?: string;
  after: Date;
  /** The vendor's ranges (`detection.vendorCidrs`; loadDetectionSettings). */
  vendorCidrs: string[];
}

export type FirstUseResult =
  | {
      status: 'used';
      at: Date;
      ipAddress: string;
      fromVendorRange: boolean;
      signInId: string;
      errorCode: number;
      resource: string | null;
    }
  | { status: 'not_yet'; checkedSignIns: number }
  | { status: 'unavailable'; reason: 'needs_premium' | 'permission_missing'; message: string };

export async function findFirstUseAfter(gw: GraphGateway, q: FirstUseQuery): Promise<FirstUseResult> {
  if (!q.keyId && !q.sha1) throw new Error('findFirstUseAfter needs the credential keyId or SHA-1 thumbprint');
  const r = await listSignIns(gw, q.tenant, { appId: q.appId, since: q.after, keyId: q.keyId, sha1: q.sha1 });
  if (!r.available) return { status: 'unavailable', reason: r.reason, message: r.message };
  // Successful sign-ins only: a failed attempt is not the service working with the new key.
  const ok = r.signIns.filter(
    (s) => (s.status?.errorCode ?? 0) === 0 && Date.parse(s.createdDateTime) >= q.after.getTime(),
  );
  if (ok.length === 0) return { status: 'not_yet', checkedSignIns: r.signIns.length };
  const first = ok.reduce((a, b) => (Date.parse(b.createdDateTime) < Date.parse(a.createdDateTime) ? b : a));
  const matcher = createAddressMatcher(q.vendorCidrs);
  return {
    status: 'used',
    at: new Date(first.createdDateTime),
    ipAddress: first.ipAddress ?? '',
    fromVendorRange: matcher.matches(first.ipAddress),
    signInId: first.id,
    errorCode: first.status?.errorCode ?? 0,
    resource: first.resourceDisplayName ?? first.resourceId ?? null,
  };
}
