// Well-known first-party identifiers (public values from Microsoft's permissions reference).

export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const EXCHANGE_ONLINE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';
/** `aud` of addKey/removeKey proofs (the legacy Azure AD Graph app id), per application-rollkey-prooftoken. */
export const AAD_GRAPH_APP_ID = '00000002-0000-0000-c000-000000000000';
export const MICROSOFT_TENANT_ID = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

/** Microsoft Graph application permissions (app roles) the simulator knows, by value → id. */
export const GRAPH_APP_ROLES: Record<string, string> = {
  'Application.Read.All': '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
  'Application.ReadWrite.All': '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
  'Application.ReadWrite.OwnedBy': '18a4783c-866b-4cc7-a460-3d5e5662c884',
  'AppRoleAssignment.ReadWrite.All': '06b708a9-e830-4db3-a914-8e69da51d44f',
  'AuditLog.Read.All': 'b0afded3-3588-46d8-8b3d-9842eff778da',
  'Directory.Read.All': '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
  'Directory.ReadWrite.All': '19dbc75e-c2e2-444c-a770-ec69d8559fc7',
  'Organization.Read.All': '498476ce-e0fe-48b0-b801-37ba7e2685c6',
  'Policy.Read.All': '246dd0d5-5bd0-4def-940b-0421030a5b68',
  'Policy.ReadWrite.ApplicationConfiguration': 'be74164b-cff1-491c-8741-e671cb536e13',
  'Mail.ReadWrite': 'e2a3a72e-5f79-4c64-b1b1-878b674786c9',
  'Mail.Read': '810c84a8-4a9e-49e6-bf7d-12d183f40d01',
};

export const EXCHANGE_APP_ROLES: Record<string, string> = {
  full_access_as_app: 'dc890d15-9560-4a4c-9b7f-a736ec74ec40',
  'Exchange.ManageAsApp': 'dc50a0fb-09a3-484d-be87-e023b12c6440',
};

export interface AppRoleDef {
  allowedMemberTypes: string[];
  description: string;
  displayName: string;
  id: string;
  isEnabled: boolean;
  origin: string;
  value: string;
}

function toAppRoles(map: Record<string, string>): AppRoleDef[] {
  return Object.entries(map).map(([value, id]) => ({
    allowedMemberTypes: ['Application'],
    description: value,
    displayName: value,
    id,
    isEnabled: true,
    origin: 'Application',
    value,
  }));
}

export const GRAPH_APP_ROLE_DEFS: AppRoleDef[] = toAppRoles(GRAPH_APP_ROLES);
export const EXCHANGE_APP_ROLE_DEFS: AppRoleDef[] = toAppRoles(EXCHANGE_APP_ROLES);

export interface FirstPartyResource {
  appId: string;
  displayName: string;
  appRoles: AppRoleDef[];
  /** Identifier URIs a `scope=<uri>/.default` may name. */
  servicePrincipalNames: string[];
}
