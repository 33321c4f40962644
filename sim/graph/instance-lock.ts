// App instance property lock: a multi-tenant application's `servicePrincipalLockConfiguration`
// forbids changing sensitive properties of its service principals in other tenants
// (https://learn.microsoft.com/en-us/graph/api/resources/serviceprincipallockconfiguration;
// https://learn.microsoft.com/en-us/entra/identity-platform/howto-configure-app-instance-property-locks).
// Graph refuses such a change with 400 CannotUpdateLockedServicePrincipalProperty
// ("Property keyCredentials is invalid." — the code and text as public error reports quote them).
import type {
  ApplicationRecord,
  KeyCredentialRecord,
  ServicePrincipalLockConfiguration,
  ServicePrincipalRecord,
} from '../directory/directory';
import type { SimContext } from '../sim-context';
import { GraphError } from './graph-http';

export type LockedProperty = 'keyCredentials' | 'passwordCredentials';

function lockedError(property: LockedProperty): GraphError {
  return new GraphError(400, 'CannotUpdateLockedServicePrincipalProperty', `Property ${property} is invalid.`);
}

/** The lock that applies to `sp`, or null: only an enabled lock of an application homed in another tenant. */
export function lockOf(ctx: SimContext, sp: ServicePrincipalRecord): ServicePrincipalLockConfiguration | null {
  const app: ApplicationRecord | undefined = ctx.directory.appsByAppId.get(sp.appId);
  if (!app || app.tenantId === sp.tenantId) return null;
  const lock = app.servicePrincipalLockConfiguration;
  return lock?.isEnabled ? lock : null;
}

function usageLocked(lock: ServicePrincipalLockConfiguration, usage: string): boolean {
  if (lock.allProperties) return true;
  if (usage.toLowerCase() === 'sign') return lock.credentialsWithUsageSign === true;
  return lock.credentialsWithUsageVerify === true;
}

/**
 * Refuses a change of the service principal's key credentials from `before` to `after` when the
 * owning application's lock covers the usage of any credential added or removed.
 */
export function requireKeyChangeAllowed(
  ctx: SimContext,
  sp: ServicePrincipalRecord,
  before: KeyCredentialRecord[],
  after: KeyCredentialRecord[],
): void {
  const lock = lockOf(ctx, sp);
  if (!lock) return;
  const ids = (l: KeyCredentialRecord[]) => new Set(l.map((k) => k.keyId));
  const [b, a] = [ids(before), ids(after)];
  const changed = [...before.filter((k) => !a.has(k.keyId)), ...after.filter((k) => !b.has(k.keyId))];
  if (changed.some((k) => usageLocked(lock, k.usage))) throw lockedError('keyCredentials');
}

/** Password credentials are verify credentials (client secrets): locked by allProperties or credentialsWithUsageVerify. */
export function requirePasswordChangeAllowed(ctx: SimContext, sp: ServicePrincipalRecord): void {
  const lock = lockOf(ctx, sp);
  if (lock && usageLocked(lock, 'Verify')) throw lockedError('passwordCredentials');
}

/** Parses `servicePrincipalLockConfiguration` from a PATCH of the application (null clears it). */
export function parseLockConfiguration(value: unknown): ServicePrincipalLockConfiguration | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new GraphError(400, 'Request_BadRequest', "Invalid value for property 'servicePrincipalLockConfiguration'.");
  const v = value as Record<string, unknown>;
  const flag = (k: string) => (typeof v[k] === 'boolean' ? (v[k] as boolean) : null);
  return {
    isEnabled: v.isEnabled === true,
    allProperties: flag('allProperties'),
    credentialsWithUsageVerify: flag('credentialsWithUsageVerify'),
    credentialsWithUsageSign: flag('credentialsWithUsageSign'),
    tokenEncryptionKeyId: flag('tokenEncryptionKeyId'),
  };
}
