/**
 * Client secrets and federated identity credentials as Rekey records them beside certificates
 * (observedCredentials, `kind` set). A certificate connector needs neither, so every one the tenant
 * holds is unknown — drift, counted as exposure like an unknown certificate (compute-drift.ts:
 * no thumbprint → unknown). Never the secret value: Graph returns only its hint on reads. Pure.
 */
import type { ObservedCredentialFacts } from '@/lib/detection/observed-credentials';
import type {
  CredentialKindsResult,
  FederatedIdentityCredential,
  PasswordCredential,
} from '@/lib/graph/list-credential-kinds';
import type { CredentialOwner } from '@/lib/graph/graph-types';

export function secretFacts(p: PasswordCredential, on: CredentialOwner): ObservedCredentialFacts {
  return {
    keyId: p.keyId,
    thumbprint: null,
    sha256: null,
    startDateTime: p.startDateTime ?? null,
    endDateTime: p.endDateTime ?? null,
    displayName: p.displayName ?? null,
    on,
    kind: 'secret',
    hint: p.hint ?? null,
  };
}

export function federatedFacts(f: FederatedIdentityCredential): ObservedCredentialFacts {
  return {
    keyId: f.id,
    thumbprint: null,
    sha256: null,
    startDateTime: null,
    endDateTime: null,
    displayName: f.name,
    on: 'application',
    kind: 'federated',
    name: f.name,
    issuer: f.issuer,
    subject: f.subject,
    audiences: f.audiences ?? [],
  };
}

/** The facts of one object's read (secrets, then federated credentials). */
export function kindFacts(
  r: Extract<CredentialKindsResult, { ok: true }>,
  on: CredentialOwner,
): ObservedCredentialFacts[] {
  return [...r.secrets.map((s) => secretFacts(s, on)), ...r.federated.map(federatedFacts)];
}

export const isCertificate = (c: ObservedCredentialFacts) => !c.kind;

/** "client secret abc…", "federated credential deploy (issuer, subject)", "certificate <thumbprint>". */
export function describeCredential(c: ObservedCredentialFacts): string {
  if (c.kind === 'secret') return `client secret ${c.hint ? `${c.hint}…` : c.keyId}`;
  if (c.kind === 'federated')
    return `federated credential ${c.name ?? c.keyId} (${c.issuer ?? '?'}, ${c.subject ?? '?'})`;
  return `certificate ${c.thumbprint ?? c.keyId}`;
}
