// keyCredentials semantics: PATCH whole-collection replace, addKey/removeKey with proof-of-possession
// (concepts/applications-how-to-add-certificate.md, api application-addkey / removekey,
// concepts/application-rollkey-prooftoken.md), and tenant app-management policy lifetime checks.
import crypto from 'node:crypto';
import { decodeJwt, verifyJwtSignature } from '../crypto/jwt';
import { tryCertInfo } from '../crypto/x509';
import type { KeyCredentialRecord, TenantAppManagementPolicy } from '../directory/directory';
import { matchKeyCredentials, presentedThumbprint } from '../entra/credential-match';
import { badRequest, GraphError } from './graph-http';
import type { SimConfig } from '../sim-context';

const KEY_CREDENTIAL_PROPS = new Set([
  'customKeyIdentifier',
  'displayName',
  'endDateTime',
  'key',
  'keyId',
  'startDateTime',
  'type',
  'usage',
  '@odata.type',
]);
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeBinary(value: unknown, prop: string): Buffer | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw badRequest(`Invalid value for property '${prop}': expected a base64 string.`);
  const normalized = value.trim().replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normalized)) {
    throw badRequest(`Cannot convert the literal '${value.slice(0, 40)}' to the expected type 'Edm.Binary'.`);
  }
  return Buffer.from(normalized, 'base64');
}

function parseDate(value: unknown, prop: string): number | null {
  if (value === null || value === undefined) return null;
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms))
    throw badRequest(
      `Cannot convert the literal '${String(value)}' to the expected type 'Edm.DateTimeOffset'.`,
      'Request_BadRequest',
      [{ code: 'InvalidValue', message: `Invalid ${prop}`, target: `keyCredentials.${prop}` }],
    );
  return ms;
}

const invalidEndDate = (message = 'Key credential end date is invalid.'): GraphError =>
  badRequest(message, 'KeyCredentialsInvalidEndDate', [
    { code: 'InvalidKeyEndDate', message, target: 'keyCredentials.endDateTime' },
  ]);

/** ISO-8601 duration → ms (years = 365 d, months = 30 d). */
export function durationMs(iso: string): number | null {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
    iso,
  );
  if (!m) return null;
  const n = (i: number) => Number(m[i] ?? 0);
  return ((((n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4)) * 24 + n(5)) * 60 + n(6)) * 60 + n(7)) * 1000;
}

export interface CredentialOwnerInfo {
  kind: 'application' | 'servicePrincipal';
  createdDateTime: string;
}

function checkPolicy(policy: TenantAppManagementPolicy, owner: CredentialOwnerInfo, start: number, end: number): void {
  if (!policy.isEnabled) return;
  const restrictions =
    owner.kind === 'application'
      ? policy.applicationRestrictions.keyCredentials
      : policy.servicePrincipalRestrictions.keyCredentials;
  for (const r of restrictions) {
    if (r.restrictionType !== 'asymmetricKeyLifetime' || r.state === 'disabled' || !r.maxLifetime) continue;
    if (
      r.restrictForAppsCreatedAfterDateTime &&
      Date.parse(owner.createdDateTime) < Date.parse(r.restrictForAppsCreatedAfterDateTime)
    )
      continue;
    const max = durationMs(r.maxLifetime);
    if (max !== null && end - start > max) {
      const message = `Credential lifetime exceeds the max value allowed as per assigned policy '${policy.id}'.`;
      throw badRequest(message, 'CredentialInvalidLifetimeAsPerAppPolicy', [
        { code: 'InvalidKeyEndDate', message, target: 'EndDate' },
      ]);
    }
  }
}

/** Validates one new keyCredential from a request body and builds the record. */
export function buildNewKeyCredential(
  input: unknown,
  owner: CredentialOwnerInfo,
  policy: TenantAppManagementPolicy,
  nowMs: number,
): KeyCredentialRecord {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw badRequest('Invalid keyCredential: expected an object.');
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!KEY_CREDENTIAL_PROPS.has(k))
      throw badRequest(
        `The property '${k}' does not exist on type 'microsoft.graph.keyCredential'. Make sure to only use property names that are defined by the type.`,
      );
  }
  const type = o.type;
  const usage = o.usage;
  if (typeof type !== 'string' || !['AsymmetricX509Cert', 'X509CertAndPassword', 'Symmetric'].includes(type)) {
    throw badRequest(
      `The value for the property "type" in one of your credentials is invalid. Acceptable values are AsymmetricX509Cert, X509CertAndPassword, Symmetric.`,
      'KeyCredentialsInvalidValue',
    );
  }
  if (typeof usage !== 'string' || !['Sign', 'Verify'].includes(usage)) {
    throw badRequest(
      'The value for the property "usage" in one of your credentials is invalid. Acceptable values are Sign, Verify.',
    );
  }
  if (type === 'AsymmetricX509Cert' && usage !== 'Verify') {
    throw badRequest(
      'The value for the property "usage" in one of your credentials is invalid. Acceptable values are Sign, Verify.',
    );
  }
  const key = decodeBinary(o.key, 'key');
  if (!key || key.length === 0) throw badRequest('Key credential value is invalid.', 'KeyCredentialsInvalidValue');
  let certStart: number | null = null;
  let certEnd: number | null = null;
  let sha1: Buffer | null = null;
  if (type !== 'Symmetric') {
    const info = tryCertInfo(key);
    if (!info) throw badRequest('Key credential value is invalid.', 'KeyCredentialsInvalidValue');
    certStart = info.notBefore.getTime();
    certEnd = info.notAfter.getTime();
    sha1 = Buffer.from(info.sha1Hex, 'hex');
  }
  const start = parseDate(o.startDateTime, 'startDateTime') ?? certStart ?? nowMs;
  const end = parseDate(o.endDateTime, 'endDateTime') ?? certEnd ?? start + 365 * 86_400_000;
  if (end <= start) throw invalidEndDate();
  // Entra refuses an end date past the certificate's own NotAfter (small tolerance for rounding).
  if (certEnd !== null && end > certEnd + 1000) throw invalidEndDate();
  checkPolicy(policy, owner, start, end);
  const cki = decodeBinary(o.customKeyIdentifier, 'customKeyIdentifier');
  if (cki !== null && (cki.length === 0 || cki.length > 32)) {
    throw badRequest('When present, application key identifier cannot be empty and can be at most 32 bytes.');
  }
  let keyId: string = crypto.randomUUID();
  if (typeof o.keyId === 'string' && GUID_RE.test(o.keyId)) keyId = o.keyId.toLowerCase();
  const displayName = typeof o.displayName === 'string' ? o.displayName.slice(0, 90) : null;
  return {
    keyId,
    customKeyIdentifier: cki ?? sha1,
    displayName,
    startDateTime: new Date(start).toISOString(),
    endDateTime: new Date(end).toISOString(),
    type,
    usage,
    key,
  };
}

