import { describe, expect, it } from 'vitest';
import { evaluatePreflight, isoDurationMs, type PreflightFacts } from '@/lib/rotation/preflight-checks';

const now = new Date('2026-06-01T00:00:00Z');
const base: PreflightFacts = {
  now,
  mode: 'rotate',
  recreate: false,
  tenantName: 'Contoso',
  connector: { displayName: 'Mail Archive', currentSha1: 'AA'.repeat(20) },
  certificate: {
    sha1: 'BB'.repeat(20),
    notBefore: new Date('2026-05-01T00:00:00Z'),
    notAfter: new Date('2026-11-01T00:00:00Z'),
    errors: [],
    warnings: [],
    privateKeyHeld: true,
    untrusted: null,
  },
  activeRotation: null,
  roles: ['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All'],
  connection: { appExists: true, appCreatedDateTime: '2024-01-01T00:00:00Z', credentials: [] },
  addPath: { path: 'addKey', reason: 'Rekey holds the private key of the current credential' },
  policy: { enabled: false, maxLifetime: null, restrictForAppsCreatedAfter: null },
};

const rows: {
  name: string;
  facts: Partial<PreflightFacts>;
  check: string;
  status: 'pass' | 'warn' | 'fail';
  message?: RegExp;
}[] = [
  { name: 'a valid new certificate passes', facts: {}, check: 'certificateValidForEntra', status: 'pass' },
  { name: 'a trustworthy certificate passes', facts: {}, check: 'trustworthyReplacement', status: 'pass' },
  {
    name: 'a certificate found as an unknown credential fails with the reason',
    facts: { certificate: { ...base.certificate, untrusted: 'Rekey found it as an unknown credential on X (Y).' } },
    check: 'trustworthyReplacement',
    status: 'fail',
    message: /cannot be a replacement\. Rekey found it as an unknown credential on X/,
  },
  {
    name: "an expired certificate fails with the validator's message",
    facts: {
      certificate: {
        ...base.certificate,
        errors: [{ code: 'EXPIRED', message: 'the certificate expired on 2026-01-01.' }],
      },
    },
    check: 'certificateValidForEntra',
    status: 'fail',
    message: /expired on 2026-01-01/,
  },
  {
    name: 'a certificate warning warns',
    facts: {
      certificate: { ...base.certificate, warnings: [{ code: 'EXPIRES_SOON', message: 'expires in 10 days' }] },
    },
    check: 'certificateValidForEntra',
    status: 'warn',
  },
  {
    name: 'the current certificate fails',
    facts: { connector: { displayName: 'Mail Archive', currentSha1: 'BB'.repeat(20) } },
    check: 'notCurrentCertificate',
    status: 'fail',
    message: /already the current certificate/,
  },
  {
    name: 'another active rotation fails and names it',
    facts: { activeRotation: { id: 'r1', state: 'WAITING', step: 'add_new', actorLabel: 'alice' } },
    check: 'nothingElseRotating',
    status: 'fail',
    message: /\(r1, WAITING at step add_new, started by alice\)/,
  },
  {
    name: 'missing write permission fails',
    facts: { roles: ['Application.Read.All'] },
    check: 'consentAndPermissions',
    status: 'fail',
    message: /lacks Application\.ReadWrite\.All/,
  },
  {
    name: 'Directory.ReadWrite.All alone fails: Microsoft does not accept it for updating applications',
    facts: { roles: ['Directory.ReadWrite.All', 'Organization.Read.All'] },
    check: 'consentAndPermissions',
    status: 'fail',
    message: /lacks Application\.ReadWrite\.All .*Directory\.ReadWrite\.All does not allow updating applications/,
  },
  {
    name: 'Application.ReadWrite.OwnedBy alone is the least-privilege mode: warns that Rekey must own the application',
    facts: { roles: ['Application.ReadWrite.OwnedBy', 'Organization.Read.All'] },
    check: 'consentAndPermissions',
    status: 'warn',
    message: /Least-privilege mode.*only if Rekey's service principal is an owner of its application/,
  },
  {
    name: 'recreating with OwnedBy and AppRoleAssignment.ReadWrite.All warns about ownership (OwnedBy also reads service principals)',
    facts: {
      mode: 'reestablish',
      recreate: true,
      roles: ['Application.ReadWrite.OwnedBy', 'AppRoleAssignment.ReadWrite.All'],
    },
    check: 'consentAndPermissions',
    status: 'warn',
  },
  {
    name: 'no token at all fails',
    facts: { roles: { error: 'AADSTS7000229: consent revoked' } },
    check: 'consentAndPermissions',
    status: 'fail',
    message: /could not get a token/,
  },
  {
    name: 'recreating without AppRoleAssignment.ReadWrite.All fails',
    facts: { mode: 'reestablish', recreate: true, roles: ['Application.ReadWrite.All'] },
    check: 'consentAndPermissions',
    status: 'fail',
    message: /AppRoleAssignment\.ReadWrite\.All/,
  },
  {
    name: 'a missing application fails in rotate mode',
    facts: { connection: { appExists: false, appCreatedDateTime: null, credentials: [] } },
    check: 'connectionExists',
    status: 'fail',
    message: /choose Re-establish/,
  },
  {
    name: 'a missing application only warns when re-establishing',
    facts: { mode: 'reestablish', connection: { appExists: false, appCreatedDateTime: null, credentials: [] } },
    check: 'connectionExists',
    status: 'warn',
  },
  {
    name: 'addKey with proof passes',
    facts: {},
    check: 'proofOfPossession',
    status: 'pass',
    message: /^Rekey adds the new certificate beside the current one, proving it holds the current key\.$/,
  },
  {
    name: 'PATCH warns and says why',
    facts: { addPath: { path: 'patch', reason: 'no currently valid private key of this object is held by Rekey' } },
    check: 'proofOfPossession',
    status: 'warn',
    message: /^Rekey rewrites the application’s list of certificates/,
  },
  { name: 'no lifetime restriction passes', facts: {}, check: 'appManagementPolicy', status: 'pass' },
  {
    name: 'a certificate longer-lived than the policy allows fails',
    facts: { policy: { enabled: true, maxLifetime: 'P90D', restrictForAppsCreatedAfter: null } },
    check: 'appManagementPolicy',
    status: 'fail',
    message: /valid for 184 days .* at most P90D/,
  },
  {
    name: 'a certificate within the policy passes',
    facts: { policy: { enabled: true, maxLifetime: 'P365D', restrictForAppsCreatedAfter: null } },
    check: 'appManagementPolicy',
    status: 'pass',
  },
  {
    name: 'a policy for newer apps does not apply to an older app',
    facts: { policy: { enabled: true, maxLifetime: 'P90D', restrictForAppsCreatedAfter: '2025-01-01T00:00:00Z' } },
    check: 'appManagementPolicy',
    status: 'pass',
    message: /only applies to apps created after/,
  },
  {
    name: 'a policy for newer apps applies to a recreated app',
    facts: {
      mode: 'reestablish',
      recreate: true,
      policy: { enabled: true, maxLifetime: 'P90D', restrictForAppsCreatedAfter: '2025-01-01T00:00:00Z' },
    },
    check: 'appManagementPolicy',
    status: 'fail',
  },
  {
    name: 'an unreadable policy warns',
    facts: { policy: null },
    check: 'appManagementPolicy',
    status: 'warn',
    message: /Policy\.Read\.All/,
  },
];

