/**
 * Drift: what the tenant really holds (the connector app's and service principal's
 * keyCredentials) against what Rekey expects (the current certificate plus expectedThumbprints,
 * e.g. the next certificate mid-rotation). Pure.
 *
 * - unknown: a credential Rekey did not put there — possible attacker persistence. A credential
 *   whose thumbprint the tenant did not reveal counts as unknown too (Rekey cannot vouch for it).
 * - missing: a thumbprint Rekey expects that neither object holds. Only the current certificate's
 *   absence is drift (the connector may be broken); other expected thumbprints (e.g. the next
 *   certificate mid-rotation) are listed but tolerated — the same rule as lib/status.
 */
import type { ObservedCredentialFacts } from '@/lib/detection/observed-credentials';

export interface DriftInput {
  observed: ObservedCredentialFacts[];
  /** SHA-1 of the certificate Rekey holds for the connector (null: none). */
  currentThumbprint: string | null;
  /** Other SHA-1 thumbprints Rekey expects or tolerates. */
  expectedThumbprints: string[];
}

export interface MissingCredential {
  thumbprint: string;
  /** True for the current certificate (its absence is drift). */
  required: boolean;
}

export interface DriftResult {
  /** True when the connector drifted (any unknown credential, or the current certificate missing). */
  drifted: boolean;
  unknown: ObservedCredentialFacts[];
  missing: MissingCredential[];
  /** Observed credentials Rekey knows. */
  known: ObservedCredentialFacts[];
}

const up = (s: string) => s.replace(/[^0-9a-f]/gi, '').toUpperCase();

export function computeDrift(input: DriftInput): DriftResult {
  const current = input.currentThumbprint ? up(input.currentThumbprint) : null;
  const expected = new Set([...(current ? [current] : []), ...input.expectedThumbprints.map(up)]);
  const unknown: ObservedCredentialFacts[] = [];
  const known: ObservedCredentialFacts[] = [];
  const held = new Set<string>();
  for (const c of input.observed) {
    const t = c.thumbprint ? up(c.thumbprint) : null;
    if (t) held.add(t);
    if (t && expected.has(t)) known.push(c);
    else unknown.push(c);
  }
  const missing: MissingCredential[] = [];
  for (const t of expected) if (!held.has(t)) missing.push({ thumbprint: t, required: t === current });
  return { drifted: unknown.length > 0 || missing.some((m) => m.required), unknown, missing, known };
}

/** The JSON stored in Connector.driftDetail (and shown on the drift page). */
export interface DriftDetail {
  scannedAt: string;
  unknown: ObservedCredentialFacts[];
  missing: MissingCredential[];
  knownCount: number;
}

export function toDriftDetail(result: DriftResult, now: Date): DriftDetail {
  return {
    scannedAt: now.toISOString(),
    unknown: result.unknown,
    missing: result.missing,
    knownCount: result.known.length,
  };
}
