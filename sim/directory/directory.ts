// The simulator's in-memory directory: tenants and the Entra objects in them, indexed for O(1) lookups.
import crypto from 'node:crypto';
import {
  EXCHANGE_ONLINE_APP_ID,
  EXCHANGE_APP_ROLE_DEFS,
  GRAPH_APP_ROLE_DEFS,
  MICROSOFT_GRAPH_APP_ID,
  MICROSOFT_TENANT_ID,
  type AppRoleDef,
} from './well-known';

export interface KeyCredentialRecord {
  keyId: string;
  /** Raw bytes; serialized as standard base64. */
  customKeyIdentifier: Buffer | null;
  displayName: string | null;
  startDateTime: string;
  endDateTime: string;
  type: string;
  usage: string;
  /** DER of the certificate (for AsymmetricX509Cert). */
  key: Buffer | null;
}

export interface PasswordCredentialRecord {
  keyId: string;
  customKeyIdentifier: Buffer | null;
  displayName: string | null;
  startDateTime: string;
  endDateTime: string;
  hint: string | null;
  /** SHA-256 of the secret text; the text itself is only returned once by addPassword. */
  secretSha256: string;
}

/** federatedIdentityCredential (workload identity federation): an application's trust in an external issuer. */
export interface FederatedIdentityCredentialRecord {
  id: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  description: string | null;
}

export interface ApplicationRecord {
  id: string;
  appId: string;
  /** The tenant holding the application object (its home tenant). */
  tenantId: string;
  displayName: string;
  description: string | null;
  notes: string | null;
  createdDateTime: string;
  signInAudience: string;
  publisherDomain: string | null;
  identifierUris: string[];
  tags: string[];
  keyCredentials: KeyCredentialRecord[];
  passwordCredentials: PasswordCredentialRecord[];
  requiredResourceAccess: { resourceAppId: string; resourceAccess: { id: string; type: string }[] }[];
  appRoles: AppRoleDef[];
  web: { redirectUris: string[]; homePageUrl: string | null; logoutUrl: string | null };
  /** Object ids (service principals or users) owning the app, for Application.ReadWrite.OwnedBy. */
  owners: string[];
  /** Client-provided alternate key (upsert: PATCH /applications(uniqueName='…')); immutable once set. */
  uniqueName?: string | null;
  /** `/applications/{id}/federatedIdentityCredentials` (sim/graph/federated-credentials.ts); absent = none. */
  federatedIdentityCredentials?: FederatedIdentityCredentialRecord[];
  /** App instance property lock: what may not change on this app's service principals in other tenants. */
  servicePrincipalLockConfiguration?: ServicePrincipalLockConfiguration | null;
}

/** servicePrincipalLockConfiguration (https://learn.microsoft.com/en-us/graph/api/resources/serviceprincipallockconfiguration). */
export interface ServicePrincipalLockConfiguration {
  isEnabled: boolean;
  allProperties: boolean | null;
  credentialsWithUsageVerify: boolean | null;
  credentialsWithUsageSign: boolean | null;
  tokenEncryptionKeyId: boolean | null;
}

export interface ServicePrincipalRecord {
  id: string;
  appId: string;
  tenantId: string;
  displayName: string;
  appDisplayName: string;
  appDescription: string | null;
  appOwnerOrganizationId: string;
  accountEnabled: boolean;
  servicePrincipalType: string;
  servicePrincipalNames: string[];
  appRoles: AppRoleDef[];
  appRoleAssignmentRequired: boolean;
  keyCredentials: KeyCredentialRecord[];
  passwordCredentials: PasswordCredentialRecord[];
  tags: string[];
  notes: string | null;
  replyUrls: string[];
  /** Record creation time (not a Graph property of servicePrincipal; kept for the simulator's own use). */
  simCreatedDateTime: string;
  /**
   * Simulator state, not a Graph property: the display name of a Conditional Access policy for
   * workload identities that blocks this service principal's token requests (AADSTS53003).
   */
  simConditionalAccessBlock?: string | null;
  /**
   * Owners of this service principal (object ids). For the service principal of an application in
   * another tenant these are its own; in the application's home tenant the application's owners count.
   */
  owners?: string[];
}

export interface AppRoleAssignmentRecord {
  id: string;
  appRoleId: string;
  createdDateTime: string;
  principalDisplayName: string;
  principalId: string;
  principalType: 'ServicePrincipal' | 'User';
  resourceDisplayName: string;
  resourceId: string;
}

