// The machine-readable description of a seeded fleet (`<dataDir>/fleet.json`), for Rekey's demo mode,
// scripts and tests. Paths are absolute.

export type VendorCertificateStatus = 'current' | 'compromised' | 'expired' | 'expiring' | 'unknown';

export interface ManifestCertificate {
  name: string;
  subject: string;
  region: string | null;
  status: VendorCertificateStatus;
  certificatePath: string;
  /** null for the unknown extra credential (nobody we know holds its key). */
  privateKeyPath: string | null;
  /** Uppercase hex. */
  thumbprintSha1: string;
  thumbprintSha256: string;
  notBefore: string;
  notAfter: string;
}

export interface ManifestConnector {
  product: string;
  displayName: string;
  appId: string;
  applicationObjectId: string;
  servicePrincipalId: string;
  /** Name of the vendor certificate in `vendor.certificates`. */
  certificate: string;
  keyId: string;
}

export interface ManifestTenant {
  id: string;
  name: string;
  domain: string;
  region: string;
  size: 'S' | 'M' | 'L';
  premium: boolean;
  managementConsent: 'granted' | 'revoked';
  /** The tenant's Global Administrator (the account that can grant admin consent). */
  adminUserPrincipalName: string;
  connectors: ManifestConnector[];
  /** Scenario tags: attacker-targeted, unknown-credential, non-premium, consent-revoked, policy-restricted. */
  scenarios: string[];
  /** The tenant's own users (customer admins with directory roles by display name, and a plain user). */
  users?: { id: string; userPrincipalName: string; displayName: string; directoryRoles: string[] }[];
}

export interface ManifestUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  role: 'admin' | 'operator' | 'viewer';
  /** For the scoped operator: the tenants they may act on (Rekey-side scope). */
  scopeTenantIds: string[] | null;
}

/** A connector that exists in the customer tenant only as a service principal (the vendor's multi-tenant app). */
export interface ManifestServicePrincipalConnector {
  tenantId: string;
  displayName: string;
  appId: string;
  /** The vendor's tenant, where the application object lives. */
  homeTenantId: string;
  servicePrincipalId: string;
  /** Name of the vendor certificate (on the service principal). */
  certificate: string;
  keyId: string;
  /** The app instance property lock is on: credential changes on the service principal are refused. */
  locked: boolean;
}

export interface FleetManifest {
  version: 1;
  generatedAt: string;
  seed: string;
  simUrl: string;
  caPemPath: string;
  cloud: { loginHost: string; graphHost: string };
  homeTenant: { id: string; name: string; domain: string };
  managementApp: {
    displayName: string;
    appId: string;
    applicationObjectId: string;
    homeTenantId: string;
    certificatePath: string;
    privateKeyPath: string;
    thumbprintSha1: string;
    thumbprintSha256: string;
    keyId: string;
    graphRoles: string[];
  };
  /** Rekey's multi-tenant app for customer self-service (delegated) rotations. */
  delegatedApp?: {
    displayName: string;
    appId: string;
    homeTenantId: string;
    certificatePath: string;
    privateKeyPath: string;
    thumbprintSha1: string;
    thumbprintSha256: string;
    keyId: string;
    scopes: string[];
  };
  users: ManifestUser[];
  vendor: {
    name: string;
    egressIpRanges: string[];
    attackerIps: string[];
    certificates: ManifestCertificate[];
  };
  products: { name: string; resourceAppId: string; roles: string[] }[];
  regions: string[];
  tenants: ManifestTenant[];
  /** Connectors held on a service principal only (absent in manifests written before they were seeded). */
  servicePrincipalConnectors?: ManifestServicePrincipalConnector[];
  scenarios: {
    compromisedCertificate: string;
    attackerTargetedTenantIds: string[];
    unknownCredentialTenantId: string | null;
    unknownCredential: { appId: string; keyId: string; thumbprintSha1: string } | null;
    nonPremiumTenantId: string | null;
    consentRevokedTenantId: string | null;
    policyRestrictedTenantId: string | null;
  };
}
