/**
 * Everything discovery and the drift scan read about connector objects' credentials — keyCredentials
 * with their key bytes, client secrets, and applications' federated credentials — in one `$batch`
 * (20 items per request, each item charged to the budgets as if sent alone; throttled items retried).
 */
import type { GraphGateway, TenantRef } from '@/lib/graph/graph-gateway';
import type { CredentialTarget } from '@/lib/graph/graph-types';
import {
  credentialKindItems,
  credentialKindResults,
  type CredentialKindsResult,
} from '@/lib/graph/list-credential-kinds';
import { keyCredentialItems, keyCredentialResults, type KeyCredentialsResult } from '@/lib/graph/list-key-credentials';

export async function listConnectorCredentialsBatch(
  gw: GraphGateway,
  tenant: TenantRef,
  targets: CredentialTarget[],
): Promise<{ keys: Map<string, KeyCredentialsResult>; kinds: Map<string, CredentialKindsResult> }> {
  if (targets.length === 0) return { keys: new Map(), kinds: new Map() };
  const keyItems = keyCredentialItems(targets);
  const results = await gw.batch<unknown>(tenant, [...keyItems, ...credentialKindItems(targets)], {
    operation: 'read connector credentials',
    need: 'readApplications',
  });
  return {
    keys: keyCredentialResults(targets, results.slice(0, keyItems.length)),
    kinds: credentialKindResults(targets, results.slice(keyItems.length)),
  };
}
