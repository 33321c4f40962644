/**
 * keyCredentials WITH their `key` bytes: only a single-object GET with `$select=keyCredentials`
 * returns them (keyCredential resource type: https://learn.microsoft.com/en-us/graph/api/resources/keycredential). Many objects at once go through `$batch`.
 */
import type { BatchItem, BatchResult, GraphGateway, TenantRef } from '@/lib/graph/graph-gateway';
import {
  KeyCredentialSchema,
  collectionPath,
  type CredentialTarget,
  type KeyCredential,
} from '@/lib/graph/graph-types';
import { z } from 'zod';
import type { RekeyError } from '@/lib/errors';

const Body = z.object({ id: z.string().optional(), keyCredentials: z.array(KeyCredentialSchema).nullish() });

export async function listKeyCredentials(
  gw: GraphGateway,
  tenant: TenantRef,
  target: CredentialTarget,
): Promise<KeyCredential[]> {
  const body = await gw.request<unknown>(tenant, {
    method: 'GET',
    path: `${collectionPath(target.on)}/${target.objectId}?$select=id,keyCredentials`,
    operation: `read the credentials of ${target.on} ${target.objectId}`,
    need: 'readApplications',
  });
  return Body.parse(body).keyCredentials ?? [];
}

export type KeyCredentialsResult = { ok: true; keyCredentials: KeyCredential[] } | { ok: false; error: RekeyError };

/** The `$batch` items that read targets' keyCredentials with their key bytes (ids `k1`, `k2`, …). */
export function keyCredentialItems(targets: CredentialTarget[]): BatchItem[] {
  return targets.map((t, i) => ({
    id: `k${i + 1}`,
    method: 'GET' as const,
    url: `${collectionPath(t.on)}/${t.objectId}?$select=id,keyCredentials`,
  }));
}

/** Those items' results (in the items' order), by object id. */
export function keyCredentialResults(
  targets: CredentialTarget[],
  results: BatchResult<unknown>[],
): Map<string, KeyCredentialsResult> {
  const out = new Map<string, KeyCredentialsResult>();
  results.forEach((r, i) => {
    const t = targets[i]!;
    out.set(
      t.objectId,
      r.ok ? { ok: true, keyCredentials: Body.parse(r.body).keyCredentials ?? [] } : { ok: false, error: r.error },
    );
  });
  return out;
}

/** Reads many objects' keyCredentials with `$batch` (20 per request; throttled items retried). */
export async function listKeyCredentialsBatch(
  gw: GraphGateway,
  tenant: TenantRef,
  targets: CredentialTarget[],
): Promise<Map<string, KeyCredentialsResult>> {
  const results = await gw.batch<unknown>(tenant, keyCredentialItems(targets), {
    operation: 'read connector credentials',
    need: 'readApplications',
  });
  return keyCredentialResults(targets, results);
}