export interface UserRecord {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail: string | null;
  /** Directory role template ids the user holds (sim/directory/directory-roles.ts); absent = none. */
  directoryRoles?: string[];
}

/** oAuth2PermissionGrant (delegated permission grant): `clientId` and `resourceId` are service principal ids. */
export interface OAuth2PermissionGrantRecord {
  id: string;
  clientId: string;
  consentType: 'AllPrincipals' | 'Principal';
  principalId: string | null;
  resourceId: string;
  /** Space-separated delegated permission values. */
  scope: string;
}

/** Beta `signIn` shape (signIn resource type, beta: https://learn.microsoft.com/en-us/graph/api/resources/signin?view=graph-rest-beta). Stored as the JSON Graph returns. */
export interface SignInRecord {
  id: string;
  createdDateTime: string;
  appId: string;
  appDisplayName: string;
  servicePrincipalId: string | null;
  servicePrincipalName: string | null;
  userId: string | null;
  userPrincipalName: string | null;
  userDisplayName: string | null;
  ipAddress: string;
  signInEventTypes: string[];
  clientCredentialType: string;
  servicePrincipalCredentialKeyId: string | null;
  servicePrincipalCredentialThumbprint: string | null;
  resourceId: string;
  resourceDisplayName: string;
  resourceServicePrincipalId: string | null;
  resourceTenantId: string;
  homeTenantId: string;
  appOwnerTenantId: string | null;
  isInteractive: boolean;
  correlationId: string;
  uniqueTokenIdentifier: string | null;
  userAgent: string | null;
  status: { errorCode: number; failureReason: string | null; additionalDetails: string | null };
}

export interface AppManagementRestriction {
  restrictionType: string;
  maxLifetime: string | null;
  restrictForAppsCreatedAfterDateTime: string | null;
  state?: string;
}

export interface TenantAppManagementPolicy {
  id: string;
  displayName: string;
  description: string;
  isEnabled: boolean;
  applicationRestrictions: {
    passwordCredentials: AppManagementRestriction[];
    keyCredentials: AppManagementRestriction[];
  };
  servicePrincipalRestrictions: {
    passwordCredentials: AppManagementRestriction[];
    keyCredentials: AppManagementRestriction[];
  };
}

export type TenantSize = 'S' | 'M' | 'L';

export interface TenantRecord {
  id: string;
  displayName: string;
  /** The initial `*.onmicrosoft.com` domain. */
  domain: string;
  region: string;
  countryLetterCode: string;
  premium: boolean;
  size: TenantSize;
  createdDateTime: string;
  policy: TenantAppManagementPolicy;
  applications: Map<string, ApplicationRecord>;
  appsByAppId: Map<string, ApplicationRecord>;
  servicePrincipals: Map<string, ServicePrincipalRecord>;
  spsByAppId: Map<string, ServicePrincipalRecord>;
  assignments: Map<string, AppRoleAssignmentRecord>;
  users: Map<string, UserRecord>;
  usersByUpn: Map<string, UserRecord>;
  oauth2PermissionGrants: Map<string, OAuth2PermissionGrantRecord>;
  /** Oldest first; listed newest first. Capped at SIGN_IN_CAP. */
  signIns: SignInRecord[];
}

export const SIGN_IN_CAP = 5_000;

export function newGuid(): string {
  return crypto.randomUUID();
}

export function defaultAppManagementPolicy(): TenantAppManagementPolicy {
  return {
    id: '00000000-0000-0000-0000-000000000000',
    displayName: 'Default app management tenant policy',
    description:
      'Default tenant policy that enforces app management restrictions on applications and service principals.',
    isEnabled: false,
    applicationRestrictions: { passwordCredentials: [], keyCredentials: [] },
    servicePrincipalRestrictions: { passwordCredentials: [], keyCredentials: [] },
  };
}

interface FirstPartyApp {
  appId: string;
  displayName: string;
  appRoles: AppRoleDef[];
  servicePrincipalNames: string[];
}

