/**
 * Reads `Connector.observedCredentials` (JSON written by the discovery / drift scans). Tolerant
 * of both spellings in use: the schema comment's `{keyId, thumbprint, sha256?, startDateTime,
 * endDateTime, displayName, on}` and lib/graph's ObservedCredential `{keyId, sha1, sha256, start,
 * end, displayName, on}`. Pure.
 */
import { z } from 'zod';
import type { ObservedCredential } from '@/lib/graph/describe-key-credential';

export interface ObservedCredentialFacts {
  keyId: string;
  /** Uppercase hex SHA-1, or null when the tenant gave neither the key nor customKeyIdentifier. */
  thumbprint: string | null;
  sha256: string | null;
  startDateTime: string | null;
  endDateTime: string | null;
  displayName: string | null;
  on: 'application' | 'servicePrincipal';
  /**
   * Absent for a certificate (keyCredential). A client secret (passwordCredential: `hint` = its first
   * characters) or a federated identity credential (keyId = its id; name, issuer, subject,
   * audiences) — lib/detection/credential-kinds.ts. Never a secret value.
   */
  kind?: 'secret' | 'federated';
  hint?: string | null;
  name?: string;
  issuer?: string;
  subject?: string;
  audiences?: string[];
}

const Raw = z
  .object({
    keyId: z.string(),
    thumbprint: z.string().nullish(),
    sha1: z.string().nullish(),
    sha256: z.string().nullish(),
    startDateTime: z.string().nullish(),
    endDateTime: z.string().nullish(),
    start: z.string().nullish(),
    end: z.string().nullish(),
    displayName: z.string().nullish(),
    on: z.enum(['application', 'servicePrincipal']).catch('application'),
    kind: z.enum(['secret', 'federated']).optional().catch(undefined),
    hint: z.string().nullish(),
    name: z.string().optional(),
    issuer: z.string().optional(),
    subject: z.string().optional(),
    audiences: z.array(z.string()).optional(),
  })
  .loose();

const hex = (s: string | null | undefined) => (s ? s.replace(/[^0-9a-f]/gi, '').toUpperCase() || null : null);

/** Null when the connector was never scanned (observedAt null) — drift is then not judged. */
export function readObservedCredentials(json: unknown): ObservedCredentialFacts[] {
  if (!Array.isArray(json)) return [];
  const out: ObservedCredentialFacts[] = [];
  for (const item of json) {
    const r = Raw.safeParse(item);
    if (!r.success) continue;
    const v = r.data;
    out.push({
      keyId: v.keyId,
      thumbprint: hex(v.thumbprint ?? v.sha1),
      sha256: hex(v.sha256),
      startDateTime: v.startDateTime ?? v.start ?? null,
      endDateTime: v.endDateTime ?? v.end ?? null,
      displayName: v.displayName ?? null,
      on: v.on,
      ...kindFields(v),
    });
  }
  return out;
}

/** The JSON Rekey writes (the schema comment's spelling). */
export function toObservedCredentialsJson(list: ObservedCredentialFacts[]): Record<string, unknown>[] {
  return list.map((c) => ({
    keyId: c.keyId,
    thumbprint: c.thumbprint,
    ...(c.sha256 ? { sha256: c.sha256 } : {}),
    startDateTime: c.startDateTime,
    endDateTime: c.endDateTime,
    displayName: c.displayName,
    on: c.on,
    ...kindFields(c),
  }));
}

/** The fields of a client secret or federated credential (none for a certificate). */
function kindFields(c: Pick<ObservedCredentialFacts, 'kind' | 'hint' | 'name' | 'issuer' | 'subject' | 'audiences'>) {
  if (c.kind === 'secret') return { kind: c.kind, hint: c.hint ?? null };
  if (c.kind === 'federated')
    return {
      kind: c.kind,
      name: c.name ?? '',
      issuer: c.issuer ?? '',
      subject: c.subject ?? '',
      audiences: c.audiences ?? [],
    };
  return {};
}

/** From lib/graph's description of a keyCredential to what Rekey stores. */
export function factsFromObserved(c: ObservedCredential): ObservedCredentialFacts {
  return {
    keyId: c.keyId,
    thumbprint: c.sha1,
    sha256: c.sha256,
    startDateTime: c.start,
    endDateTime: c.end,
    displayName: c.displayName,
    on: c.on,
  };
}

/** Identity of a credential across scans: where it sits and which certificate (or secret / federated credential) it is. */
export const observedKey = (c: ObservedCredentialFacts) =>
  c.kind ? `${c.on}:${c.kind}:${c.keyId}` : `${c.on}:${c.thumbprint ?? c.keyId}`;
