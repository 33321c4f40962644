/**
 * The application permissions (app roles on Microsoft Graph) each Graph operation Rekey performs
 * needs, as Microsoft's Graph reference documents them — ONE table, used by preflight, the consent
 * check, the 403 messages and the README. `sim/graph/permissions.ts` enforces the same rules;
 * `permissions.test.ts` compares the two.
 *
 * Microsoft's permission tables list application permissions "least privileged" first; any one of
 * them allows the call. `Application.ReadWrite.OwnedBy` only allows it on applications / service
 * principals the caller's service principal owns (the least-privilege mode: Rekey's service
 * principal made owner of each connector application). Graph checks the token's `roles` claim
 * against the table literally — a broader permission that is not listed (e.g.
 * `Directory.ReadWrite.All` for updating an application) does NOT allow the call.
 */

export const OWNED_BY = 'Application.ReadWrite.OwnedBy';

export interface PermissionRule {
  /** Application permissions that allow the operation, least privileged first (any one suffices). */
  anyOf: readonly string[];
  /** A second permission the call also needs (any one of these), when Microsoft lists a pair. */
  alsoAnyOf?: readonly string[];
  /** `Application.ReadWrite.OwnedBy` allows the call only on objects the caller's service principal owns. */
  ownedByNeedsOwnership: boolean;
  /** What Rekey asks for by default (the README's configuration list). */
  recommended: string;
  /** Why Rekey needs it (README, Settings). */
  why: string;
  /** Microsoft's reference page(s) for the table. */
  sources: readonly { title: string; url: string }[];
}

const READ_APPS = [
  'Application.Read.All',
  OWNED_BY,
  'Application.ReadWrite.All',
  'Directory.Read.All',
] as const satisfies readonly string[];