export const FIRST_PARTY_APPS: FirstPartyApp[] = [
  {
    appId: MICROSOFT_GRAPH_APP_ID,
    displayName: 'Microsoft Graph',
    appRoles: GRAPH_APP_ROLE_DEFS,
    servicePrincipalNames: [
      MICROSOFT_GRAPH_APP_ID,
      'https://graph.microsoft.com',
      'https://graph.microsoft.us',
      'https://dod-graph.microsoft.us',
      'https://microsoftgraph.chinacloudapi.cn',
      'https://canary.graph.microsoft.com',
    ],
  },
  {
    appId: EXCHANGE_ONLINE_APP_ID,
    displayName: 'Office 365 Exchange Online',
    appRoles: EXCHANGE_APP_ROLE_DEFS,
    servicePrincipalNames: [
      EXCHANGE_ONLINE_APP_ID,
      'https://outlook.office365.com',
      'https://outlook.office.com',
      'https://outlook.office365.us',
      'https://partner.outlook.cn',
    ],
  },
];

export interface CreateTenantInput {
  id?: string;
  displayName: string;
  domain?: string;
  region?: string;
  countryLetterCode?: string;
  premium?: boolean;
  size?: TenantSize;
  createdDateTime?: string;
}

export interface CreateApplicationInput {
  id?: string;
  uniqueName?: string | null;
  appId?: string;
  displayName: string;
  signInAudience?: string;
  keyCredentials?: KeyCredentialRecord[];
  requiredResourceAccess?: ApplicationRecord['requiredResourceAccess'];
  appRoles?: AppRoleDef[];
  redirectUris?: string[];
  owners?: string[];
  tags?: string[];
  createdDateTime?: string;
  description?: string | null;
  notes?: string | null;
  servicePrincipalLockConfiguration?: ServicePrincipalLockConfiguration | null;
}

/** The in-memory store. All maps are indexed so request handlers are O(1) in the fleet size. */
export class Directory {
  readonly tenants = new Map<string, TenantRecord>();
  readonly tenantsByDomain = new Map<string, TenantRecord>();
  /** Application objects by appId, wherever their home tenant is. */
  readonly appsByAppId = new Map<string, ApplicationRecord>();
  /** Graph's authorization codes and refresh tokens for user sign-in. */
  readonly authCodes = new Map<string, AuthCodeRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  /** Bumped on every mutation; the persistence layer watches it. */
  version = 0;
  onChange: (() => void) | null = null;

  touch(): void {
    this.version += 1;
    this.onChange?.();
  }

  clear(): void {
    this.tenants.clear();
    this.tenantsByDomain.clear();
    this.appsByAppId.clear();
    this.authCodes.clear();
    this.refreshTokens.clear();
    this.touch();
  }

  findTenant(idOrDomain: string): TenantRecord | null {
    const key = idOrDomain.toLowerCase();
    return this.tenants.get(key) ?? this.tenantsByDomain.get(key) ?? null;
  }

  createTenant(input: CreateTenantInput): TenantRecord {
    const id = (input.id ?? newGuid()).toLowerCase();
    if (this.tenants.has(id)) throw new Error(`tenant ${id} already exists`);
    const domain = (
      input.domain ?? `${input.displayName.toLowerCase().replace(/[^a-z0-9]/g, '')}.onmicrosoft.com`
    ).toLowerCase();
    const tenant: TenantRecord = {
      id,
      displayName: input.displayName,
      domain,
      region: input.region ?? 'US',
      countryLetterCode: input.countryLetterCode ?? 'US',
      premium: input.premium ?? true,
      size: input.size ?? 'S',
      createdDateTime: input.createdDateTime ?? new Date().toISOString(),
      policy: defaultAppManagementPolicy(),
      applications: new Map(),
      appsByAppId: new Map(),
      servicePrincipals: new Map(),
      spsByAppId: new Map(),
      assignments: new Map(),
      users: new Map(),
      usersByUpn: new Map(),
      oauth2PermissionGrants: new Map(),
      signIns: [],
    };
    this.tenants.set(id, tenant);
    this.tenantsByDomain.set(domain, tenant);
    for (const fp of FIRST_PARTY_APPS) {
      this.insertServicePrincipal(tenant, {
        id: newGuid(),
        appId: fp.appId,
        tenantId: id,
        displayName: fp.displayName,
        appDisplayName: fp.displayName,
        appDescription: null,
        appOwnerOrganizationId: MICROSOFT_TENANT_ID,
        accountEnabled: true,
        servicePrincipalType: 'Application',
        servicePrincipalNames: fp.servicePrincipalNames,
        appRoles: fp.appRoles,
        appRoleAssignmentRequired: false,
        keyCredentials: [],
        passwordCredentials: [],
        tags: [],
        notes: null,
        replyUrls: [],
        simCreatedDateTime: tenant.createdDateTime,
      });
    }
    this.touch();
    return tenant;
  }

