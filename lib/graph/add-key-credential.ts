/**
 * Adds a certificate credential to an application or service principal, idempotently (reads
 * first: a credential with the same thumbprint means there is nothing to do). Path: `addKey` with
 * a proof when Rekey holds a currently valid private key of the object, else read-modify-write
 * PATCH that preserves every other credential. The result says which path was taken and why.
 */
import { RekeyError, isRekeyError } from '@/lib/errors';
import { chooseCredentialPath, type HeldKey } from '@/lib/graph/choose-credential-path';
import { createProofToken } from '@/lib/graph/create-proof-token';
import {
  describeKeyCredential,
  sha1OfNewCredential,
  type NewKeyCredential,
  type ObservedCredential,
} from '@/lib/graph/describe-key-credential';
import type { GraphGateway, TenantRef } from '@/lib/graph/graph-gateway';
import { collectionPath, type CredentialTarget, type KeyCredential } from '@/lib/graph/graph-types';
import { listKeyCredentials } from '@/lib/graph/list-key-credentials';

export type CredentialWritePath = 'addKey' | 'removeKey' | 'patch' | 'none';

export interface CredentialWriteResult {
  path: CredentialWritePath;
  reason: string;
  /** keyId of the added credential (or of the one already present). */
  keyId: string | null;
  sha1: string;
  /** The object's credentials before and after (no key bytes); `after` is null when not read back (`readBack: false`). */
  before: ObservedCredential[];
  after: ObservedCredential[] | null;
}

export interface AddKeyCredentialInput {
  target: CredentialTarget;
  credential: NewKeyCredential;
  heldKeys: HeldKey[];
  now: Date;
  prefer?: 'patch';
  /**
   * The object's credentials as the caller read them just now: the path is decided from them
   * without reading again. PATCH still reads the raw list first (it must re-send every key).
   */
  known?: ObservedCredential[];
  /** false: do not read the credentials back after the write (the caller verifies on its own). */
  readBack?: boolean;
}

/** A keyCredential as PATCH must re-send it to keep it (key bytes required). */
export function toPatchEntry(kc: KeyCredential): Record<string, unknown> {
  if (!kc.key) {
    throw new RekeyError(
      'GRAPH_ERROR',
      `Graph did not return the key of credential ${kc.keyId}; a PATCH would delete it, so Rekey refuses to write.`,
      { keyId: kc.keyId },
    );
  }
  const e: Record<string, unknown> = {
    keyId: kc.keyId,
    type: kc.type ?? 'AsymmetricX509Cert',
    usage: kc.usage ?? 'Verify',
    key: kc.key,
  };
  if (kc.customKeyIdentifier) e.customKeyIdentifier = kc.customKeyIdentifier;
  if (kc.displayName) e.displayName = kc.displayName;
  if (kc.startDateTime) e.startDateTime = kc.startDateTime;
  if (kc.endDateTime) e.endDateTime = kc.endDateTime;
  return e;
}

function newEntry(c: NewKeyCredential): Record<string, unknown> {
  return { type: 'AsymmetricX509Cert', usage: 'Verify', ...c };
}

/** Answers that mean "your proof was not accepted" (not "your credential is bad"): PATCH can still do the job. */
export function isProofRejection(e: unknown): boolean {
  if (!isRekeyError(e) || e.code !== 'GRAPH_ERROR') return false;
  const status = e.details?.status;
  const code = String(e.details?.graphCode ?? '');
  return (
    (status === 400 || status === 401) &&
    (code === 'Authentication_MissingOrMalformed' || /proof|access token/i.test(e.message))
  );
}

export async function addKeyCredential(
  gw: GraphGateway,
  tenant: TenantRef,
  input: AddKeyCredentialInput,
): Promise<CredentialWriteResult> {
  const { target } = input;
  const sha1 = sha1OfNewCredential(input.credential);
  let raw: KeyCredential[] | null = input.known ? null : await listKeyCredentials(gw, tenant, target);
  const before = input.known ?? raw!.map((k) => describeKeyCredential(k, target.on));
  const existing = before.find((c) => c.sha1 === sha1);
  if (existing) {
    return {
      path: 'none',
      reason: `a credential with thumbprint ${sha1} is already on the ${target.on} (keyId ${existing.keyId}): nothing to add`,
      keyId: existing.keyId,
      sha1,
      before,
      after: before,
    };
  }
  const readAfter = async () =>
    input.readBack === false
      ? null
      : (await listKeyCredentials(gw, tenant, target)).map((k) => describeKeyCredential(k, target.on));
  const choice = chooseCredentialPath({
    credentials: before,
    heldKeys: input.heldKeys,
    now: input.now,
    prefer: input.prefer,
  });
  let reason = choice.reason;
  if (choice.path === 'addKey') {
    const proof = createProofToken({
      objectId: target.objectId,
      certificatePem: choice.signer.certificatePem,
      privateKeyPem: choice.signer.privateKeyPem,
      now: input.now,
    });
    try {
      const added = await gw.request<KeyCredential>(tenant, {
        method: 'POST',
        path: `${collectionPath(target.on)}/${target.objectId}/addKey`,
        body: { keyCredential: newEntry(input.credential), passwordCredential: null, proof },
        operation: `add a credential to ${target.on} ${target.objectId}`,
        need: 'writeApplications',
      });
      const after = await readAfter();
      return {
        path: 'addKey',
        reason,
        keyId: added?.keyId ?? after?.find((c) => c.sha1 === sha1)?.keyId ?? null,
        sha1,
        before,
        after,
      };
    } catch (e) {
      if (!isProofRejection(e)) throw e;
      reason = `addKey refused the proof (${(e as RekeyError).message}); fell back to PATCH`;
    }
  }
  raw ??= await listKeyCredentials(gw, tenant, target);
  if (raw.some((k) => describeKeyCredential(k, target.on).sha1 === sha1)) {
    return {
      path: 'none',
      reason: `a credential with thumbprint ${sha1} is already on the ${target.on}: nothing to add`,
      keyId: raw.find((k) => describeKeyCredential(k, target.on).sha1 === sha1)!.keyId,
      sha1,
      before,
      after: null,
    };
  }
  await gw.request(tenant, {
    method: 'PATCH',
    path: `${collectionPath(target.on)}/${target.objectId}`,
    body: { keyCredentials: [...raw.map(toPatchEntry), newEntry(input.credential)] },
    operation: `add a credential to ${target.on} ${target.objectId}`,
    need: 'writeApplications',
  });
  // The caller verifies on its own (the rotation's verify_new retries until a read shows the key):
  // a read-back here could come from a replica that has not seen the PATCH, and failing the step
  // for it would lose what was written and why.
  if (input.readBack === false) return { path: 'patch', reason, keyId: null, sha1, before, after: null };
  // PATCH answers 204 with no body: read back to learn the keyId (and that the credential is there).
  const after = (await listKeyCredentials(gw, tenant, target)).map((k) => describeKeyCredential(k, target.on));
  const added = after.find((c) => c.sha1 === sha1);
  if (!added)
    // Entra replicates writes: the read-back may come from a replica that has not seen it yet.
    // Transient: the step reads again later (and finds it, or adds it again — the same
    // certificate is kept once); after the bounded retries the rotation needs attention.
    throw new RekeyError(
      'GRAPH_ERROR',
      `Graph accepted the PATCH but a read does not show the credential ${sha1} on the ${target.on} yet (Entra ID may still be replicating it).`,
      { sha1, transient: true, graphCode: 'NotReplicatedYet' },
    );
  return { path: 'patch', reason, keyId: added.keyId, sha1, before, after };
}
