// Which app roles (or delegated scopes) each operation accepts, as Microsoft's Graph reference lists
// them for application permissions (least privileged first; sources in sim/README.md). Graph checks
// the token's roles literally: a broader permission the page does not list does not allow the call
// (Directory.ReadWrite.All cannot update an application). Rekey's lib/graph/permissions.ts holds
// the same rules; lib/graph/permissions.test.ts compares them.
import type { GraphCaller } from './graph-http';
import { forbidden } from './graph-http';
import { GRANT_APP_ROLES_ROLES, MANAGE_APPS_ROLES, DIRECTORY_ROLES, holdsAny } from '../directory/directory-roles';

export const OWNED_BY = 'Application.ReadWrite.OwnedBy';

export interface SimPermissionRule {
  /** Any one of these allows the call. */
  anyOf: readonly string[];
  /** …and also one of these (Microsoft lists a pair, e.g. AppRoleAssignment.ReadWrite.All and Application.Read.All). */
  alsoAnyOf?: readonly string[];
  /** Application.ReadWrite.OwnedBy allows the call only on objects the caller's service principal owns. */
  ownedByNeedsOwnership: boolean;
}

const READ_APPS = ['Application.Read.All', OWNED_BY, 'Application.ReadWrite.All', 'Directory.Read.All'] as const;

export const RULES = {
  /** application-list / application-get / serviceprincipal-list / serviceprincipal-get. */
  readApps: { anyOf: READ_APPS, ownedByNeedsOwnership: false },
  /** application-update, application-delete, serviceprincipal-delete. */
  writeApp: { anyOf: [OWNED_BY, 'Application.ReadWrite.All'], ownedByNeedsOwnership: true },
  /** serviceprincipal-update, serviceprincipal-post-serviceprincipals. */
  writeSp: { anyOf: [OWNED_BY, 'Application.ReadWrite.All', 'Directory.ReadWrite.All'], ownedByNeedsOwnership: true },
  /** serviceprincipal-delete. */
  deleteSp: { anyOf: [OWNED_BY, 'Application.ReadWrite.All'], ownedByNeedsOwnership: true },
  /** application-post-applications: the caller becomes owner of what it creates. */
  createApp: { anyOf: [OWNED_BY, 'Application.ReadWrite.All'], ownedByNeedsOwnership: false },
  /** application-addkey / removekey, serviceprincipal-addkey / removekey, addPassword / removePassword. */
  rollKeys: {
    anyOf: [OWNED_BY, 'Application.ReadWrite.All', 'Directory.ReadWrite.All'],
    ownedByNeedsOwnership: true,
  },
  /** application-addpassword / -removepassword, serviceprincipal-addpassword / -removepassword (no self exemption). */
  rollPasswords: {
    anyOf: [OWNED_BY, 'Application.ReadWrite.All', 'Directory.ReadWrite.All'],
    ownedByNeedsOwnership: true,
  },
  /** application-list-federatedidentitycredentials. */
  listFederatedCredentials: {
    anyOf: ['Application.Read.All', OWNED_BY, 'Application.ReadWrite.All'],
    ownedByNeedsOwnership: false,
  },
  /** federatedidentitycredential-get / -delete, application-post-federatedidentitycredentials. */
  writeFederatedCredentials: { anyOf: [OWNED_BY, 'Application.ReadWrite.All'], ownedByNeedsOwnership: true },
  readOrg: {
    anyOf: ['Organization.Read.All', 'Directory.Read.All', 'Organization.ReadWrite.All', 'Directory.ReadWrite.All'],
    ownedByNeedsOwnership: false,
  },
  readSignIns: { anyOf: ['AuditLog.Read.All', 'Directory.Read.All'], ownedByNeedsOwnership: false },
  readAssignments: {
    anyOf: [
      'Application.Read.All',
      'AppRoleAssignment.ReadWrite.All',
      'Application.ReadWrite.All',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
    ],
    ownedByNeedsOwnership: false,
  },
  /** serviceprincipal-post-approleassignments / -approleassignedto, and their DELETE. */
  writeAssignments: {
    anyOf: ['AppRoleAssignment.ReadWrite.All'],
    alsoAnyOf: READ_APPS,
    ownedByNeedsOwnership: false,
  },
  readPolicy: {
    anyOf: ['Policy.Read.All', 'Policy.Read.ApplicationConfiguration', 'Policy.ReadWrite.ApplicationConfiguration'],
    ownedByNeedsOwnership: false,
  },
  writePolicy: { anyOf: ['Policy.ReadWrite.ApplicationConfiguration'], ownedByNeedsOwnership: false },
} as const satisfies Record<string, SimPermissionRule>;

