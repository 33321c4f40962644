// JSON shapes of the directory objects, using only v1.0 CSDL property names (graph-v1-types.json).
import type {
  ApplicationRecord,
  KeyCredentialRecord,
  PasswordCredentialRecord,
  ServicePrincipalRecord,
  TenantRecord,
  AppRoleAssignmentRecord,
} from '../directory/directory';
import { badRequest, graphDate } from './graph-http';

export function keyCredentialJson(c: KeyCredentialRecord, includeKey: boolean): Record<string, unknown> {
  return {
    customKeyIdentifier: c.customKeyIdentifier ? c.customKeyIdentifier.toString('base64') : null,
    displayName: c.displayName,
    endDateTime: graphDate(c.endDateTime),
    key: includeKey && c.key ? c.key.toString('base64') : null,
    keyId: c.keyId,
    startDateTime: graphDate(c.startDateTime),
    type: c.type,
    usage: c.usage,
  };
}

export function passwordCredentialJson(c: PasswordCredentialRecord): Record<string, unknown> {
  return {
    customKeyIdentifier: c.customKeyIdentifier ? c.customKeyIdentifier.toString('base64') : null,
    displayName: c.displayName,
    endDateTime: graphDate(c.endDateTime),
    hint: c.hint,
    keyId: c.keyId,
    secretText: null,
    startDateTime: graphDate(c.startDateTime),
  };
}

export function applicationJson(app: ApplicationRecord, includeKey: boolean): Record<string, unknown> {
  return {
    id: app.id,
    deletedDateTime: null,
    appId: app.appId,
    applicationTemplateId: null,
    createdDateTime: graphDate(app.createdDateTime),
    description: app.description,
    disabledByMicrosoftStatus: null,
    displayName: app.displayName,
    groupMembershipClaims: null,
    identifierUris: app.identifierUris,
    isDeviceOnlyAuthSupported: null,
    isFallbackPublicClient: null,
    notes: app.notes,
    publisherDomain: app.publisherDomain,
    serviceManagementReference: null,
    signInAudience: app.signInAudience,
    tags: app.tags,
    tokenEncryptionKeyId: null,
    uniqueName: app.uniqueName ?? null,
    servicePrincipalLockConfiguration: app.servicePrincipalLockConfiguration ?? null,
    appRoles: app.appRoles,
    keyCredentials: app.keyCredentials.map((c) => keyCredentialJson(c, includeKey)),
    passwordCredentials: app.passwordCredentials.map(passwordCredentialJson),
    requiredResourceAccess: app.requiredResourceAccess,
    web: {
      homePageUrl: app.web.homePageUrl,
      logoutUrl: app.web.logoutUrl,
      redirectUris: app.web.redirectUris,
      implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
    },
  };
}

export function servicePrincipalJson(sp: ServicePrincipalRecord, includeKey: boolean): Record<string, unknown> {
  return {
    id: sp.id,
    deletedDateTime: null,
    accountEnabled: sp.accountEnabled,
    alternativeNames: [],
    appDisplayName: sp.appDisplayName,
    appDescription: sp.appDescription,
    appId: sp.appId,
    applicationTemplateId: null,
    appOwnerOrganizationId: sp.appOwnerOrganizationId,
    appRoleAssignmentRequired: sp.appRoleAssignmentRequired,
    description: null,
    disabledByMicrosoftStatus: null,
    displayName: sp.displayName,
    homepage: null,
    loginUrl: null,
    logoutUrl: null,
    notes: sp.notes,
    notificationEmailAddresses: [],
    preferredSingleSignOnMode: null,
    preferredTokenSigningKeyThumbprint: null,
    replyUrls: sp.replyUrls,
    servicePrincipalNames: sp.servicePrincipalNames,
    servicePrincipalType: sp.servicePrincipalType,
    signInAudience: 'AzureADMyOrg',
    tags: sp.tags,
    tokenEncryptionKeyId: null,
    appRoles: sp.appRoles,
    keyCredentials: sp.keyCredentials.map((c) => keyCredentialJson(c, includeKey)),
    oauth2PermissionScopes: [],
    passwordCredentials: sp.passwordCredentials.map(passwordCredentialJson),
  };
}

export function organizationJson(tenant: TenantRecord): Record<string, unknown> {
  return {
    id: tenant.id,
    deletedDateTime: null,
    businessPhones: [],
    city: null,
    country: null,
    countryLetterCode: tenant.countryLetterCode,
    createdDateTime: graphDate(tenant.createdDateTime),
    defaultUsageLocation: null,
    displayName: tenant.displayName,
    marketingNotificationEmails: [],
    onPremisesLastSyncDateTime: null,
    onPremisesSyncEnabled: null,
    postalCode: null,
    preferredLanguage: 'en',
    securityComplianceNotificationMails: [],
    securityComplianceNotificationPhones: [],
    state: null,
    street: null,
    technicalNotificationMails: [],
    tenantType: 'AAD',
    assignedPlans: tenant.premium
      ? [
          {
            assignedDateTime: graphDate(tenant.createdDateTime),
            capabilityStatus: 'Enabled',
            service: 'AADPremiumService',
            servicePlanId: '41781fb2-bc02-4b7c-bd55-b576c07bb09d',
          },
        ]
      : [],
    provisionedPlans: [],
    verifiedDomains: [
      {
        capabilities: 'Email, OfficeCommunicationsOnline',
        isDefault: true,
        isInitial: true,
        name: tenant.domain,
        type: 'Managed',
      },
    ],
  };
}

export function appRoleAssignmentJson(a: AppRoleAssignmentRecord): Record<string, unknown> {
  return {
    id: a.id,
    deletedDateTime: null,
    appRoleId: a.appRoleId,
    createdDateTime: graphDate(a.createdDateTime),
    principalDisplayName: a.principalDisplayName,
    principalId: a.principalId,
    principalType: a.principalType,
    resourceDisplayName: a.resourceDisplayName,
    resourceId: a.resourceId,
  };
}

/** Parses `$select`; returns null when absent. Unknown properties are a 400 as on Graph. */
export function parseSelect(raw: string | null, sample: Record<string, unknown>, typeName: string): string[] | null {
  if (raw === null || raw.trim() === '') return null;
  const props = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const p of props) {
    if (!(p in sample))
      throw badRequest(`Could not find a property named '${p}' on type 'microsoft.graph.${typeName}'.`);
  }
  return props;
}

export function project(obj: Record<string, unknown>, select: string[] | null): Record<string, unknown> {
  if (!select) return obj;
  const out: Record<string, unknown> = {};
  for (const p of select) out[p] = obj[p];
  return out;
}