describe('preflight checks', () => {
  it.each(rows)('$name', ({ facts, check, status, message }) => {
    const r = evaluatePreflight({ ...base, ...facts });
    const c = r.checks.find((x) => x.name === check)!;
    expect(c.status).toBe(status);
    if (message) expect(c.message).toMatch(message);
    // Plain words for the admin; Graph's vocabulary only in the detail behind the disclosure.
    expect(c.message).not.toMatch(/\b(PATCH|keyCredentials|addKey)\b/);
    expect(r.ok).toBe(r.checks.every((x) => x.status !== 'fail'));
  });

  it('keeps the Graph detail of how the key is added behind the disclosure', () => {
    const c = evaluatePreflight({
      ...base,
      addPath: { path: 'patch', reason: 'no currently valid private key of this object is held by Rekey' },
    }).checks.find((x) => x.name === 'proofOfPossession')!;
    expect(c.detail).toMatch(/PATCH of keyCredentials .*no currently valid private key/);
  });

  it('refuses a service principal locked by the vendor, with the way out', () => {
    const r = evaluatePreflight({
      ...base,
      holderAccess: {
        on: 'servicePrincipal',
        lock: { state: 'locked', detail: 'Property keyCredentials is invalid.' },
        ownership: null,
      },
    });
    const c = r.checks.find((x) => x.name === 'credentialHolderWritable')!;
    expect(r.ok).toBe(false);
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(
      /the vendor rotates the credential on its own application, or the customer re-establishes a customer-owned connection/,
    );
  });

  it('in OwnedBy mode, refuses when Rekey is not an owner and says how to fix it', () => {
    const c = evaluatePreflight({
      ...base,
      holderAccess: { on: 'application', lock: null, ownership: { owner: false, servicePrincipalId: 'sp-1' } },
    }).checks.find((x) => x.name === 'credentialHolderWritable')!;
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/not an owner of the application .*Add Rekey's service principal as an owner/);
  });

  it('runs every check in order', () => {
    expect(evaluatePreflight(base).checks.map((c) => c.name)).toEqual([
      'certificateValidForEntra',
      'trustworthyReplacement',
      'notCurrentCertificate',
      'nothingElseRotating',
      'consentAndPermissions',
      'connectionExists',
      'credentialHolderWritable',
      'proofOfPossession',
      'appManagementPolicy',
    ]);
  });

  it.each([
    { v: 'P90D', ms: 90 * 86_400_000 },
    { v: 'P1Y', ms: 365 * 86_400_000 },
    { v: 'PT12H', ms: 12 * 3_600_000 },
    { v: 'P', ms: null },
    { v: '90 days', ms: null },
  ])('reads the ISO duration $v', ({ v, ms }) => {
    expect(isoDurationMs(v)).toBe(ms);
  });
});