export const GRAPH_PERMISSIONS = {
  readApplications: {
    anyOf: READ_APPS,
    // "Application.ReadWrite.OwnedBy allows GET /applications … to list all applications in the tenant."
    ownedByNeedsOwnership: false,
    recommended: 'Application.Read.All',
    why: 'Discovery and every rotation step read the connector applications and service principals, with their keyCredentials (GET /applications, /servicePrincipals). Covered by Application.ReadWrite.All, so it needs no separate grant when that is configured.',
    sources: [
      {
        title: 'List applications',
        url: 'https://learn.microsoft.com/en-us/graph/api/application-list?view=graph-rest-1.0',
      },
      {
        title: 'List servicePrincipals',
        url: 'https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list?view=graph-rest-1.0',
      },
    ],
  },
  readFederatedCredentials: {
    // List federatedIdentityCredentials does not list Directory.Read.All.
    anyOf: ['Application.Read.All', OWNED_BY, 'Application.ReadWrite.All'],
    ownedByNeedsOwnership: false,
    recommended: 'Application.Read.All',
    why: "Discovery and the drift scan read each connector application's federated identity credentials (GET /applications/{id}/federatedIdentityCredentials): a certificate connector needs none, so one there is drift. Covered by Application.ReadWrite.All.",
    sources: [
      {
        title: 'List federatedIdentityCredentials',
        url: 'https://learn.microsoft.com/en-us/graph/api/application-list-federatedidentitycredentials?view=graph-rest-1.0',
      },
    ],
  },
  writeApplications: {
    // Update application lists OwnedBy and Application.ReadWrite.All only (Directory.ReadWrite.All is
    // not accepted); addKey/removeKey also list Directory.ReadWrite.All, but a rotation may need PATCH.
    anyOf: [OWNED_BY, 'Application.ReadWrite.All'],
    ownedByNeedsOwnership: true,
    recommended: 'Application.ReadWrite.All',
    why: 'A rotation adds the new certificate and removes the old one on the connector application (PATCH keyCredentials or addKey/removeKey); re-establishing a connection deletes and recreates the application and its service principal; removing an unknown client secret (removePassword) or federated credential (DELETE) needs it too.',
    sources: [
      {
        title: 'Update application',
        url: 'https://learn.microsoft.com/en-us/graph/api/application-update?view=graph-rest-1.0',
      },
      {
        title: 'application: addKey',
        url: 'https://learn.microsoft.com/en-us/graph/api/application-addkey?view=graph-rest-1.0',
      },
      {
        title: 'application: removePassword',
        url: 'https://learn.microsoft.com/en-us/graph/api/application-removepassword?view=graph-rest-1.0',
      },
      {
        title: 'Delete federatedIdentityCredential',
        url: 'https://learn.microsoft.com/en-us/graph/api/federatedidentitycredential-delete?view=graph-rest-1.0',
      },
      {
        title: 'Delete servicePrincipal',
        url: 'https://learn.microsoft.com/en-us/graph/api/serviceprincipal-delete?view=graph-rest-1.0',
      },
    ],
  },
  createApplications: {
    // With OwnedBy the caller becomes the owner of what it creates.
    anyOf: [OWNED_BY, 'Application.ReadWrite.All'],
    ownedByNeedsOwnership: false,
    recommended: 'Application.ReadWrite.All',
    why: 'Re-establishing a compromised connection creates a new connector application.',
    sources: [
      {
        title: 'Create application',
        url: 'https://learn.microsoft.com/en-us/graph/api/application-post-applications?view=graph-rest-1.0',
      },
    ],
  },
  createServicePrincipals: {
    anyOf: [OWNED_BY, 'Application.ReadWrite.All', 'Directory.ReadWrite.All'],
    ownedByNeedsOwnership: true,
    recommended: 'Application.ReadWrite.All',
    why: "Re-establishing a connection creates the new application's service principal in the tenant.",
    sources: [
      {
        title: 'Create servicePrincipal',
        url: 'https://learn.microsoft.com/en-us/graph/api/serviceprincipal-post-serviceprincipals?view=graph-rest-1.0',
      },
    ],
  },
  writeAppRoleAssignments: {
    anyOf: ['AppRoleAssignment.ReadWrite.All'],
    // Microsoft lists "AppRoleAssignment.ReadWrite.All and Application.Read.All" (or "… and
    // Directory.Read.All"): the second half reads the service principals involved, which any of the
    // permissions that read service principals covers.
    alsoAnyOf: READ_APPS,
    ownedByNeedsOwnership: false,
    recommended: 'AppRoleAssignment.ReadWrite.All',
    why: "Re-establishing a connection grants the new service principal the connector's application permissions again (app role assignments); Directory.ReadWrite.All does not cover it.",
    sources: [
      {
        title: 'Grant an appRoleAssignment to a service principal',
        url: 'https://learn.microsoft.com/en-us/graph/api/serviceprincipal-post-approleassignments?view=graph-rest-1.0',
      },
      {
        title: 'Grant an appRoleAssignment for a service principal',
        url: 'https://learn.microsoft.com/en-us/graph/api/serviceprincipal-post-approleassignedto?view=graph-rest-1.0',
      },
    ],
  },
  readOrganization: {
    anyOf: ['Organization.Read.All', 'Directory.Read.All', 'Organization.ReadWrite.All', 'Directory.ReadWrite.All'],
    ownedByNeedsOwnership: false,
    recommended: 'Organization.Read.All',
    why: "The consent check and onboarding read the tenant's name and verified domains (GET /organization).",
    sources: [
      {
        title: 'List organization',
        url: 'https://learn.microsoft.com/en-us/graph/api/organization-list?view=graph-rest-1.0',
      },
    ],
  },
  readSignIns: {
    anyOf: ['AuditLog.Read.All', 'Directory.Read.All'],
    ownedByNeedsOwnership: false,
    recommended: 'AuditLog.Read.All',
    why: 'Optional: evidence of which certificate signed in from where (GET /beta/auditLogs/signIns); also needs an Entra ID P1/P2 licence in the tenant.',
    sources: [
      { title: 'List signIns', url: 'https://learn.microsoft.com/en-us/graph/api/signin-list?view=graph-rest-beta' },
    ],
  },
  readAppManagementPolicy: {
    anyOf: ['Policy.Read.All', 'Policy.Read.ApplicationConfiguration', 'Policy.ReadWrite.ApplicationConfiguration'],
    ownedByNeedsOwnership: false,
    recommended: 'Policy.Read.All',
    why: "Optional: preflight reads the tenant's app-management policy to catch a certificate lifetime Graph would refuse.",
    sources: [
      {
        title: 'Get tenantAppManagementPolicy',
        url: 'https://learn.microsoft.com/en-us/graph/api/tenantappmanagementpolicy-get?view=graph-rest-1.0',
      },
    ],
  },
} as const satisfies Record<string, PermissionRule>;

