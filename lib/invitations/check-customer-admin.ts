/**
 * May the signed-in customer carry out the invitation's plan? An ordered list of small pure
 * checks, first failure wins, each with the exact message the customer reads (ADR 027):
 * the invited tenant, then the role the plan needs — rotating a key on an existing app:
 * Application Administrator, Cloud Application Administrator, Global Administrator, or owner of
 * the app; re-establishing with app-role grants: Global Administrator or Privileged Role
 * Administrator (who may grant app roles), plus the right to delete and create the app.
 */
export const ROLE_IDS = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  privilegedRoleAdministrator: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  applicationAdministrator: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  cloudApplicationAdministrator: '158c047a-c907-4556-b7ef-446551a6b5f7',
} as const;

const ROLE_NAMES: Record<string, string> = {
  [ROLE_IDS.globalAdministrator]: 'Global Administrator',
  [ROLE_IDS.privilegedRoleAdministrator]: 'Privileged Role Administrator',
  [ROLE_IDS.applicationAdministrator]: 'Application Administrator',
  [ROLE_IDS.cloudApplicationAdministrator]: 'Cloud Application Administrator',
};

export type Plan = 'rotate' | 'reestablish';

export interface CustomerFacts {
  upn: string;
  /** `tid` of the signed-in account. */
  tenantId: string;
  /** Directory role template ids (`wids`). */
  roleIds: readonly string[];
  /** Whether the user owns the connector's application (null: unknown / no application yet). */
  ownsApplication: boolean | null;
}

export interface InvitedTenant {
  entraTenantId: string | null;
  tenantDomain: string | null;
  /** The signed-in tenant's verified domains, when the invitation names only a domain. */
  signedInDomains?: readonly string[];
  displayName: string;
}

export type CustomerCheck =
  { ok: true; roles: string[] } | { ok: false; reason: 'WRONG_TENANT' | 'INSUFFICIENT_ROLE'; message: string };

export function roleNames(ids: readonly string[]): string[] {
  return ids.map((id) => ROLE_NAMES[id]).filter((n): n is string => n !== undefined);
}

export function checkCustomerAdmin(facts: CustomerFacts, invited: InvitedTenant, plan: Plan): CustomerCheck {
  const sameTenant = invited.entraTenantId
    ? invited.entraTenantId.toLowerCase() === facts.tenantId.toLowerCase()
    : !!invited.tenantDomain &&
      (invited.signedInDomains ?? []).some((d) => d.toLowerCase() === invited.tenantDomain!.toLowerCase());
  if (!sameTenant) {
    return {
      ok: false,
      reason: 'WRONG_TENANT',
      message: `You signed in as ${facts.upn} in tenant ${facts.tenantId}, but this invitation is for ${invited.displayName}${invited.entraTenantId ? ` (tenant ${invited.entraTenantId})` : ''}. Sign in with an administrator account of ${invited.displayName}.`,
    };
  }
  const has = (id: string) => facts.roleIds.includes(id);
  const manageApps =
    has(ROLE_IDS.globalAdministrator) ||
    has(ROLE_IDS.applicationAdministrator) ||
    has(ROLE_IDS.cloudApplicationAdministrator) ||
    facts.ownsApplication === true;
  const held = roleNames(facts.roleIds);
  const heldText = held.length ? `holds ${held.join(', ')}` : 'holds no administrator role';
  if (plan === 'rotate' && !manageApps) {
    return {
      ok: false,
      reason: 'INSUFFICIENT_ROLE',
      message: `${facts.upn} ${heldText} and does not own the connection's application. Replacing its certificate needs Application Administrator, Cloud Application Administrator or Global Administrator, or ownership of the application. Ask someone with one of these roles to open the link.`,
    };
  }
  if (plan === 'reestablish') {
    const grant = has(ROLE_IDS.globalAdministrator) || has(ROLE_IDS.privilegedRoleAdministrator);
    if (!grant || !manageApps) {
      return {
        ok: false,
        reason: 'INSUFFICIENT_ROLE',
        message: `${facts.upn} ${heldText}. Re-establishing the connection deletes and re-creates its application and grants its app roles: that needs Global Administrator, or Privileged Role Administrator together with Application Administrator or Cloud Application Administrator. Ask someone with these roles to open the link.`,
      };
    }
  }
  return { ok: true, roles: held };
}
