import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

/** Same names and spelling as the Prisma enum `ConnectorStatus`. */
export const CONNECTOR_STATUSES = [
  'compromised',
  'expired',
  'expiring',
  'stale',
  'drift',
  'targeted',
  'healthy',
] as const;
export type ConnectorStatus = (typeof CONNECTOR_STATUSES)[number];

/**
 * Severity, worst first. This is also the order the checks run in (first hit wins):
 * - targeted: the compromised credential is being *used* from outside the vendor's addresses —
 *   an attacker holds it right now. Strictly worse than compromised, which says it could be.
 * - compromised: an advisory names the certificate (or one the tenant still holds); anyone with
 *   the leaked key can sign in until the credential is removed.
 * - expired: the connector is down (the vendor cannot get tokens).
 * - drift: the tenant holds a credential Rekey did not put there (possible persistence by an
 *   attacker) or lacks the one Rekey expects (the connector may be broken); needs a human.
 * - expiring: will break inside the policy window; rotate soon.
 * - stale: works, but older than policy allows; rotate at leisure.
 * - healthy.
 */
const SEVERITY_ORDER: readonly ConnectorStatus[] = [
  'targeted',
  'compromised',
  'expired',
  'drift',
  'expiring',
  'stale',
  'healthy',
];

/** 0 = worst. Sort ascending to list the most urgent first. */
export function severityRank(status: ConnectorStatus): number {
  return SEVERITY_ORDER.indexOf(status);
}

export const StatusPolicySchema = z.object({
  /** `expiring` when notAfter is within this many days. */
  expiringWithinDays: z.number().int().min(0).max(3650).default(30),
  /** `stale` when the certificate is older (since notBefore) than this many days. */
  maxAgeDays: z.number().int().min(1).max(36500).default(365),
  /** A tenant whose last successful scan is older than this is "Not scanned recently" (lib/fleet/tenant-access). */
  maxScanAgeHours: z.number().int().min(1).max(8760).default(24),
});
export type StatusPolicy = z.infer<typeof StatusPolicySchema>;
export type StatusPolicyInput = z.input<typeof StatusPolicySchema>;

export interface ConnectorCertificate {
  sha1Thumbprint: string;
  sha256Thumbprint: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
}

export interface Advisory {
  id: string;
  sha1Thumbprints?: string[];
  sha256Thumbprints?: string[];
  issuerSerials?: { issuer: string; serialNumber: string }[];
}

export interface TenantCredential {
  /** SHA-1 of the credential's certificate (uppercase hex; from `key`, or from customKeyIdentifier). */
  sha1Thumbprint: string;
  keyId?: string;
  sha256Thumbprint?: string;
}

export interface SignInEvidence {
  /** SHA-1 thumbprint of the credential used (sign-in logs report the client credential's key id / thumbprint). */
  sha1Thumbprint: string;
  ipAddress: string;
  at: Date;
}

export interface ConnectorStatusInput {
  /** The certificate Rekey holds for the connector; null when it has none. */
  certificate: ConnectorCertificate | null;
  advisories: Advisory[];
  /** What the tenant's application really holds; null when not scanned yet (drift not judged). */
  tenantCredentials: TenantCredential[] | null;
  /** Other SHA-1 thumbprints Rekey expects in the tenant (e.g. the next certificate mid-rotation). */
  knownThumbprints?: string[];
  signIns?: SignInEvidence[];
  /** The vendor's known egress addresses: IPs or CIDRs, IPv4 or IPv6. */
  vendorAddresses?: string[];
}

export interface StatusReason {
  check: string;
  status: ConnectorStatus;
  message: string;
}

export interface Classification {
  status: ConnectorStatus;
  /** Every check that hit, worst first; `reasons[0].status === status`. */
  reasons: StatusReason[];
}

interface Ctx {
  input: ConnectorStatusInput;
  policy: StatusPolicy;
  now: Date;
  compromised: { thumbprint: string; advisoryId: string }[];
}

interface StatusCheck {
  name: string;
  status: ConnectorStatus;
  run(ctx: Ctx): string | null;
}

const DAY_MS = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);
const up = (s: string) => s.replace(/[^0-9a-fA-F]/g, '').toUpperCase();

function addressList(addresses: string[]): BlockList {
  const list = new BlockList();
  for (const a of addresses) {
    const [ip, prefix] = a.trim().split('/');
    const family = isIP(ip ?? '');
    if (!ip || family === 0) continue;
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, Number(prefix), type);
  }
  return list;
}

function findCompromised(input: ConnectorStatusInput): Ctx['compromised'] {
  const hits: Ctx['compromised'] = [];
  if (input.advisories.length === 0) return hits;
  const cert = input.certificate;
  for (const adv of input.advisories) {
    const sha1 = new Set((adv.sha1Thumbprints ?? []).map(up));
    const sha256 = new Set((adv.sha256Thumbprints ?? []).map(up));
    if (cert) {
      const bySerial = (adv.issuerSerials ?? []).some(
        (s) =>
          s.issuer === cert.issuer &&
          up(s.serialNumber).replace(/^0+/, '') === up(cert.serialNumber).replace(/^0+/, ''),
      );
      if (sha1.has(up(cert.sha1Thumbprint)) || sha256.has(up(cert.sha256Thumbprint)) || bySerial)
        hits.push({ thumbprint: up(cert.sha1Thumbprint), advisoryId: adv.id });
    }
    for (const cred of input.tenantCredentials ?? []) {
      const t = up(cred.sha1Thumbprint);
      if (cert && t === up(cert.sha1Thumbprint)) continue;
      if (sha1.has(t) || (cred.sha256Thumbprint && sha256.has(up(cred.sha256Thumbprint))))
        hits.push({ thumbprint: t, advisoryId: adv.id });
    }
  }
  return hits;
}