function granted(caller: GraphCaller): string[] {
  return caller.token.isAppOnly ? caller.token.roles : [...caller.token.scopes, ...caller.token.roles];
}

export function hasAny(caller: GraphCaller, perms: readonly string[]): boolean {
  const g = granted(caller);
  return perms.some((p) => g.includes(p));
}

/**
 * Does the caller satisfy `rule`? `owners` are the object ids owning the target (application
 * owners); without them (lists, creation) OwnedBy counts only when the rule needs no ownership.
 */
export function allows(caller: GraphCaller, rule: SimPermissionRule, owners?: readonly string[]): boolean {
  if (!permissionAllows(caller, rule, owners)) return false;
  // Delegated calls also need the signed-in user to be allowed (sim/graph/delegated-roles.ts).
  return caller.token.isAppOnly || delegatedRoleAllows(caller, rule, owners);
}

function permissionAllows(caller: GraphCaller, rule: SimPermissionRule, owners?: readonly string[]): boolean {
  const g = granted(caller);
  if (rule.alsoAnyOf && !rule.alsoAnyOf.some((p) => g.includes(p))) return false;
  const hits = rule.anyOf.filter((p) => g.includes(p));
  if (hits.some((p) => p !== OWNED_BY)) return true;
  if (hits.length === 0) return false;
  return !rule.ownedByNeedsOwnership || (owners !== undefined && callerIsOwner(caller, owners));
}

export function requireRule(caller: GraphCaller, rule: SimPermissionRule, owners?: readonly string[]): void {
  if (!allows(caller, rule, owners)) throw forbidden();
}

/** The caller's service principal object id in this tenant (app-only tokens). */
export function callerIsOwner(caller: GraphCaller, owners: readonly string[]): boolean {
  return owners.includes(caller.token.oid);
}

// Delegated calls: Microsoft Graph allows a call made with a user's token only when the token's
// `scp` holds the permission AND the signed-in user may do it themselves — through a directory role
// or by owning the object ("Delegated permissions": the app can act only within the user's own
// privileges; "Microsoft Entra built-in roles" for what each role may do). Sources in sim/README.md.

type UserNeed = 'member' | 'manageAppsOrOwner' | 'grantAppRoles' | 'globalAdmin';

/** What the user must be for each rule; rules not listed need only a member user. */
function needOf(rule: SimPermissionRule): UserNeed {
  if (
    rule === RULES.writeApp ||
    rule === RULES.writeSp ||
    rule === RULES.deleteSp ||
    rule === RULES.rollKeys ||
    rule === RULES.rollPasswords ||
    rule === RULES.writeFederatedCredentials
  )
    return 'manageAppsOrOwner';
  if (rule === RULES.writeAssignments) return 'grantAppRoles';
  if (rule === RULES.writePolicy || rule === RULES.readSignIns) return 'globalAdmin';
  // readApps, readAssignments, readOrg, readPolicy: default user permissions read these;
  // createApp: "Users can register applications" is on by default.
  return 'member';
}

export function delegatedRoleAllows(caller: GraphCaller, rule: SimPermissionRule, owners?: readonly string[]): boolean {
  const user = caller.tenant.users.get(caller.token.oid);
  if (!user) return false;
  switch (needOf(rule)) {
    case 'member':
      return true;
    case 'manageAppsOrOwner':
      return holdsAny(user.directoryRoles, MANAGE_APPS_ROLES) || (owners ?? []).includes(user.id);
    case 'grantAppRoles':
      return holdsAny(user.directoryRoles, GRANT_APP_ROLES_ROLES);
    case 'globalAdmin':
      return holdsAny(user.directoryRoles, [DIRECTORY_ROLES.globalAdministrator.id]);
  }
}
