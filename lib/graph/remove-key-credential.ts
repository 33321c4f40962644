/**
 * Removes one credential (by keyId or SHA-1 thumbprint), idempotently: already absent → nothing
 * to do. `removeKey` with a proof signed by a key that stays valid (never the one removed), else
 * PATCH with the remaining credentials.
 */
import { RekeyError } from '@/lib/errors';
import { chooseCredentialPath, type HeldKey } from '@/lib/graph/choose-credential-path';
import { createProofToken } from '@/lib/graph/create-proof-token';
import { describeKeyCredential, normalizeHex, type ObservedCredential } from '@/lib/graph/describe-key-credential';
import type { GraphGateway, TenantRef } from '@/lib/graph/graph-gateway';
import { collectionPath, type CredentialTarget } from '@/lib/graph/graph-types';
import { listKeyCredentials } from '@/lib/graph/list-key-credentials';
import { isProofRejection, toPatchEntry, type CredentialWriteResult } from '@/lib/graph/add-key-credential';

export interface RemoveKeyCredentialInput {
  target: CredentialTarget;
  /** Which credential: its keyId, or its SHA-1 thumbprint (hex). */
  keyId?: string;
  sha1?: string;
  heldKeys: HeldKey[];
  now: Date;
  prefer?: 'patch';
  /** The object's credentials as the caller read them just now (see AddKeyCredentialInput.known). */
  known?: ObservedCredential[];
  /** false: do not read the credentials back after the write. */
  readBack?: boolean;
}

export async function removeKeyCredential(
  gw: GraphGateway,
  tenant: TenantRef,
  input: RemoveKeyCredentialInput,
): Promise<CredentialWriteResult> {
  const { target } = input;
  if (!input.keyId && !input.sha1) throw new RekeyError('BAD_INPUT', 'Say which credential to remove: keyId or sha1.');
  const wanted = input.sha1 ? normalizeHex(input.sha1) : null;
  const before =
    input.known ?? (await listKeyCredentials(gw, tenant, target)).map((k) => describeKeyCredential(k, target.on));
  const victims = before.filter((c) => (input.keyId && c.keyId === input.keyId) || (wanted && c.sha1 === wanted));
  const label = input.keyId ?? wanted!;
  if (victims.length === 0) {
    return {
      path: 'none',
      reason: `credential ${label} is not on the ${target.on}: nothing to remove`,
      keyId: input.keyId ?? null,
      sha1: wanted ?? '',
      before,
      after: before,
    };
  }
  const victimIds = new Set(victims.map((v) => v.keyId));
  const choice = chooseCredentialPath({
    credentials: before,
    heldKeys: input.heldKeys,
    now: input.now,
    excludeKeyIds: [...victimIds],
    prefer: input.prefer,
  });
  let reason = choice.reason;
  let done = false;
  if (choice.path === 'addKey') {
    try {
      for (const v of victims) {
        const proof = createProofToken({
          objectId: target.objectId,
          certificatePem: choice.signer.certificatePem,
          privateKeyPem: choice.signer.privateKeyPem,
          now: input.now,
        });
        await gw.request(tenant, {
          method: 'POST',
          path: `${collectionPath(target.on)}/${target.objectId}/removeKey`,
          body: { keyId: v.keyId, proof },
          operation: `remove credential ${v.keyId} from ${target.on} ${target.objectId}`,
          need: 'writeApplications',
        });
      }
      done = true;
    } catch (e) {
      if (!isProofRejection(e)) throw e;
      reason = `removeKey refused the proof (${(e as Error).message}); fell back to PATCH`;
    }
  }
  if (!done) {
    // Re-read: a partial removeKey loop may have changed the list.
    const fresh = await listKeyCredentials(gw, tenant, target);
    await gw.request(tenant, {
      method: 'PATCH',
      path: `${collectionPath(target.on)}/${target.objectId}`,
      body: { keyCredentials: fresh.filter((k) => !victimIds.has(k.keyId)).map(toPatchEntry) },
      operation: `remove credential ${label} from ${target.on} ${target.objectId}`,
      need: 'writeApplications',
    });
  }
  const after =
    done && input.readBack === false
      ? null
      : (await listKeyCredentials(gw, tenant, target)).map((k) => describeKeyCredential(k, target.on));
  return {
    path: done ? 'removeKey' : 'patch',
    reason,
    keyId: victims[0]!.keyId,
    sha1: victims[0]!.sha1 ?? wanted ?? '',
    before,
    after,
  };
}
