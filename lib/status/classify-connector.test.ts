import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  CONNECTOR_STATUSES,
  classifyConnector,
  severityRank,
  StatusPolicySchema,
  type ConnectorStatus,
  type ConnectorStatusInput,
} from '@/lib/status/classify-connector';

const now = new Date('2026-06-01T12:00:00Z');
const SHA1 = 'A'.repeat(40);
const SHA256 = 'B'.repeat(64);
const OTHER = 'C'.repeat(40);
const NEXT = 'D'.repeat(40);
const ISSUER = 'CN=Vendor CA, O=Vendor';

function input(
  over: Partial<ConnectorStatusInput> & { notBefore?: string; notAfter?: string } = {},
): ConnectorStatusInput {
  const { notBefore = '2026-01-01T00:00:00Z', notAfter = '2027-01-01T00:00:00Z', ...rest } = over;
  return {
    certificate: {
      sha1Thumbprint: SHA1,
      sha256Thumbprint: SHA256,
      issuer: ISSUER,
      serialNumber: '0A1B',
      notBefore: new Date(notBefore),
      notAfter: new Date(notAfter),
    },
    advisories: [],
    tenantCredentials: [{ sha1Thumbprint: SHA1 }],
    vendorAddresses: ['203.0.113.0/24', '2001:db8::/32'],
    ...rest,
  };
}
const signIn = (ip: string, thumb = SHA1) => ({
  sha1Thumbprint: thumb,
  ipAddress: ip,
  at: new Date('2026-05-30T08:00:00Z'),
});