/** The checks, worst first (see SEVERITY_ORDER). Each returns a message when it hits. */
export const CONNECTOR_STATUS_CHECKS: readonly StatusCheck[] = [
  {
    name: 'compromisedCredentialUsedFromUnknownAddress',
    status: 'targeted',
    run: ({ input, compromised }) => {
      if (compromised.length === 0 || !input.signIns?.length) return null;
      const bad = new Set(compromised.map((c) => c.thumbprint));
      const known = addressList(input.vendorAddresses ?? []);
      const hits = input.signIns.filter((s) => {
        if (!bad.has(up(s.sha1Thumbprint))) return false;
        const family = isIP(s.ipAddress);
        return family === 0 || !known.check(s.ipAddress, family === 6 ? 'ipv6' : 'ipv4');
      });
      if (hits.length === 0) return null;
      const ips = [...new Set(hits.map((h) => h.ipAddress))];
      const last = hits.reduce((a, b) => (b.at > a.at ? b : a));
      return `The compromised credential was used to sign in from ${ips.length} address(es) outside the vendor's known ranges (${ips.slice(0, 3).join(', ')}${ips.length > 3 ? ', …' : ''}), last at ${last.at.toISOString()}. Remove it now (re-establish the connection).`;
    },
  },
  {
    name: 'certificateCompromised',
    status: 'compromised',
    run: ({ compromised }) => {
      const first = compromised[0];
      if (!first) return null;
      return `Advisory ${first.advisoryId} names credential ${first.thumbprint}${compromised.length > 1 ? ` (and ${compromised.length - 1} more match)` : ''}. Rotate and remove the compromised credential.`;
    },
  },
  {
    name: 'certificateExpired',
    status: 'expired',
    run: ({ input, now }) =>
      input.certificate && now.getTime() >= input.certificate.notAfter.getTime()
        ? `The certificate expired on ${day(input.certificate.notAfter)}; the vendor service can no longer sign in.`
        : null,
  },
  {
    name: 'tenantCredentialsDrifted',
    status: 'drift',
    run: ({ input }) => {
      const cert = input.certificate;
      if (!cert) return 'Rekey holds no certificate for this connector; import the current one.';
      if (input.tenantCredentials === null) return null;
      const held = new Set(input.tenantCredentials.map((c) => up(c.sha1Thumbprint)));
      const known = new Set([up(cert.sha1Thumbprint), ...(input.knownThumbprints ?? []).map(up)]);
      const unknown = [...held].filter((t) => !known.has(t));
      const missing = !held.has(up(cert.sha1Thumbprint));
      if (unknown.length === 0 && !missing) return null;
      const parts: string[] = [];
      if (unknown.length)
        parts.push(
          `the tenant holds ${unknown.length} credential(s) Rekey did not add (${unknown.slice(0, 3).join(', ')})`,
        );
      if (missing) parts.push(`the expected certificate ${up(cert.sha1Thumbprint)} is missing from the tenant`);
      return `${parts.join('; ')}. Review the application's certificates.`.replace(/^./, (c) => c.toUpperCase());
    },
  },
  {
    name: 'certificateExpiring',
    status: 'expiring',
    run: ({ input, policy, now }) => {
      const c = input.certificate;
      if (!c) return null;
      const left = c.notAfter.getTime() - now.getTime();
      return left > 0 && left <= policy.expiringWithinDays * DAY_MS
        ? `The certificate expires on ${day(c.notAfter)}, in ${Math.ceil(left / DAY_MS)} day(s) (policy: ${policy.expiringWithinDays}). Rotate it.`
        : null;
    },
  },
  {
    name: 'certificateStale',
    status: 'stale',
    run: ({ input, policy, now }) => {
      const c = input.certificate;
      if (!c) return null;
      const age = now.getTime() - c.notBefore.getTime();
      return age > policy.maxAgeDays * DAY_MS
        ? `The certificate is ${Math.floor(age / DAY_MS)} days old (policy maximum ${policy.maxAgeDays}). Rotate it.`
        : null;
    },
  },
];

const policyCache = new WeakMap<object, StatusPolicy>();
let defaultPolicy: StatusPolicy | undefined;
function resolvePolicy(policy: StatusPolicyInput | undefined): StatusPolicy {
  if (!policy) return (defaultPolicy ??= StatusPolicySchema.parse({}));
  let parsed = policyCache.get(policy);
  if (!parsed) {
    parsed = StatusPolicySchema.parse(policy);
    policyCache.set(policy, parsed);
  }
  return parsed;
}

/**
 * Classifies one connector. Pure: `now` is a parameter. Runs every check in severity order; the
 * first hit is the status and every hit is kept in `reasons`. Throws a ZodError for a bad policy.
 */
export function classifyConnector(
  input: ConnectorStatusInput,
  policy: StatusPolicyInput | undefined,
  now: Date,
): Classification {
  const ctx: Ctx = { input, policy: resolvePolicy(policy), now, compromised: findCompromised(input) };
  const reasons: StatusReason[] = [];
  for (const check of CONNECTOR_STATUS_CHECKS) {
    const message = check.run(ctx);
    if (message) reasons.push({ check: check.name, status: check.status, message });
  }
  const first = reasons[0];
  if (first) return { status: first.status, reasons };
  const c = input.certificate;
  return {
    status: 'healthy',
    reasons: [{ check: 'healthy', status: 'healthy', message: `Valid until ${day(c!.notAfter)}.` }],
  };
}
