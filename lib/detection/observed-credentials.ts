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
  }));
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

/** Identity of a credential across scans: where it sits and which certificate it is. */
export const observedKey = (c: ObservedCredentialFacts) => `${c.on}:${c.thumbprint ?? c.keyId}`;
