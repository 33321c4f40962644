/**
 * Service-principal sign-ins of one app since a time (beta: only beta has the credential fields),
 * paged, under the reports limit (5 requests / 10 s per tenant, enforced by the gateway). A tenant
 * without Entra ID P1/P2 answers 403: that is a result ("evidence unavailable"), not an exception.
 */
import { RekeyError } from '@/lib/errors';
import { signInUsedCredential } from '@/lib/graph/credential-thumbprint';
import type { GraphGateway, TenantRef } from '@/lib/graph/graph-gateway';
import { odataString } from '@/lib/graph/odata';
import { z } from 'zod';

export const SignInSchema = z.object({
  id: z.string(),
  createdDateTime: z.string(),
  appId: z.string(),
  ipAddress: z.string().nullish(),
  servicePrincipalId: z.string().nullish(),
  resourceDisplayName: z.string().nullish(),
  resourceId: z.string().nullish(),
  clientCredentialType: z.string().nullish(),
  servicePrincipalCredentialKeyId: z.string().nullish(),
  servicePrincipalCredentialThumbprint: z.string().nullish(),
  status: z.object({ errorCode: z.number().nullish(), failureReason: z.string().nullish() }).nullish(),
});
export type SignIn = z.infer<typeof SignInSchema>;

export type SignInsResult =
  | { available: true; signIns: SignIn[]; pages: number }
  | { available: false; reason: 'needs_premium' | 'permission_missing'; message: string };

export interface ListSignInsInput {
  appId: string;
  since: Date;
  /**
   * Only sign-ins with this credential: its keyId matched first, then its SHA-1 / SHA-256
   * thumbprint compared by bytes (any case, separators, hex or base64).
   */
  keyId?: string;
  sha1?: string;
  sha256?: string;
  maxItems?: number;
}

export async function listSignIns(
  gw: GraphGateway,
  tenant: TenantRef,
  input: ListSignInsInput,
): Promise<SignInsResult> {
  // Sign-ins come newest first, so paging stops at the first one older than `since` (the date is
  // not put in $filter: the simulator does not parse DateTimeOffset literals yet, and early stop
  // costs at most one extra page).
  const filter = `signInEventTypes/any(t: t eq 'servicePrincipal') and appId eq ${odataString(input.appId)}`;
  const sinceMs = input.since.getTime();
  let pages = 0;
  const items: SignIn[] = [];
  let next: string | undefined = `/auditLogs/signIns?$filter=${filter}&$top=1000`;
  try {
    while (next) {
      const page: { value?: unknown[]; '@odata.nextLink'?: string } = await gw.request(tenant, {
        method: 'GET',
        path: next,
        version: 'beta',
        operation: 'read the sign-in logs',
        need: 'readSignIns',
        report: true,
        headers: { Prefer: 'include-unknown-enum-members' },
      });
      pages++;
      let reachedSince = false;
      for (const v of page.value ?? []) {
        const s = SignInSchema.parse(v);
        if (Date.parse(s.createdDateTime) < sinceMs) {
          reachedSince = true;
          continue;
        }
        items.push(s);
      }
      if (reachedSince || (input.maxItems !== undefined && items.length >= input.maxItems)) break;
      next = page['@odata.nextLink'];
    }
  } catch (e) {
    if (e instanceof RekeyError && e.code === 'PERMISSION_MISSING') {
      if (e.details?.reason === 'needs_premium')
        return { available: false, reason: 'needs_premium', message: 'evidence unavailable: needs Entra ID P1/P2' };
      return { available: false, reason: 'permission_missing', message: e.message };
    }
    throw e;
  }
  const cred = { keyId: input.keyId, sha1: input.sha1, sha256: input.sha256 };
  const filtered = input.keyId || input.sha1 || input.sha256;
  const signIns = filtered ? items.filter((s) => signInUsedCredential(s, cred)) : items;
  return { available: true, signIns: input.maxItems ? signIns.slice(0, input.maxItems) : signIns, pages };
}
