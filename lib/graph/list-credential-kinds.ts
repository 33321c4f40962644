/**
 * The credentials of a connector's application and service principal besides certificates:
 * client secrets (`passwordCredentials`, via `$select`; Graph never returns the secret text on a
 * read) and, on applications, federated identity credentials
 * (`/applications/{id}/federatedIdentityCredentials`). Many objects at once through `$batch`.
 * Sources: passwordCredential resource type
 * (https://learn.microsoft.com/en-us/graph/api/resources/passwordcredential) and List
 * federatedIdentityCredentials
 * (https://learn.microsoft.com/en-us/graph/api/application-list-federatedidentitycredentials).
 */
import { z } from 'zod';
import type { RekeyError } from '@/lib/errors';
import type { BatchItem, BatchResult, GraphGateway, TenantRef } from '@/lib/graph/graph-gateway';
import { collectionPath, type CredentialTarget } from '@/lib/graph/graph-types';

export const PasswordCredentialSchema = z.object({
  keyId: z.string(),
  displayName: z.string().nullish(),
  hint: z.string().nullish(),
  startDateTime: z.string().nullish(),
  endDateTime: z.string().nullish(),
});
export type PasswordCredential = z.infer<typeof PasswordCredentialSchema>;

export const FederatedIdentityCredentialSchema = z.object({
  id: z.string(),
  name: z.string(),
  issuer: z.string(),
  subject: z.string(),
  audiences: z.array(z.string()).nullish(),
  description: z.string().nullish(),
});
export type FederatedIdentityCredential = z.infer<typeof FederatedIdentityCredentialSchema>;

const SecretsBody = z.object({ passwordCredentials: z.array(PasswordCredentialSchema).nullish() });
const FederatedBody = z.object({ value: z.array(FederatedIdentityCredentialSchema) });

export type CredentialKindsResult =
  | { ok: true; secrets: PasswordCredential[]; federated: FederatedIdentityCredential[] }
  | { ok: false; error: RekeyError };

/**
 * The `$batch` items that read targets' client secrets (ids `s1`, …) and the federated credentials
 * of the application targets (ids `f1`, …), each naming the permission it needs.
 */
export function credentialKindItems(targets: CredentialTarget[]): BatchItem[] {
  const apps = targets.filter((t) => t.on === 'application');
  return [
    ...targets.map((t, i) => ({
      id: `s${i + 1}`,
      method: 'GET' as const,
      url: `${collectionPath(t.on)}/${t.objectId}?$select=id,passwordCredentials`,
      operation: 'read the client secrets of the connectors',
      need: 'readApplications' as const,
    })),
    ...apps.map((t, i) => ({
      id: `f${i + 1}`,
      method: 'GET' as const,
      url: `/applications/${t.objectId}/federatedIdentityCredentials`,
      operation: 'read the federated credentials of the connectors',
      need: 'readFederatedCredentials' as const,
    })),
  ];
}

/** Those items' results (in the items' order), by object id. */
export function credentialKindResults(
  targets: CredentialTarget[],
  results: BatchResult<unknown>[],
): Map<string, CredentialKindsResult> {
  const apps = targets.filter((t) => t.on === 'application');
  const secrets = results.slice(0, targets.length);
  const federated = results.slice(targets.length);
  const fedByApp = new Map(apps.map((t, i) => [t.objectId, federated[i]!]));
  const out = new Map<string, CredentialKindsResult>();
  targets.forEach((t, i) => {
    const s = secrets[i]!;
    const f = fedByApp.get(t.objectId);
    if (!s.ok) return out.set(t.objectId, { ok: false, error: s.error });
    if (f && !f.ok) return out.set(t.objectId, { ok: false, error: f.error });
    out.set(t.objectId, {
      ok: true,
      secrets: SecretsBody.parse(s.body).passwordCredentials ?? [],
      federated: f ? FederatedBody.parse(f.body).value : [],
    });
  });
  return out;
}

/** Client secrets of every target and federated credentials of every application target, in one `$batch`. */
export async function listCredentialKindsBatch(
  gw: GraphGateway,
  tenant: TenantRef,
  targets: CredentialTarget[],
): Promise<Map<string, CredentialKindsResult>> {
  const results = await gw.batch<unknown>(tenant, credentialKindItems(targets), {
    operation: 'read the credentials of the connectors',
    need: 'readApplications',
  });
  return credentialKindResults(targets, results);
}

/** One object's client secrets and federated credentials (throws the Graph error). */
export async function listCredentialKinds(
  gw: GraphGateway,
  tenant: TenantRef,
  target: CredentialTarget,
): Promise<{ secrets: PasswordCredential[]; federated: FederatedIdentityCredential[] }> {
  const r = (await listCredentialKindsBatch(gw, tenant, [target])).get(target.objectId)!;
  if (!r.ok) throw r.error;
  return { secrets: r.secrets, federated: r.federated };
}

/**
 * Removes a client secret (`removePassword`) or deletes a federated identity credential. Both need
 * Application.ReadWrite.All (or Application.ReadWrite.OwnedBy as an owner): application:
 * removePassword, Delete federatedIdentityCredential.
 */
export async function removeCredentialOfKind(
  gw: GraphGateway,
  tenant: TenantRef,
  target: CredentialTarget,
  credential: { kind: 'secret' | 'federated'; keyId: string },
): Promise<void> {
  if (credential.kind === 'secret') {
    await gw.request(tenant, {
      method: 'POST',
      path: `${collectionPath(target.on)}/${target.objectId}/removePassword`,
      body: { keyId: credential.keyId },
      operation: `remove client secret ${credential.keyId} from ${target.on} ${target.objectId}`,
      need: 'writeApplications',
    });
    return;
  }
  if (target.on !== 'application') throw new Error('federated identity credentials live on applications only');
  await gw.request(tenant, {
    method: 'DELETE',
    path: `/applications/${target.objectId}/federatedIdentityCredentials/${credential.keyId}`,
    operation: `delete federated credential ${credential.keyId} of application ${target.objectId}`,
    need: 'writeApplications',
  });
}