  deleteTenant(id: string): boolean {
    const tenant = this.tenants.get(id);
    if (!tenant) return false;
    for (const app of tenant.applications.values()) this.appsByAppId.delete(app.appId);
    this.tenants.delete(id);
    this.tenantsByDomain.delete(tenant.domain);
    this.touch();
    return true;
  }

  createApplication(tenant: TenantRecord, input: CreateApplicationInput): ApplicationRecord {
    const appId = (input.appId ?? newGuid()).toLowerCase();
    if (this.appsByAppId.has(appId)) throw new Error(`application with appId ${appId} already exists`);
    const app: ApplicationRecord = {
      id: (input.id ?? newGuid()).toLowerCase(),
      appId,
      tenantId: tenant.id,
      displayName: input.displayName,
      description: input.description ?? null,
      notes: input.notes ?? null,
      createdDateTime: input.createdDateTime ?? new Date().toISOString(),
      signInAudience: input.signInAudience ?? 'AzureADMyOrg',
      publisherDomain: tenant.domain,
      identifierUris: [],
      tags: input.tags ?? [],
      keyCredentials: input.keyCredentials ?? [],
      passwordCredentials: [],
      requiredResourceAccess: input.requiredResourceAccess ?? [],
      appRoles: input.appRoles ?? [],
      web: { redirectUris: input.redirectUris ?? [], homePageUrl: null, logoutUrl: null },
      owners: input.owners ?? [],
      ...(input.uniqueName ? { uniqueName: input.uniqueName } : {}),
      ...(input.servicePrincipalLockConfiguration
        ? { servicePrincipalLockConfiguration: input.servicePrincipalLockConfiguration }
        : {}),
    };
    tenant.applications.set(app.id, app);
    tenant.appsByAppId.set(app.appId, app);
    this.appsByAppId.set(app.appId, app);
    this.touch();
    return app;
  }

  deleteApplication(tenant: TenantRecord, id: string): boolean {
    const app = tenant.applications.get(id);
    if (!app) return false;
    tenant.applications.delete(id);
    tenant.appsByAppId.delete(app.appId);
    this.appsByAppId.delete(app.appId);
    // Deleting an application also deletes its service principal in the home tenant.
    const sp = tenant.spsByAppId.get(app.appId);
    if (sp) this.deleteServicePrincipal(tenant, sp.id);
    this.touch();
    return true;
  }

  /** Creates the service principal of an existing application (or first-party app) in `tenant`. */
  createServicePrincipal(
    tenant: TenantRecord,
    appId: string,
    extra: Partial<ServicePrincipalRecord> = {},
  ): ServicePrincipalRecord {
    const app = this.appsByAppId.get(appId.toLowerCase());
    if (!app) throw new Error(`no application with appId ${appId}`);
    const existing = tenant.spsByAppId.get(app.appId);
    if (existing) return existing;
    const sp: ServicePrincipalRecord = {
      id: newGuid(),
      appId: app.appId,
      tenantId: tenant.id,
      displayName: app.displayName,
      appDisplayName: app.displayName,
      appDescription: app.description,
      appOwnerOrganizationId: app.tenantId,
      accountEnabled: true,
      servicePrincipalType: 'Application',
      servicePrincipalNames: [app.appId, ...app.identifierUris],
      appRoles: app.appRoles,
      appRoleAssignmentRequired: false,
      keyCredentials: [],
      passwordCredentials: [],
      tags: [],
      notes: null,
      replyUrls: app.web.redirectUris,
      simCreatedDateTime: new Date().toISOString(),
      ...extra,
    };
    this.insertServicePrincipal(tenant, sp);
    this.touch();
    return sp;
  }

  insertServicePrincipal(tenant: TenantRecord, sp: ServicePrincipalRecord): void {
    tenant.servicePrincipals.set(sp.id, sp);
    tenant.spsByAppId.set(sp.appId, sp);
  }

  deleteServicePrincipal(tenant: TenantRecord, id: string): boolean {
    const sp = tenant.servicePrincipals.get(id);
    if (!sp) return false;
    tenant.servicePrincipals.delete(id);
    tenant.spsByAppId.delete(sp.appId);
    // App role assignments granted to or by the SP go with it, and so do its delegated permission grants.
    for (const [aid, a] of tenant.assignments) {
      if (a.principalId === id || a.resourceId === id) tenant.assignments.delete(aid);
    }
    for (const [gid, g] of tenant.oauth2PermissionGrants) {
      if (g.clientId === id || g.resourceId === id) tenant.oauth2PermissionGrants.delete(gid);
    }
    this.touch();
    return true;
  }

