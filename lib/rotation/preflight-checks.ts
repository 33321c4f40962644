/**
 * The wizard's preflight: an ordered list of small, named, pure checks over facts gathered
 * beforehand (preflight-rotation.ts). Each says pass / warn / fail with a message an admin can act
 * on. Every check runs (the wizard shows them all); any fail blocks the start.
 */
import type { CertIssue } from '@/lib/certs/validate-for-entra';
import type { ObservedCredential } from '@/lib/graph/describe-key-credential';
import { OWNED_BY, needLabel, permits } from '@/lib/graph/permissions';
import type { CredentialOwner, InstanceLock, KeyLifetimePolicy } from '@/lib/rotation/graph-port';
import { instanceLockMessage, ownershipMessage } from '@/lib/rotation/credential-holder-checks';
import type { RotationMode } from '@/lib/rotation/machine';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface PreflightCheck {
  name: string;
  title: string;
  status: CheckStatus;
  message: string;
  /** The Microsoft Graph detail behind the plain message (shown behind a disclosure). */
  detail?: string;
}

type Unreadable = { error: string };

export interface PreflightFacts {
  now: Date;
  mode: RotationMode;
  recreate: boolean;
  tenantName: string;
  connector: { displayName: string; currentSha1: string | null };
  certificate: {
    sha1: string;
    notBefore: Date;
    notAfter: Date;
    errors: CertIssue[];
    warnings: CertIssue[];
    privateKeyHeld: boolean;
    /** Why it must not be a replacement (advisory, current, found as an unknown credential); null: trustworthy. */
    untrusted: string | null;
  };
  activeRotation: { id: string; state: string; step: string; actorLabel: string } | null;
  roles: string[] | Unreadable;
  connection: { appExists: boolean; appCreatedDateTime: string | null; credentials: ObservedCredential[] } | Unreadable;
  addPath: { path: 'addKey' | 'patch'; reason: string } | null;
  policy: KeyLifetimePolicy | null | Unreadable;
  /**
   * The object holding the credential; `lock` for a service principal (null: not probed), `ownership`
   * in OwnedBy mode (null: not needed). Absent in facts built before service-principal connectors.
   */
  holderAccess?: {
    on: CredentialOwner;
    lock: InstanceLock | null;
    ownership: { owner: boolean; servicePrincipalId: string | null } | Unreadable | null;
  };
}

interface Check {
  name: string;
  title: string;
  run(f: PreflightFacts): { status: CheckStatus; message: string; detail?: string };
}

const unreadable = (v: unknown): v is Unreadable => typeof v === 'object' && v !== null && 'error' in v;
const pass = (message: string) => ({ status: 'pass' as const, message });
const warn = (message: string) => ({ status: 'warn' as const, message });
const fail = (message: string) => ({ status: 'fail' as const, message });
const day = (d: Date) => d.toISOString().slice(0, 10);

/** ISO-8601 duration (PnYnMnWnDTnHnMnS) in ms, approximating months as 30 and years as 365 days. */
export function isoDurationMs(v: string): number | null {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(v);
  if (!m || v === 'P' || v.endsWith('T')) return null;
  const n = (i: number) => Number(m[i] ?? 0);
  return ((((n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4)) * 24 + n(5)) * 60 + n(6)) * 60 + n(7)) * 1000;
}