export type PermissionNeed = keyof typeof GRAPH_PERMISSIONS;

/** Needed in every tenant for scans and rotations. */
export const REQUIRED_NEEDS = [
  'readOrganization',
  'readApplications',
  'readFederatedCredentials',
  'writeApplications',
] as const satisfies readonly PermissionNeed[];
/** Used when granted (sign-in evidence, re-establishing a connection, the lifetime policy check). */
export const OPTIONAL_NEEDS = [
  'readSignIns',
  'createApplications',
  'createServicePrincipals',
  'writeAppRoleAssignments',
  'readAppManagementPolicy',
] as const satisfies readonly PermissionNeed[];

/** Every permission Rekey's management app should be configured with (the least-privilege variant swaps Application.ReadWrite.All for OwnedBy). */
export const RECOMMENDED_PERMISSIONS: readonly string[] = [
  ...new Set(Object.values(GRAPH_PERMISSIONS).map((r) => r.recommended)),
];

export type Permits = 'yes' | 'if-owner' | 'no';

/**
 * Whether granted `roles` allow `need`: 'yes', 'if-owner' (only through
 * Application.ReadWrite.OwnedBy, so only on applications Rekey's service principal owns), or 'no'.
 */
export function permits(need: PermissionNeed, roles: readonly string[]): Permits {
  const rule: PermissionRule = GRAPH_PERMISSIONS[need];
  if (rule.alsoAnyOf && !rule.alsoAnyOf.some((r) => roles.includes(r))) return 'no';
  const granted = rule.anyOf.filter((r) => roles.includes(r));
  if (granted.length === 0) return 'no';
  if (rule.ownedByNeedsOwnership && granted.every((r) => r === OWNED_BY)) return 'if-owner';
  return 'yes';
}

/** "Application.ReadWrite.All (or Application.ReadWrite.OwnedBy as owner of the application)" — for messages. */
export function needLabel(need: PermissionNeed): string {
  const rule: PermissionRule = GRAPH_PERMISSIONS[need];
  const alts = rule.anyOf
    .filter((r) => r !== rule.recommended)
    .map((r) => (r === OWNED_BY && rule.ownedByNeedsOwnership ? `${r} as an owner of the application` : r));
  const main = alts.length ? `${rule.recommended} (or ${alts.join(', ')})` : rule.recommended;
  return rule.alsoAnyOf ? `${main} with ${rule.alsoAnyOf[0]} (or ${rule.alsoAnyOf.slice(1).join(', ')})` : main;
}

/**
 * The least-privileged permission Microsoft lists for `need` when it is not the one Rekey
 * recommends (e.g. Application.ReadWrite.OwnedBy for writing applications), with what it costs.
 */
export function leastPrivilegeAlternative(need: PermissionNeed): { permission: string; condition: string } | null {
  const rule: PermissionRule = GRAPH_PERMISSIONS[need];
  const least = rule.anyOf[0];
  if (!least || least === rule.recommended) return null;
  if (least === OWNED_BY) {
    return {
      permission: least,
      condition: rule.ownedByNeedsOwnership
        ? "only on connector applications Rekey's service principal owns (make it an owner of each)"
        : 'Rekey becomes the owner of what it creates',
    };
  }
  return { permission: least, condition: 'narrower; covers this use only' };
}
