// Which app roles (or delegated scopes) each operation accepts, as Microsoft's Graph reference lists
// them for application permissions (least privileged first; sources in sim/README.md). Graph checks
// the token's roles literally: a broader permission the page does not list does not allow the call
// (Directory.ReadWrite.All cannot update an application). Rekey's lib/graph/permissions.ts holds
// the same rules; lib/graph/permissions.test.ts compares them.
import type { GraphCaller } from './graph-http';
import { forbidden } from './graph-http';
import { delegatedRoleAllows } from './delegated-roles';

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