export const PREFLIGHT_CHECKS: readonly Check[] = [
  {
    name: 'certificateValidForEntra',
    title: 'Certificate valid for Entra ID',
    run: ({ certificate: c }) => {
      if (c.errors[0]) return fail(c.errors[0].message);
      if (c.warnings[0]) return warn(c.warnings.map((w) => w.message).join(' '));
      return pass(`RSA certificate ${c.sha1}, valid ${day(c.notBefore)} – ${day(c.notAfter)}.`);
    },
  },
  {
    name: 'trustworthyReplacement',
    title: 'A certificate Rekey can vouch for',
    run: ({ certificate: c }) =>
      c.untrusted
        ? fail(`This certificate cannot be a replacement. ${c.untrusted} Choose another one.`)
        : pass('It is not on an advisory and was not found as an unknown credential in any tenant.'),
  },
  {
    name: 'notCurrentCertificate',
    title: 'A different certificate',
    run: ({ certificate, connector }) =>
      connector.currentSha1 === certificate.sha1
        ? fail(`${certificate.sha1} is already the current certificate of ${connector.displayName}; choose a new one.`)
        : pass('The certificate differs from the current one.'),
  },
  {
    name: 'nothingElseRotating',
    title: 'Nothing else rotating this connector',
    run: ({ activeRotation: a, connector }) =>
      a
        ? fail(
            `${connector.displayName} already has an active rotation (${a.id}, ${a.state} at step ${a.step}, started by ${a.actorLabel || 'system'}); wait for it or cancel it.`,
          )
        : pass('No other rotation is active for this connector.'),
  },
  {
    name: 'consentAndPermissions',
    title: 'Consent and permissions',
    run: ({ roles, recreate, tenantName, connector }) => {
      if (unreadable(roles)) return fail(`Rekey could not get a token for ${tenantName}: ${roles.error}`);
      const write = permits('writeApplications', roles);
      if (write === 'no')
        return fail(
          `Rekey's management app lacks ${needLabel('writeApplications')} in ${tenantName}${roles.includes('Directory.ReadWrite.All') ? ' (Directory.ReadWrite.All does not allow updating applications)' : ''}; configure it on the management app and ask a Global Administrator to grant admin consent again.`,
        );
      if (recreate && permits('writeAppRoleAssignments', roles) === 'no')
        return fail(
          `Recreating the connection needs ${needLabel('writeAppRoleAssignments')} in ${tenantName} to restore consent.`,
        );
      if (write === 'if-owner')
        return warn(
          `Least-privilege mode: Rekey holds ${OWNED_BY} (not Application.ReadWrite.All) in ${tenantName}, so it can change ${connector.displayName} only if Rekey's service principal is an owner of its application; otherwise Graph answers 403. Add it as owner (Entra admin center › App registrations › Owners) or grant Application.ReadWrite.All.`,
        );
      return pass('Rekey is consented with the permissions this rotation needs.');
    },
  },
  {
    name: 'connectionExists',
    title: 'Connection present in the tenant',
    run: ({ connection, mode, connector }) => {
      if (unreadable(connection)) return fail(`Could not read the connection: ${connection.error}`);
      if (connection.appExists)
        return pass(`${connector.displayName} exists with ${connection.credentials.length} certificate credential(s).`);
      return mode === 'rotate'
        ? fail(
            `The application of ${connector.displayName} no longer exists in the tenant; choose Re-establish connection to recreate it.`,
          )
        : warn(
            `The application of ${connector.displayName} no longer exists; re-establishing will recreate it from the inventory.`,
          );
    },
  },
  {
    name: 'credentialHolderWritable',
    title: 'Rekey may change the credential',
    run: ({ holderAccess: h, recreate, connector, tenantName }) => {
      if (!h) return pass('The credential is on the application.');
      if (h.on === 'servicePrincipal' && recreate)
        return fail(
          `${connector.displayName} is the vendor's own multi-tenant app, present here only as a service principal; Rekey cannot delete and recreate it. Replace its credential instead.`,
        );
      if (h.lock?.state === 'locked')
        return { ...fail(instanceLockMessage(connector.displayName, tenantName)), detail: h.lock.detail };
      if (h.ownership && unreadable(h.ownership))
        return warn(
          `Could not read the owners of the ${h.on === 'application' ? 'application' : 'service principal'}: ${h.ownership.error}`,
        );
      if (h.ownership && !h.ownership.owner)
        return fail(ownershipMessage(connector.displayName, tenantName, h.on, h.ownership.servicePrincipalId));
      if (h.lock?.state === 'unknown')
        return warn(
          `Could not tell whether the vendor locked credential changes on the service principal: ${h.lock.detail}`,
        );
      const where =
        h.on === 'servicePrincipal'
          ? 'The credential is on the service principal (the vendor’s multi-tenant app), which is not locked'
          : 'The credential is on the application';
      return pass(`${where}${h.ownership ? '; Rekey’s service principal owns it (least-privilege mode)' : ''}.`);
    },
  },
  {
    name: 'proofOfPossession',
    title: 'How the new key is added',
    run: ({ addPath, mode, recreate }) => {
      if (recreate) return pass('The new certificate is set when the application is created.');
      if (mode === 'reestablish')
        return {
          ...warn(
            'The old credential is removed first, then Rekey writes the new certificate into the application’s list of certificates.',
          ),
          detail:
            'Microsoft Graph: PATCH of keyCredentials (read-modify-write), since no current key remains to prove possession with.',
        };
      if (!addPath) return warn('Could not tell how the key will be added (the connection could not be read).');
      return addPath.path === 'addKey'
        ? {
            ...pass('Rekey adds the new certificate beside the current one, proving it holds the current key.'),
            detail: `Microsoft Graph: addKey with proof of possession — ${addPath.reason}.`,
          }
        : {
            ...warn(
              'Rekey rewrites the application’s list of certificates to add the new one (it cannot prove it holds the current key). A change made in the tenant at the same moment could be overwritten.',
            ),
            detail: `Microsoft Graph: PATCH of keyCredentials (read-modify-write), no proof of possession possible — ${addPath.reason}.`,
          };
    },
  },
  {
    name: 'appManagementPolicy',
    title: 'Tenant app-management policy accepts the lifetime',
    run: ({ policy, certificate, connection, recreate, now }) => {
      if (policy === null)
        return warn(
          "Rekey may not read the tenant's app-management policy (Policy.Read.All); a lifetime restriction would only show when adding the key.",
        );
      if (unreadable(policy)) return warn(`Could not read the tenant's app-management policy: ${policy.error}`);
      if (!policy.enabled || !policy.maxLifetime) return pass('No certificate lifetime restriction applies.');
      const created = recreate ? now.toISOString() : unreadable(connection) ? null : connection.appCreatedDateTime;
      if (
        policy.restrictForAppsCreatedAfter &&
        created &&
        Date.parse(created) < Date.parse(policy.restrictForAppsCreatedAfter)
      ) {
        return pass(
          `The lifetime restriction (${policy.maxLifetime}) only applies to apps created after ${policy.restrictForAppsCreatedAfter}.`,
        );
      }
      const max = isoDurationMs(policy.maxLifetime);
      if (max === null) return warn(`The policy's maximum lifetime "${policy.maxLifetime}" could not be read.`);
      const lifetime = certificate.notAfter.getTime() - certificate.notBefore.getTime();
      return lifetime > max
        ? fail(
            `The certificate is valid for ${Math.round(lifetime / 86_400_000)} days but the tenant's app-management policy allows at most ${policy.maxLifetime}; Graph would refuse it (CredentialInvalidLifetimeAsPerAppPolicy). Use a shorter-lived certificate or ask the tenant to exempt the app.`,
          )
        : pass(`The certificate's lifetime is within the tenant's maximum (${policy.maxLifetime}).`);
    },
  },
];

export function evaluatePreflight(f: PreflightFacts): { ok: boolean; checks: PreflightCheck[] } {
  const checks = PREFLIGHT_CHECKS.map((c) => ({ name: c.name, title: c.title, ...c.run(f) }));
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}