  grantAppRole(
    tenant: TenantRecord,
    principal: ServicePrincipalRecord | UserRecord,
    resource: ServicePrincipalRecord,
    appRoleId: string,
  ): AppRoleAssignmentRecord {
    for (const a of tenant.assignments.values()) {
      if (a.principalId === principal.id && a.resourceId === resource.id && a.appRoleId === appRoleId) return a;
    }
    const isSp = 'appId' in principal;
    const assignment: AppRoleAssignmentRecord = {
      id: crypto.randomBytes(24).toString('base64url'),
      appRoleId,
      createdDateTime: new Date().toISOString(),
      principalDisplayName: principal.displayName,
      principalId: principal.id,
      principalType: isSp ? 'ServicePrincipal' : 'User',
      resourceDisplayName: resource.displayName,
      resourceId: resource.id,
    };
    tenant.assignments.set(assignment.id, assignment);
    this.touch();
    return assignment;
  }

  /** App role values granted to `principalId` on `resource`. */
  rolesOf(tenant: TenantRecord, principalId: string, resource: ServicePrincipalRecord): string[] {
    const roles: string[] = [];
    for (const a of tenant.assignments.values()) {
      if (a.principalId !== principalId || a.resourceId !== resource.id) continue;
      const role = resource.appRoles.find((r) => r.id === a.appRoleId);
      if (role) roles.push(role.value);
    }
    return roles;
  }

  addUser(
    tenant: TenantRecord,
    input: { id?: string; userPrincipalName: string; displayName: string; directoryRoles?: string[] },
  ): UserRecord {
    const user: UserRecord = {
      id: input.id ?? newGuid(),
      userPrincipalName: input.userPrincipalName,
      displayName: input.displayName,
      mail: input.userPrincipalName,
      ...(input.directoryRoles ? { directoryRoles: input.directoryRoles } : {}),
    };
    tenant.users.set(user.id, user);
    tenant.usersByUpn.set(user.userPrincipalName.toLowerCase(), user);
    this.touch();
    return user;
  }

  /**
   * Grants delegated permissions to `client` on `resource` (adds scopes to an existing grant of the
   * same client, resource, consent type and principal, as consenting again does).
   */
  grantDelegated(
    tenant: TenantRecord,
    client: ServicePrincipalRecord,
    resource: ServicePrincipalRecord,
    scopes: string[],
    principalId: string | null,
  ): OAuth2PermissionGrantRecord {
    const consentType = principalId ? 'Principal' : 'AllPrincipals';
    for (const g of tenant.oauth2PermissionGrants.values()) {
      if (g.clientId === client.id && g.resourceId === resource.id && g.principalId === principalId) {
        g.scope = [...new Set([...g.scope.split(' ').filter(Boolean), ...scopes])].join(' ');
        this.touch();
        return g;
      }
    }
    const grant: OAuth2PermissionGrantRecord = {
      id: crypto.randomBytes(24).toString('base64url'),
      clientId: client.id,
      consentType,
      principalId,
      resourceId: resource.id,
      scope: scopes.join(' '),
    };
    tenant.oauth2PermissionGrants.set(grant.id, grant);
    this.touch();
    return grant;
  }

  /** Delegated permissions `userId` holds for `client` on `resource` (tenant-wide and own grants). */
  delegatedScopes(tenant: TenantRecord, clientSpId: string, resourceSpId: string, userId: string): string[] {
    const out = new Set<string>();
    for (const g of tenant.oauth2PermissionGrants.values()) {
      if (g.clientId !== clientSpId || g.resourceId !== resourceSpId) continue;
      if (g.consentType === 'Principal' && g.principalId !== userId) continue;
      for (const s of g.scope.split(' ')) if (s) out.add(s);
    }
    return [...out];
  }

  recordSignIn(tenant: TenantRecord, record: SignInRecord): void {
    tenant.signIns.push(record);
    if (tenant.signIns.length > SIGN_IN_CAP) tenant.signIns.splice(0, tenant.signIns.length - SIGN_IN_CAP);
    this.touch();
  }
}

export interface AuthCodeRecord {
  code: string;
  clientId: string;
  tenantId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  nonce: string | null;
  expiresAt: number;
}

export interface RefreshTokenRecord {
  token: string;
  clientId: string;
  tenantId: string;
  userId: string;
  scopes: string[];
  expiresAt: number;
}