describe('classifyConnector', () => {
  const cases: [string, ConnectorStatusInput, ConnectorStatus, string[], RegExp?][] = [
    [
      'a current certificate the tenant holds is healthy',
      input(),
      'healthy',
      ['healthy'],
      /^Valid until 2027-01-01\.$/,
    ],
    [
      'an advisory naming the SHA-1 thumbprint marks it compromised',
      input({ advisories: [{ id: 'ADV-1', sha1Thumbprints: [SHA1.toLowerCase()] }] }),
      'compromised',
      ['certificateCompromised'],
      /^Advisory ADV-1 names credential A{40}\. Rotate and remove/,
    ],
    [
      'an advisory naming the SHA-256 thumbprint marks it compromised',
      input({ advisories: [{ id: 'ADV-2', sha256Thumbprints: [SHA256] }] }),
      'compromised',
      ['certificateCompromised'],
    ],
    [
      'an advisory naming issuer and serial marks it compromised',
      input({ advisories: [{ id: 'ADV-3', issuerSerials: [{ issuer: ISSUER, serialNumber: '0a1b' }] }] }),
      'compromised',
      ['certificateCompromised'],
    ],
    [
      'an advisory naming an old credential still in the tenant marks it compromised',
      input({
        advisories: [{ id: 'ADV-4', sha1Thumbprints: [OTHER] }],
        tenantCredentials: [{ sha1Thumbprint: SHA1 }, { sha1Thumbprint: OTHER }],
        knownThumbprints: [OTHER],
      }),
      'compromised',
      ['certificateCompromised'],
      /names credential C{40}/,
    ],
    [
      'an unrelated advisory changes nothing',
      input({
        advisories: [
          { id: 'ADV-5', sha1Thumbprints: [OTHER], issuerSerials: [{ issuer: 'CN=Other', serialNumber: '0A1B' }] },
        ],
      }),
      'healthy',
      ['healthy'],
    ],
    [
      'a compromised credential used from outside the vendor ranges is targeted',
      input({
        advisories: [{ id: 'ADV-1', sha1Thumbprints: [SHA1] }],
        signIns: [signIn('203.0.113.7'), signIn('198.51.100.9')],
      }),
      'targeted',
      ['compromisedCredentialUsedFromUnknownAddress', 'certificateCompromised'],
      /from 1 address\(es\) outside the vendor's known ranges \(198\.51\.100\.9\), last at 2026-05-30T08:00:00\.000Z/,
    ],
    [
      'IPv6 sign-ins outside the ranges count too',
      input({ advisories: [{ id: 'ADV-1', sha1Thumbprints: [SHA1] }], signIns: [signIn('2001:db9::1')] }),
      'targeted',
      ['compromisedCredentialUsedFromUnknownAddress', 'certificateCompromised'],
    ],
    [
      'sign-ins from the vendor ranges only stay compromised',
      input({
        advisories: [{ id: 'ADV-1', sha1Thumbprints: [SHA1] }],
        signIns: [signIn('203.0.113.7'), signIn('2001:db8::5')],
      }),
      'compromised',
      ['certificateCompromised'],
    ],
    [
      'unknown-address sign-ins of a clean credential are not targeted',
      input({ signIns: [signIn('198.51.100.9')] }),
      'healthy',
      ['healthy'],
    ],
    [
      'a certificate past notAfter is expired',
      input({ notBefore: '2025-01-01T00:00:00Z', notAfter: '2026-05-01T00:00:00Z' }),
      'expired',
      ['certificateExpired', 'certificateStale'],
      /expired on 2026-05-01/,
    ],
    ['expiry exactly now counts as expired', input({ notAfter: now.toISOString() }), 'expired', ['certificateExpired']],
    [
      'an unknown credential in the tenant is drift',
      input({ tenantCredentials: [{ sha1Thumbprint: SHA1 }, { sha1Thumbprint: OTHER }] }),
      'drift',
      ['tenantCredentialsDrifted'],
      /^The tenant holds 1 credential\(s\) Rekey did not add \(C{40}\)\. Review/,
    ],
    [
      'the expected credential missing from the tenant is drift',
      input({ tenantCredentials: [] }),
      'drift',
      ['tenantCredentialsDrifted'],
      /^The expected certificate A{40} is missing from the tenant/,
    ],
    [
      'a known next certificate mid-rotation is not drift',
      input({ tenantCredentials: [{ sha1Thumbprint: SHA1 }, { sha1Thumbprint: NEXT }], knownThumbprints: [NEXT] }),
      'healthy',
      ['healthy'],
    ],
    ['a tenant not scanned yet is not judged for drift', input({ tenantCredentials: null }), 'healthy', ['healthy']],
    [
      'no certificate in Rekey is drift',
      input({ certificate: null }),
      'drift',
      ['tenantCredentialsDrifted'],
      /holds no certificate/,
    ],
    [
      '30 days before expiry is expiring',
      input({ notAfter: '2026-07-01T12:00:00Z' }),
      'expiring',
      ['certificateExpiring'],
      /in 30 day\(s\) \(policy: 30\)/,
    ],
    ['31 days before expiry is not expiring', input({ notAfter: '2026-07-02T12:00:01Z' }), 'healthy', ['healthy']],
    [
      'older than a year is stale',
      input({ notBefore: '2025-05-01T00:00:00Z', notAfter: '2027-05-01T00:00:00Z' }),
      'stale',
      ['certificateStale'],
      /is 396 days old \(policy maximum 365\)/,
    ],
    [
      'every hit is kept, worst first',
      input({
        notBefore: '2024-01-01T00:00:00Z',
        notAfter: '2026-06-10T00:00:00Z',
        advisories: [{ id: 'A', sha1Thumbprints: [SHA1] }],
        tenantCredentials: [{ sha1Thumbprint: OTHER }],
        signIns: [signIn('198.51.100.1')],
      }),
      'targeted',
      [
        'compromisedCredentialUsedFromUnknownAddress',
        'certificateCompromised',
        'tenantCredentialsDrifted',
        'certificateExpiring',
        'certificateStale',
      ],
    ],
    [
      'expired and drifted is expired',
      input({ notAfter: '2026-01-02T00:00:00Z', notBefore: '2025-01-01T00:00:00Z', tenantCredentials: [] }),
      'expired',
      ['certificateExpired', 'tenantCredentialsDrifted', 'certificateStale'],
    ],
  ];
  it.each(cases)('%s', (_name, inp, status, checks, message) => {
    const result = classifyConnector(inp, {}, now);
    expect(result.status).toBe(status);
    expect(result.reasons.map((r) => r.check)).toEqual(checks);
    expect(result.reasons[0]?.status).toBe(status);
    if (message) expect(result.reasons[0]?.message).toMatch(message);
  });

  it.each([
    ['a wider expiring window', { expiringWithinDays: 60 }, input({ notAfter: '2026-07-20T00:00:00Z' }), 'expiring'],
    ['a shorter max age', { maxAgeDays: 90 }, input({ notBefore: '2026-01-01T00:00:00Z' }), 'stale'],
    ['an expiring window of 0', { expiringWithinDays: 0 }, input({ notAfter: '2026-06-02T00:00:00Z' }), 'healthy'],
  ] as const)('follows the policy: %s', (_name, policy, inp, status) => {
    expect(classifyConnector(inp, policy, now).status).toBe(status);
  });

  it('refuses a nonsensical policy', () => {
    expect(() => classifyConnector(input(), { expiringWithinDays: -1 }, now)).toThrow(ZodError);
    expect(() => classifyConnector(input(), { maxAgeDays: 1.5 }, now)).toThrow(ZodError);
  });

  it('defaults the policy to 30 days expiring, 365 days max age and 24 hours between scans', () => {
    expect(StatusPolicySchema.parse({})).toEqual({ expiringWithinDays: 30, maxAgeDays: 365, maxScanAgeHours: 24 });
  });
});

describe('statuses and severity', () => {
  it('matches the Prisma enum names', () => {
    expect(CONNECTOR_STATUSES).toEqual(['compromised', 'expired', 'expiring', 'stale', 'drift', 'targeted', 'healthy']);
  });

  it('ranks targeted worst and healthy best', () => {
    const sorted = [...CONNECTOR_STATUSES].sort((a, b) => severityRank(a) - severityRank(b));
    expect(sorted).toEqual(['targeted', 'compromised', 'expired', 'drift', 'expiring', 'stale', 'healthy']);
  });
});
