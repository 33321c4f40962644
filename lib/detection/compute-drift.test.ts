import { describe, expect, it } from 'vitest';
import { computeDrift, toDriftDetail } from '@/lib/detection/compute-drift';
import type { ObservedCredentialFacts } from '@/lib/detection/observed-credentials';
import { readObservedCredentials } from '@/lib/detection/observed-credentials';

const A = 'A'.repeat(40);
const B = 'B'.repeat(40);
const C = 'C'.repeat(40);
const cred = (
  keyId: string,
  thumbprint: string | null,
  on: 'application' | 'servicePrincipal' = 'application',
): ObservedCredentialFacts => ({
  keyId,
  thumbprint,
  sha256: null,
  startDateTime: '2026-01-01T00:00:00Z',
  endDateTime: '2027-01-01T00:00:00Z',
  displayName: `CN=${keyId}`,
  on,
});

describe('computeDrift', () => {
  const cases: [
    string,
    Parameters<typeof computeDrift>[0],
    { drifted: boolean; unknown: string[]; missing: [string, boolean][] },
  ][] = [
    [
      'the current certificate alone is no drift',
      { observed: [cred('k1', A)], currentThumbprint: A, expectedThumbprints: [] },
      { drifted: false, unknown: [], missing: [] },
    ],
    [
      'an extra credential nobody expects is unknown',
      { observed: [cred('k1', A), cred('k2', C)], currentThumbprint: A, expectedThumbprints: [] },
      { drifted: true, unknown: ['k2'], missing: [] },
    ],
    [
      'an extra credential on the service principal counts too',
      { observed: [cred('k1', A), cred('k2', C, 'servicePrincipal')], currentThumbprint: A, expectedThumbprints: [] },
      { drifted: true, unknown: ['k2'], missing: [] },
    ],
    [
      'a credential without a thumbprint cannot be vouched for',
      { observed: [cred('k1', A), cred('k2', null)], currentThumbprint: A, expectedThumbprints: [] },
      { drifted: true, unknown: ['k2'], missing: [] },
    ],
    [
      'the current certificate missing is drift',
      { observed: [], currentThumbprint: A, expectedThumbprints: [] },
      { drifted: true, unknown: [], missing: [[A, true]] },
    ],
    [
      'an expected next certificate present is known',
      { observed: [cred('k1', A), cred('k2', B)], currentThumbprint: A, expectedThumbprints: [B] },
      { drifted: false, unknown: [], missing: [] },
    ],
    [
      'an expected next certificate absent is listed but tolerated',
      { observed: [cred('k1', A)], currentThumbprint: A, expectedThumbprints: [B.toLowerCase()] },
      { drifted: false, unknown: [], missing: [[B, false]] },
    ],
    [
      'thumbprints compare without case or separators',
      {
        observed: [cred('k1', A.toLowerCase())],
        currentThumbprint: A.match(/../g)!.join(':'),
        expectedThumbprints: [],
      },
      { drifted: false, unknown: [], missing: [] },
    ],
    [
      'no certificate in Rekey makes every credential unknown',
      { observed: [cred('k1', A)], currentThumbprint: null, expectedThumbprints: [] },
      { drifted: true, unknown: ['k1'], missing: [] },
    ],
  ];
  it.each(cases)('%s', (_n, input, want) => {
    const r = computeDrift(input);
    expect(r.drifted).toBe(want.drifted);
    expect(r.unknown.map((u) => u.keyId)).toEqual(want.unknown);
    expect(r.missing.map((m) => [m.thumbprint, m.required])).toEqual(want.missing);
  });

  it('keeps the facts of unknown credentials for the drift page', () => {
    const d = toDriftDetail(
      computeDrift({ observed: [cred('k1', A), cred('k2', C)], currentThumbprint: A, expectedThumbprints: [] }),
      new Date('2026-06-01T00:00:00Z'),
    );
    expect(d).toEqual({ scannedAt: '2026-06-01T00:00:00.000Z', unknown: [cred('k2', C)], missing: [], knownCount: 1 });
  });
});

describe('readObservedCredentials', () => {
  it('reads both spellings and skips junk', () => {
    const list = readObservedCredentials([
      {
        keyId: 'k1',
        thumbprint: 'aa:bb',
        startDateTime: 's',
        endDateTime: 'e',
        displayName: 'd',
        on: 'servicePrincipal',
      },
      {
        keyId: 'k2',
        sha1: 'cc',
        sha256: 'dd',
        start: 's2',
        end: 'e2',
        displayName: null,
        on: 'application',
        type: 'AsymmetricX509Cert',
      },
      { nope: true },
      'junk',
    ]);
    expect(list).toEqual([
      {
        keyId: 'k1',
        thumbprint: 'AABB',
        sha256: null,
        startDateTime: 's',
        endDateTime: 'e',
        displayName: 'd',
        on: 'servicePrincipal',
      },
      {
        keyId: 'k2',
        thumbprint: 'CC',
        sha256: 'DD',
        startDateTime: 's2',
        endDateTime: 'e2',
        displayName: null,
        on: 'application',
      },
    ]);
    expect(readObservedCredentials(null)).toEqual([]);
  });
});
