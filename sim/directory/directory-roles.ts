// Microsoft Entra built-in directory roles the simulator models, by their (public, fixed) role
// template ids, as tokens carry them in the `wids` claim. Source: "Microsoft Entra built-in roles"
// (https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/permissions-reference).

export const DIRECTORY_ROLES = {
  globalAdministrator: { id: '62e90394-69f5-4237-9190-012177145e10', displayName: 'Global Administrator' },
  privilegedRoleAdministrator: {
    id: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
    displayName: 'Privileged Role Administrator',
  },
  applicationAdministrator: { id: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', displayName: 'Application Administrator' },
  cloudApplicationAdministrator: {
    id: '158c047a-c907-4556-b7ef-446551a6b5f7',
    displayName: 'Cloud Application Administrator',
  },
} as const;

/** The template id every member user's token carries in `wids` ("User"). */
export const MEMBER_USER_ROLE_ID = 'b79fbf4d-3ef9-4689-8143-76b194e85509';

const R = DIRECTORY_ROLES;

/**
 * Roles that may manage any application and service principal (credentials, properties, delete,
 * create): Application Administrator and Cloud Application Administrator, and Global Administrator.
 */
export const MANAGE_APPS_ROLES: readonly string[] = [
  R.globalAdministrator.id,
  R.applicationAdministrator.id,
  R.cloudApplicationAdministrator.id,
];

/**
 * Roles that may grant app roles of Microsoft Graph (appRoleAssignments) and manage delegated
 * permission grants for any API: Global Administrator and Privileged Role Administrator
 * ("Grant tenant-wide admin consent to an application": app roles of Microsoft Graph need one of these).
 */
export const GRANT_APP_ROLES_ROLES: readonly string[] = [R.globalAdministrator.id, R.privilegedRoleAdministrator.id];

/**
 * Roles that may grant tenant-wide admin consent to delegated permissions (and delete delegated
 * permission grants): the four above.
 */
export const ADMIN_CONSENT_ROLES: readonly string[] = [
  R.globalAdministrator.id,
  R.privilegedRoleAdministrator.id,
  R.applicationAdministrator.id,
  R.cloudApplicationAdministrator.id,
];

export function holdsAny(roles: readonly string[] | undefined, allowed: readonly string[]): boolean {
  return (roles ?? []).some((r) => allowed.includes(r));
}