/**
 * PATCH semantics: the body's array replaces the collection. An entry naming an existing keyId with the
 * same key keeps that credential; a changed key under an existing keyId is refused; others are new.
 */
export function replaceKeyCredentials(
  existing: KeyCredentialRecord[],
  input: unknown,
  owner: CredentialOwnerInfo,
  policy: TenantAppManagementPolicy,
  nowMs: number,
): KeyCredentialRecord[] {
  if (!Array.isArray(input)) throw badRequest("Invalid value for property 'keyCredentials': expected a collection.");
  const byId = new Map(existing.map((c) => [c.keyId, c]));
  const out: KeyCredentialRecord[] = [];
  const seen = new Set<string>();
  for (const item of input) {
    const o = item !== null && typeof item === 'object' ? (item as Record<string, unknown>) : {};
    const keyId = typeof o.keyId === 'string' ? o.keyId.toLowerCase() : null;
    const current = keyId ? byId.get(keyId) : undefined;
    if (current) {
      const key = decodeBinary(o.key, 'key');
      if (!key || key.length === 0) throw badRequest('Key credential value is invalid.', 'KeyCredentialsInvalidValue');
      if (!current.key || !current.key.equals(key)) {
        throw badRequest(
          `Update to existing credential with KeyId '${current.keyId}' is not allowed.`,
          'KeyNotUpdatable',
        );
      }
      if (!seen.has(current.keyId)) out.push(current);
      seen.add(current.keyId);
      continue;
    }
    if (!keyId) {
      // Uncertain on real Graph: re-sending an existing certificate without its keyId. We keep the
      // existing credential (and keyId) rather than minting a new one (see README, approximations).
      const key = typeof o.key === 'string' ? decodeBinary(o.key, 'key') : null;
      const same = key ? existing.find((c) => c.key?.equals(key)) : undefined;
      if (same && !seen.has(same.keyId)) {
        seen.add(same.keyId);
        out.push(same);
        continue;
      }
    }
    const created = buildNewKeyCredential(item, owner, policy, nowMs);
    if (seen.has(created.keyId)) throw badRequest(`Duplicate keyId '${created.keyId}' in keyCredentials.`);
    seen.add(created.keyId);
    out.push(created);
  }
  return out;
}

const malformed = (detail: string): GraphError =>
  new GraphError(401, 'Authentication_MissingOrMalformed', 'Access Token missing or malformed.', [
    { code: 'InvalidProof', message: detail, target: 'proof' },
  ]);

/**
 * Verifies an addKey/removeKey proof: a JWT signed by one of the object's currently valid certificates,
 * `aud` = 00000002-0000-0000-c000-000000000000 (configurable), `iss` = the object's id, lifetime ≤ 10 min.
 */
export function verifyProof(
  proof: unknown,
  objectId: string,
  credentials: KeyCredentialRecord[],
  config: SimConfig,
  nowMs: number,
): void {
  if (typeof proof !== 'string' || !proof) throw badRequest("The 'proof' parameter is required.", 'Request_BadRequest');
  const decoded = decodeJwt(proof);
  if (!decoded) throw malformed('The proof is not a well-formed JWT.');
  if (decoded.padded) throw malformed('The proof contains base64 padding.');
  const p = decoded.payload;
  if (typeof p.aud !== 'string' || !config.proofAudiences.includes(p.aud.toLowerCase()))
    throw malformed(`Invalid audience '${String(p.aud)}'.`);
  if (typeof p.iss !== 'string' || p.iss.toLowerCase() !== objectId.toLowerCase())
    throw malformed(`Invalid issuer '${String(p.iss)}': expected the object id.`);
  const nowS = Math.floor(nowMs / 1000);
  const skew = config.clockSkewSeconds;
  if (typeof p.nbf !== 'number' || typeof p.exp !== 'number') throw malformed('The proof needs nbf and exp.');
  if (p.exp - p.nbf > 600 + skew) throw malformed('The proof lifetime exceeds 10 minutes.');
  if (nowS + skew < p.nbf || nowS - skew > p.exp) throw malformed('The proof is expired or not yet valid.');
  const tp = presentedThumbprint(decoded.header);
  if (!tp) throw malformed('The proof header names no certificate (x5t, x5t#S256 or kid).');
  const match = matchKeyCredentials(credentials, tp, nowMs).find((m) => m.validNow);
  if (!match) throw malformed(`No currently valid certificate with thumbprint '${tp.hex}' on the object.`);
  if (!verifyJwtSignature(decoded, match.info.publicKey)) throw malformed('The proof signature is invalid.');
}
