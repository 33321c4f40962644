// Client secrets (passwordCredentials) on applications and service principals: addPassword /
// removePassword, as "application: addPassword" / "application: removePassword" (and the
// servicePrincipal pages) document them. The secret text is returned ONLY in addPassword's
// response; reads show keyId, hint, displayName and dates with `secretText: null`. Permissions
// (application): Application.ReadWrite.OwnedBy (as an owner), Application.ReadWrite.All or
// Directory.ReadWrite.All — unlike addKey there is no proof and no exemption for an app's own
// object. Sources: sim/README.md.
import crypto from 'node:crypto';
import type {
  ApplicationRecord,
  PasswordCredentialRecord,
  ServicePrincipalRecord,
  TenantRecord,
} from '../directory/directory';
import type { HttpResult } from '../entra/aad-error';
import type { SimContext } from '../sim-context';
import { badRequest, noContent, ok, type GraphCaller, type GraphRequest } from './graph-http';
import { RULES, requireRule } from './permissions';
import { passwordCredentialJson } from './serialize';

const PASSWORD_CREDENTIAL_PROPS = new Set(['displayName', 'startDateTime', 'endDateTime', '@odata.type']);
const TWO_YEARS_MS = 2 * 365 * 86_400_000;

function parseDate(value: unknown, prop: string): number | null {
  if (value === null || value === undefined) return null;
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms))
    throw badRequest(
      `Cannot convert the literal '${String(value)}' to the expected type 'Edm.DateTimeOffset'.`,
      'Request_BadRequest',
      [{ code: 'InvalidValue', message: `Invalid ${prop}`, target: `passwordCredential.${prop}` }],
    );
  return ms;
}

/** A new client secret: the record the directory keeps (SHA-256 of the text only) and the text, returned once. */
export function newPasswordCredential(
  input: { displayName?: unknown; startDateTime?: unknown; endDateTime?: unknown },
  nowMs: number,
): { record: PasswordCredentialRecord; secretText: string } {
  const start = parseDate(input.startDateTime, 'startDateTime') ?? nowMs;
  // "The default value is startDateTime + 2 years." (application: addPassword)
  const end = parseDate(input.endDateTime, 'endDateTime') ?? start + TWO_YEARS_MS;
  if (end <= start) {
    throw badRequest('Password credential end date is invalid.', 'Request_BadRequest', [
      {
        code: 'InvalidValue',
        message: 'endDateTime must be after startDateTime',
        target: 'passwordCredential.endDateTime',
      },
    ]);
  }
  // Entra's secrets are 40 characters; the hint is the first three.
  const secretText = crypto.randomBytes(30).toString('base64url').slice(0, 40);
  return {
    secretText,
    record: {
      keyId: crypto.randomUUID(),
      customKeyIdentifier: null,
      displayName: typeof input.displayName === 'string' ? input.displayName.slice(0, 90) : null,
      startDateTime: new Date(start).toISOString(),
      endDateTime: new Date(end).toISOString(),
      hint: secretText.slice(0, 3),
      secretSha256: crypto.createHash('sha256').update(secretText).digest('hex'),
    },
  };
}

function metadata(ctx: SimContext, req: GraphRequest): string {
  return `https://${ctx.config.graphHost}/${req.version}/$metadata`;
}

/** POST …/addPassword: 200 with the passwordCredential including `secretText` (the only time it is shown). */
export function addPassword(
  ctx: SimContext,
  caller: GraphCaller,
  req: GraphRequest,
  rec: ApplicationRecord | ServicePrincipalRecord,
  owners: readonly string[],
  /** Runs after the permission check (the app instance property lock of a service principal). */
  guard?: () => void,
): HttpResult {
  requireRule(caller, RULES.rollPasswords, owners);
  guard?.();
  const body = (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {}) as Record<
    string,
    unknown
  >;
  const pc = body.passwordCredential ?? {};
  if (pc === null || typeof pc !== 'object' || Array.isArray(pc))
    throw badRequest("Invalid value for parameter 'passwordCredential': expected an object.");
  for (const k of Object.keys(pc)) {
    if (!PASSWORD_CREDENTIAL_PROPS.has(k))
      throw badRequest(
        `The property '${k}' does not exist on type 'microsoft.graph.passwordCredential'. Make sure to only use property names that are defined by the type.`,
      );
  }
  const { record, secretText } = newPasswordCredential(pc as Record<string, unknown>, ctx.now());
  const before = rec.passwordCredentials;
  rec.passwordCredentials = [...rec.passwordCredentials, record];
  ctx.replication.recordCredentialWrite(rec.id, rec.keyCredentials, { passwordCredentials: before }, [record.keyId]);
  ctx.directory.touch();
  return ok({
    '@odata.context': `${metadata(ctx, req)}#microsoft.graph.passwordCredential`,
    ...passwordCredentialJson(record),
    secretText,
  });
}

/** POST …/removePassword `{keyId}`: 204; an unknown keyId → 400. */
export function removePassword(
  ctx: SimContext,
  caller: GraphCaller,
  req: GraphRequest,
  rec: ApplicationRecord | ServicePrincipalRecord,
  owners: readonly string[],
  /** Runs after the permission check (the app instance property lock of a service principal). */
  guard?: () => void,
): HttpResult {
  requireRule(caller, RULES.rollPasswords, owners);
  guard?.();
  const body = (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {}) as Record<
    string,
    unknown
  >;
  if (typeof body.keyId !== 'string' || !body.keyId) throw badRequest("The 'keyId' parameter is required.");
  const keyId = body.keyId.toLowerCase();
  if (!rec.passwordCredentials.some((c) => c.keyId === keyId)) throw badRequest('No credentials found to be removed.');
  const before = rec.passwordCredentials;
  rec.passwordCredentials = rec.passwordCredentials.filter((c) => c.keyId !== keyId);
  ctx.replication.recordCredentialWrite(rec.id, rec.keyCredentials, { passwordCredentials: before });
  ctx.directory.touch();
  return noContent();
}

/** Control API / SimAdmin: a secret added behind Rekey's back (no lag: it stands in for the past). */
export interface PlantPasswordInput {
  appId: string;
  target?: 'application' | 'servicePrincipal';
  displayName?: string;
  startDateTime?: string;
  endDateTime?: string;
}

export function plantPasswordCredential(
  tenant: TenantRecord,
  input: PlantPasswordInput,
  nowMs: number,
): { record: PasswordCredentialRecord; secretText: string } {
  const appId = input.appId.toLowerCase();
  const rec = input.target === 'servicePrincipal' ? tenant.spsByAppId.get(appId) : tenant.appsByAppId.get(appId);
  if (!rec) throw new Error(`no ${input.target ?? 'application'} ${input.appId} in ${tenant.id}`);
  const made = newPasswordCredential(input, nowMs);
  rec.passwordCredentials = [...rec.passwordCredentials, made.record];
  return made;
}
