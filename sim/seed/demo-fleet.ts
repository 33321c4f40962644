// Seeds the demo fleet: a home tenant with Rekey's management app and users, and N customer tenants
// across regions, each with the management app consented and one to three vendor connectors sharing a
// handful of vendor certificates (as a real vendor does), plus the scenarios the demo needs.
import fs from 'node:fs';
import path from 'node:path';
import { certInfoFromDer, createSelfSignedCertificate, pemToDer, type CertInfo } from '../crypto/x509';
import type { Directory, KeyCredentialRecord, SignInRecord, TenantRecord, TenantSize } from '../directory/directory';
import {
  EXCHANGE_APP_ROLES,
  EXCHANGE_ONLINE_APP_ID,
  GRAPH_APP_ROLES,
  MICROSOFT_GRAPH_APP_ID,
} from '../directory/well-known';
import { deterministicGuid, seededRandom } from './deterministic';
import { DIRECTORY_ROLES } from '../directory/directory-roles';
import type {
  FleetManifest,
  ManifestCertificate,
  ManifestTenant,
  ManifestUser,
  VendorCertificateStatus,
} from './fleet-manifest';

const DAY = 86_400_000;

export const REGIONS = [
  { code: 'EU', country: 'DE', vendorIpBase: 10 },
  { code: 'US', country: 'US', vendorIpBase: 40 },
  { code: 'UK', country: 'GB', vendorIpBase: 70 },
  { code: 'APAC', country: 'AU', vendorIpBase: 100 },
] as const;

const STEMS = [
  'Contoso',
  'Fabrikam',
  'Northwind',
  'Tailspin',
  'Woodgrove',
  'Adatum',
  'Litware',
  'Proseware',
  'Wingtip',
  'Alpine',
];

export const PRODUCTS = [
  { name: 'Mailbox Archive Sync', resourceAppId: MICROSOFT_GRAPH_APP_ID, roles: ['Mail.Read'] },
  { name: 'Continuity Monitor', resourceAppId: MICROSOFT_GRAPH_APP_ID, roles: ['Organization.Read.All'] },
  { name: 'Internal Mail Protection', resourceAppId: EXCHANGE_ONLINE_APP_ID, roles: ['full_access_as_app'] },
] as const;

/** Delegated Microsoft Graph permissions of Rekey's delegated-rotation app. */
export const DELEGATED_ROTATION_SCOPES = [
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'DelegatedPermissionGrant.ReadWrite.All',
] as const;

/** Users of every customer tenant: one per role that matters for a delegated rotation, and a plain user. */
const CUSTOMER_USERS: { key: string; name: string; roles: (keyof typeof DIRECTORY_ROLES)[] }[] = [
  { key: 'ga', name: 'Grace Global-Admin', roles: ['globalAdministrator'] },
  { key: 'pra', name: 'Priya Privileged-Role-Admin', roles: ['privilegedRoleAdministrator'] },
  { key: 'appadmin', name: 'Arun Application-Admin', roles: ['applicationAdministrator'] },
  { key: 'cloudappadmin', name: 'Chloe Cloud-Application-Admin', roles: ['cloudApplicationAdministrator'] },
  { key: 'user', name: 'Uma User', roles: [] },
];

export const MANAGEMENT_GRAPH_ROLES = [
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'AuditLog.Read.All',
  'Organization.Read.All',
  'Policy.Read.All',
];

export const VENDOR_NAME = 'Litware Connect';
export const VENDOR_EGRESS_RANGES = ['198.51.100.0/24'];
export const ATTACKER_IPS = ['203.0.113.66', '203.0.113.77', '203.0.113.88'];

export interface SeedOptions {
  tenants: number;
  seed: string;
  /** Where certificates and private keys are written (mode 0600) and reused from. */
  keysDir: string;
  simUrl: string;
  caPemPath: string;
  loginHost: string;
  graphHost: string;
  now: number;
}

interface KitCert {
  name: string;
  region: string | null;
  status: VendorCertificateStatus;
  certPem: string;
  certificatePath: string;
  privateKeyPath: string | null;
  info: CertInfo;
}

interface KitSpec {
  name: string;
  region: string | null;
  status: VendorCertificateStatus | 'management';
  startDays: number;
  endDays: number;
  /** Whether an existing cert still plays this role. */
  stillFits: (info: CertInfo, now: number) => boolean;
}

function kitSpecs(): KitSpec[] {
  const valid = (min: number) => (i: CertInfo, now: number) =>
    i.notBefore.getTime() <= now && i.notAfter.getTime() - now > min * DAY;
  return [
    ...REGIONS.map((r) => ({
      name: `vendor-${r.code.toLowerCase()}-current`,
      region: r.code,
      status: 'current' as const,
      startDays: -200,
      endDays: 165,
      stillFits: valid(60),
    })),
    {
      name: 'vendor-compromised',
      region: null,
      status: 'compromised',
      startDays: -300,
      endDays: 65,
      stillFits: valid(30),
    },
    {
      name: 'vendor-expiring',
      region: null,
      status: 'expiring',
      startDays: -340,
      endDays: 20,
      stillFits: (i, now) => i.notAfter.getTime() > now + 5 * DAY && i.notAfter.getTime() < now + 30 * DAY,
    },
    {
      name: 'vendor-expired',
      region: null,
      status: 'expired',
      startDays: -400,
      endDays: -35,
      stillFits: (i, now) => i.notAfter.getTime() < now,
    },
    { name: 'unknown-extra', region: null, status: 'unknown', startDays: -10, endDays: 355, stillFits: valid(60) },
    {
      name: 'rekey-management',
      region: null,
      status: 'management',
      startDays: -30,
      endDays: 335,
      stillFits: valid(60),
    },
    {
      name: 'rekey-delegated',
      region: null,
      status: 'management',
      startDays: -30,
      endDays: 335,
      stillFits: valid(60),
    },
  ];
}

function writePrivate(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.chmodSync(file, 0o600);
}

function writePublic(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/**
 * Loads or creates the fleet's certificates (RSA keygen is the slow part, so existing files that still
 * fit their role are reused). The unknown extra credential's private key is never written.
 */
export function ensureCertificateKit(keysDir: string, now: number): Map<string, KitCert> {
  fs.mkdirSync(keysDir, { recursive: true });
  const out = new Map<string, KitCert>();
  for (const spec of kitSpecs()) {
    const certificatePath = path.join(keysDir, `${spec.name}.cert.pem`);
    const keyPath = path.join(keysDir, `${spec.name}.key.pem`);
    const hasKey = spec.status !== 'unknown';
    let certPem: string | null = null;
    if (fs.existsSync(certificatePath) && (!hasKey || fs.existsSync(keyPath))) {
      try {
        const pem = fs.readFileSync(certificatePath, 'utf8');
        const info = certInfoFromDer(pemToDer(pem));
        if (spec.stillFits(info, now)) certPem = pem;
      } catch {
        certPem = null;
      }
    }
    if (!certPem) {
      const subject =
        spec.name === 'rekey-delegated'
          ? 'CN=Rekey delegated rotation'
          : spec.status === 'management'
            ? 'CN=Rekey management'
            : `CN=${VENDOR_NAME} ${spec.name}`;
      const created = createSelfSignedCertificate({
        subjectCn: subject.slice(3),
        notBefore: new Date(now + spec.startDays * DAY),
        notAfter: new Date(now + spec.endDays * DAY),
      });
      // Key first, certificate last: a reader that sees the new cert also sees its key.
      if (hasKey) writePrivate(keyPath, created.privateKeyPem);
      writePublic(certificatePath, created.certPem);
      certPem = created.certPem;
    }
    const info = certInfoFromDer(pemToDer(certPem));
    out.set(spec.name, {
      name: spec.name,
      region: spec.region,
      status: spec.status === 'management' ? 'current' : spec.status,
      certPem,
      certificatePath: path.resolve(certificatePath),
      privateKeyPath: hasKey ? path.resolve(keyPath) : null,
      info,
    });
  }
  return out;
}

function keyCredentialFor(cert: KitCert, keyId: string): KeyCredentialRecord {
  return {
    keyId,
    customKeyIdentifier: Buffer.from(cert.info.sha1Hex, 'hex'),
    displayName: cert.info.subject.startsWith('CN=') ? cert.info.subject : `CN=${cert.info.subject}`,
    startDateTime: cert.info.notBefore.toISOString(),
    endDateTime: cert.info.notAfter.toISOString(),
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
    key: cert.info.der,
  };
}

function roleIds(resourceAppId: string, roles: readonly string[]): string[] {
  const table = resourceAppId === MICROSOFT_GRAPH_APP_ID ? GRAPH_APP_ROLES : EXCHANGE_APP_ROLES;
  return roles.map((r) => {
    const id = table[r];
    if (!id) throw new Error(`unknown app role ${r}`);
    return id;
  });
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Seeds `directory` (which should be empty) and returns the manifest. */
export function seedDemoFleet(directory: Directory, opts: SeedOptions): FleetManifest {
  const { seed, now } = opts;
  const tenantCount = Math.max(1, Math.min(10_000, Math.floor(opts.tenants)));
  const kit = ensureCertificateKit(opts.keysDir, now);
  const get = (name: string): KitCert => {
    const c = kit.get(name);
    if (!c) throw new Error(`missing certificate ${name}`);
    return c;
  };
  const g = (label: string) => deterministicGuid(seed, label);
  const rand = seededRandom(seed);

  // Home tenant, management app, users.
  const home = directory.createTenant({
    id: g('home-tenant'),
    displayName: 'Rekey Operations',
    domain: 'rekeyops.onmicrosoft.com',
    region: 'EU',
    countryLetterCode: 'DE',
    premium: true,
    size: 'S',
    createdDateTime: iso(now - 900 * DAY),
  });
  const mgmtCert = get('rekey-management');
  const mgmtKeyId = g('management-key');
  const appRoleIds = { admin: g('role-admin'), operator: g('role-operator'), viewer: g('role-viewer') };
  const mgmtApp = directory.createApplication(home, {
    id: g('management-app-object'),
    appId: g('management-app'),
    displayName: 'Rekey',
    signInAudience: 'AzureADMultipleOrgs',
    createdDateTime: iso(now - 400 * DAY),
    keyCredentials: [keyCredentialFor(mgmtCert, mgmtKeyId)],
    requiredResourceAccess: [
      {
        resourceAppId: MICROSOFT_GRAPH_APP_ID,
        resourceAccess: roleIds(MICROSOFT_GRAPH_APP_ID, MANAGEMENT_GRAPH_ROLES).map((id) => ({ id, type: 'Role' })),
      },
    ],
    appRoles: (['admin', 'operator', 'viewer'] as const).map((r) => ({
      allowedMemberTypes: ['User'],
      description: `Rekey ${r}`,
      displayName: `Rekey ${r}`,
      id: appRoleIds[r],
      isEnabled: true,
      origin: 'Application',
      value: `Rekey.${r[0]!.toUpperCase()}${r.slice(1)}`,
    })),
  });
  const homeMgmtSp = directory.createServicePrincipal(home, mgmtApp.appId, { id: g('management-sp-home') });
  // Rekey's second multi-tenant app, used only for customer self-service rotations: it asks for
  // delegated permissions and holds no application permissions, so a customer's consent to it never
  // grants standing app-only access. It has no service principal in customer tenants until their
  // admin consents.
  const delegatedCert = get('rekey-delegated');
  const delegatedKeyId = g('delegated-key');
  const delegatedApp = directory.createApplication(home, {
    id: g('delegated-app-object'),
    appId: g('delegated-app'),
    displayName: 'Rekey delegated rotation',
    signInAudience: 'AzureADMultipleOrgs',
    createdDateTime: iso(now - 30 * DAY),
    keyCredentials: [keyCredentialFor(delegatedCert, delegatedKeyId)],
    requiredResourceAccess: [
      {
        resourceAppId: MICROSOFT_GRAPH_APP_ID,
        resourceAccess: DELEGATED_ROTATION_SCOPES.map((value) => ({ id: g(`scope-${value}`), type: 'Scope' })),
      },
    ],
  });
  directory.createServicePrincipal(home, delegatedApp.appId, { id: g('delegated-sp-home') });
  const userSpecs: {
    key: string;
    upn: string;
    name: string;
    role: 'admin' | 'operator' | 'viewer';
    scoped: boolean;
  }[] = [
    { key: 'admin', upn: 'admin@rekey.example', name: 'Ada Admin', role: 'admin', scoped: false },
    { key: 'operator', upn: 'operator@rekey.example', name: 'Oscar Operator', role: 'operator', scoped: false },
    { key: 'viewer', upn: 'viewer@rekey.example', name: 'Vera Viewer', role: 'viewer', scoped: false },
    { key: 'scoped', upn: 'eu-operator@rekey.example', name: 'Elena EU Operator', role: 'operator', scoped: true },
  ];
  const users: ManifestUser[] = [];
  for (const u of userSpecs) {
    const user = directory.addUser(home, { id: g(`user-${u.key}`), userPrincipalName: u.upn, displayName: u.name });
    directory.grantAppRole(home, user, homeMgmtSp, appRoleIds[u.role]);
    users.push({
      id: user.id,
      userPrincipalName: u.upn,
      displayName: u.name,
      role: u.role,
      scopeTenantIds: u.scoped ? [] : null,
    });
  }

  // Scenario tenants at fixed indices so small fleets have them too.
  const targeted = [2, 3, ...(tenantCount >= 20 ? [11] : [])].filter((i) => i <= tenantCount);
  const unknownIdx = tenantCount >= 4 ? 4 : null;
  const nonPremiumIdx = tenantCount >= 6 ? 6 : null;
  const revokedIdx = tenantCount >= 7 ? 7 : null;
  const policyIdx = tenantCount >= 8 ? 8 : null;

  const manifestTenants: ManifestTenant[] = [];
  let unknownCredential: FleetManifest['scenarios']['unknownCredential'] = null;
  const mgmtRoleIds = roleIds(MICROSOFT_GRAPH_APP_ID, MANAGEMENT_GRAPH_ROLES);
  const width = 4;

  for (let i = 1; i <= tenantCount; i++) {
    const region = REGIONS[(i - 1) % REGIONS.length]!;
    const stem = STEMS[Math.floor((i - 1) / REGIONS.length) % STEMS.length]!;
    const num = String(i).padStart(width, '0');
    const r = rand();
    const size: TenantSize = r < 0.6 ? 'S' : r < 0.9 ? 'M' : 'L';
    const scenarios: string[] = [];
    if (targeted.includes(i)) scenarios.push('attacker-targeted');
    if (i === unknownIdx) scenarios.push('unknown-credential');
    if (i === nonPremiumIdx) scenarios.push('non-premium');
    if (i === revokedIdx) scenarios.push('consent-revoked');
    if (i === policyIdx) scenarios.push('policy-restricted');
    const tenant: TenantRecord = directory.createTenant({
      id: g(`tenant-${i}`),
      displayName: `${stem} ${num} Ltd`,
      domain: `${stem.toLowerCase()}${num}.onmicrosoft.com`,
      region: region.code,
      countryLetterCode: region.country,
      premium: i !== nonPremiumIdx,
      size,
      createdDateTime: iso(now - (400 + Math.floor(rand() * 2000)) * DAY),
    });
    // The tenant's Global Administrator: the account that grants admin consent (no rand() use, so the rest stays as seeded).
    const tenantAdmin = directory.addUser(tenant, {
      id: g(`tenant-admin-${i}`),
      userPrincipalName: `admin@${tenant.domain}`,
      displayName: `${stem} ${num} Administrator`,
      directoryRoles: [DIRECTORY_ROLES.globalAdministrator.id],
    });
    const tenantUsers = CUSTOMER_USERS.map((u) => {
      const user = directory.addUser(tenant, {
        id: g(`tenant-${i}-user-${u.key}`),
        userPrincipalName: `${u.key}@${tenant.domain}`,
        displayName: u.name,
        directoryRoles: u.roles.map((r) => DIRECTORY_ROLES[r].id),
      });
      return {
        id: user.id,
        userPrincipalName: user.userPrincipalName,
        displayName: user.displayName,
        directoryRoles: u.roles.map((r) => DIRECTORY_ROLES[r].displayName),
      };
    });
    if (i === policyIdx) {
      tenant.policy.isEnabled = true;
      tenant.policy.applicationRestrictions.keyCredentials = [
        {
          restrictionType: 'asymmetricKeyLifetime',
          maxLifetime: 'P90D',
          restrictForAppsCreatedAfterDateTime: '2015-01-01T00:00:00Z',
          state: 'enabled',
        },
      ];
    }
    if (i !== revokedIdx) {
      const sp = directory.createServicePrincipal(tenant, mgmtApp.appId, {
        id: g(`mgmt-sp-${i}`),
        simCreatedDateTime: iso(now - 300 * DAY),
      });
      const graphSp = tenant.spsByAppId.get(MICROSOFT_GRAPH_APP_ID)!;
      for (const roleId of mgmtRoleIds) directory.grantAppRole(tenant, sp, graphSp, roleId);
    }
    // One to three connectors, products in a seeded order.
    const count = 1 + Math.floor(rand() * 3);
    const order = [0, 1, 2].sort(() => rand() - 0.5).slice(0, count);
    const connectors: ManifestTenant['connectors'] = [];
    const signIns: SignInRecord[] = [];
    order.forEach((p, idx) => {
      const product = PRODUCTS[p]!;
      let certName: string;
      const x = rand();
      if (targeted.includes(i) && idx === 0) certName = 'vendor-compromised';
      else if (x < 0.1) certName = 'vendor-compromised';
      else if (x < 0.14) certName = 'vendor-expired';
      else if (x < 0.2) certName = 'vendor-expiring';
      else certName = `vendor-${region.code.toLowerCase()}-current`;
      const cert = get(certName);
      const keyId = g(`key-${i}-${p}`);
      const keyCredentials = [keyCredentialFor(cert, keyId)];
      if (i === unknownIdx && idx === 0) {
        const unknown = get('unknown-extra');
        const unknownKeyId = g(`unknown-key-${i}`);
        keyCredentials.push(keyCredentialFor(unknown, unknownKeyId));
        unknownCredential = {
          appId: g(`connector-${i}-${p}`),
          keyId: unknownKeyId,
          thumbprintSha1: unknown.info.sha1Hex,
        };
      }
      const app = directory.createApplication(tenant, {
        id: g(`connector-object-${i}-${p}`),
        appId: g(`connector-${i}-${p}`),
        displayName: product.name,
        signInAudience: 'AzureADMyOrg',
        createdDateTime: iso(now - (200 + Math.floor(rand() * 300)) * DAY),
        keyCredentials,
        tags: ['vendor:litware-connect'],
        requiredResourceAccess: [
          {
            resourceAppId: product.resourceAppId,
            resourceAccess: roleIds(product.resourceAppId, product.roles).map((id) => ({ id, type: 'Role' })),
          },
        ],
      });
      const sp = directory.createServicePrincipal(tenant, app.appId, {
        id: g(`connector-sp-${i}-${p}`),
        simCreatedDateTime: app.createdDateTime,
      });
      const resourceSp = tenant.spsByAppId.get(product.resourceAppId)!;
      for (const roleId of roleIds(product.resourceAppId, product.roles))
        directory.grantAppRole(tenant, sp, resourceSp, roleId);
      connectors.push({
        product: product.name,
        displayName: product.name,
        appId: app.appId,
        applicationObjectId: app.id,
        servicePrincipalId: sp.id,
        certificate: certName,
        keyId,
      });

      // Steady vendor sign-ins (before expiry for an expired certificate, then failures).
      const vendorIp = `198.51.100.${region.vendorIpBase + Math.floor(rand() * 20)}`;
      const base = cert.status === 'expired' ? cert.info.notAfter.getTime() - DAY : now;
      const make = (t: number, ip: string, errorCode: number, failureReason: string | null): SignInRecord => ({
        id: g(`signin-${i}-${p}-${t}-${ip}`),
        createdDateTime: iso(t),
        appId: app.appId,
        appDisplayName: app.displayName,
        servicePrincipalId: sp.id,
        servicePrincipalName: sp.displayName,
        userId: null,
        userPrincipalName: null,
        userDisplayName: null,
        ipAddress: ip,
        signInEventTypes: ['servicePrincipal'],
        clientCredentialType: 'certificate',
        servicePrincipalCredentialKeyId: keyId,
        servicePrincipalCredentialThumbprint: cert.info.sha1Hex,
        resourceId: product.resourceAppId,
        resourceDisplayName: resourceSp.displayName,
        resourceServicePrincipalId: resourceSp.id,
        resourceTenantId: tenant.id,
        homeTenantId: tenant.id,
        appOwnerTenantId: tenant.id,
        isInteractive: false,
        correlationId: g(`corr-${i}-${p}-${t}`),
        uniqueTokenIdentifier: null,
        userAgent: null,
        status: { errorCode, failureReason, additionalDetails: null },
      });
      for (let k = 0; k < 3; k++)
        signIns.push(make(base - k * 8 * 3600_000 - Math.floor(rand() * 3600_000), vendorIp, 0, null));
      if (cert.status === 'expired')
        signIns.push(
          make(
            now - Math.floor(rand() * 6 * 3600_000),
            vendorIp,
            700027,
            'Client assertion contains an invalid signature.',
          ),
        );
      if (targeted.includes(i) && idx === 0) {
        for (let k = 0; k < 3; k++)
          signIns.push(make(now - (k * 11 + 2) * 3600_000, ATTACKER_IPS[(i + k) % ATTACKER_IPS.length]!, 0, null));
      }
    });
    signIns.sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime));
    tenant.signIns.push(...signIns);
    manifestTenants.push({
      id: tenant.id,
      name: tenant.displayName,
      domain: tenant.domain,
      region: region.code,
      size,
      premium: tenant.premium,
      managementConsent: i === revokedIdx ? 'revoked' : 'granted',
      adminUserPrincipalName: tenantAdmin.userPrincipalName,
      connectors,
      scenarios,
      users: tenantUsers,
    });
  }
  const servicePrincipalConnectors = seedServicePrincipalConnectors(directory, {
    g,
    now,
    get,
    tenants: manifestTenants,
  });
  // The scoped operator may act on the first few EU tenants.
  const scoped = users.find((u) => u.scopeTenantIds !== null);
  if (scoped)
    scoped.scopeTenantIds = manifestTenants
      .filter((t) => t.region === 'EU')
      .slice(0, 10)
      .map((t) => t.id);
  directory.touch();

  const certs: ManifestCertificate[] = [...kit.values()]
    .filter((c) => c.name !== 'rekey-management' && c.name !== 'rekey-delegated')
    .map((c) => ({
      name: c.name,
      subject: c.info.subject,
      region: c.region,
      status: c.status,
      certificatePath: c.certificatePath,
      privateKeyPath: c.privateKeyPath,
      thumbprintSha1: c.info.sha1Hex,
      thumbprintSha256: c.info.sha256Hex,
      notBefore: c.info.notBefore.toISOString(),
      notAfter: c.info.notAfter.toISOString(),
    }));
  return {
    version: 1,
    generatedAt: new Date(now).toISOString(),
    seed,
    simUrl: opts.simUrl,
    caPemPath: path.resolve(opts.caPemPath),
    cloud: { loginHost: opts.loginHost, graphHost: opts.graphHost },
    homeTenant: { id: home.id, name: home.displayName, domain: home.domain },
    managementApp: {
      displayName: mgmtApp.displayName,
      appId: mgmtApp.appId,
      applicationObjectId: mgmtApp.id,
      homeTenantId: home.id,
      certificatePath: mgmtCert.certificatePath,
      privateKeyPath: mgmtCert.privateKeyPath!,
      thumbprintSha1: mgmtCert.info.sha1Hex,
      thumbprintSha256: mgmtCert.info.sha256Hex,
      keyId: mgmtKeyId,
      graphRoles: MANAGEMENT_GRAPH_ROLES,
    },
    delegatedApp: {
      displayName: delegatedApp.displayName,
      appId: delegatedApp.appId,
      homeTenantId: home.id,
      certificatePath: delegatedCert.certificatePath,
      privateKeyPath: delegatedCert.privateKeyPath!,
      thumbprintSha1: delegatedCert.info.sha1Hex,
      thumbprintSha256: delegatedCert.info.sha256Hex,
      keyId: delegatedKeyId,
      scopes: [...DELEGATED_ROTATION_SCOPES],
    },
    users,
    vendor: { name: VENDOR_NAME, egressIpRanges: VENDOR_EGRESS_RANGES, attackerIps: ATTACKER_IPS, certificates: certs },
    products: PRODUCTS.map((p) => ({ name: p.name, resourceAppId: p.resourceAppId, roles: [...p.roles] })),
    regions: REGIONS.map((r) => r.code),
    tenants: manifestTenants,
    servicePrincipalConnectors,
    scenarios: {
      compromisedCertificate: 'vendor-compromised',
      attackerTargetedTenantIds: manifestTenants
        .filter((t) => t.scenarios.includes('attacker-targeted'))
        .map((t) => t.id),
      unknownCredentialTenantId: manifestTenants.find((t) => t.scenarios.includes('unknown-credential'))?.id ?? null,
      unknownCredential,
      nonPremiumTenantId: manifestTenants.find((t) => t.scenarios.includes('non-premium'))?.id ?? null,
      consentRevokedTenantId: manifestTenants.find((t) => t.scenarios.includes('consent-revoked'))?.id ?? null,
      policyRestrictedTenantId: manifestTenants.find((t) => t.scenarios.includes('policy-restricted'))?.id ?? null,
    },
  };
}

/** The vendor's own multi-tenant apps behind the service-principal connectors. */
export const RELAY_PRODUCTS = [
  { name: 'Litware Relay', locked: false, tenantIndex: 1 },
  { name: 'Litware Relay Secure', locked: true, tenantIndex: 5 },
] as const;

/**
 * Connectors that exist in a customer tenant only as a service principal: the vendor registers a
 * multi-tenant app in its own tenant; the customer's tenant holds its service principal, with the
 * connection's certificate on that service principal. "Litware Relay Secure" has the app instance
 * property lock on (credential changes on its service principals are refused). Seeded after the
 * customer tenants and without the seeded random stream, so every other figure stays as it was.
 */
function seedServicePrincipalConnectors(
  directory: Directory,
  opts: { g: (label: string) => string; now: number; get: (name: string) => KitCert; tenants: ManifestTenant[] },
): NonNullable<FleetManifest['servicePrincipalConnectors']> {
  const { g, now, get } = opts;
  const vendorHome = directory.createTenant({
    id: g('relay-vendor-tenant'),
    displayName: 'Litware Relay (vendor)',
    domain: 'litwarerelay.onmicrosoft.com',
    region: 'EU',
    countryLetterCode: 'DE',
    premium: true,
    size: 'S',
    createdDateTime: iso(now - 1200 * DAY),
  });
  const out: NonNullable<FleetManifest['servicePrincipalConnectors']> = [];
  for (const product of RELAY_PRODUCTS) {
    const app = directory.createApplication(vendorHome, {
      id: g(`relay-app-object-${product.name}`),
      appId: g(`relay-app-${product.name}`),
      displayName: product.name,
      signInAudience: 'AzureADMultipleOrgs',
      createdDateTime: iso(now - 600 * DAY),
      tags: ['vendor:litware-relay'],
      requiredResourceAccess: [
        {
          resourceAppId: MICROSOFT_GRAPH_APP_ID,
          resourceAccess: roleIds(MICROSOFT_GRAPH_APP_ID, ['Mail.Read']).map((id) => ({ id, type: 'Role' })),
        },
      ],
      servicePrincipalLockConfiguration: product.locked
        ? {
            isEnabled: true,
            allProperties: true,
            credentialsWithUsageVerify: true,
            credentialsWithUsageSign: true,
            tokenEncryptionKeyId: true,
          }
        : {
            isEnabled: false,
            allProperties: null,
            credentialsWithUsageVerify: null,
            credentialsWithUsageSign: null,
            tokenEncryptionKeyId: null,
          },
    });
    const mt = opts.tenants[product.tenantIndex - 1];
    if (!mt) continue;
    const tenant = directory.findTenant(mt.id)!;
    const certName = `vendor-${mt.region.toLowerCase()}-current`;
    const keyId = g(`relay-key-${product.tenantIndex}`);
    const sp = directory.createServicePrincipal(tenant, app.appId, {
      id: g(`relay-sp-${product.tenantIndex}`),
      simCreatedDateTime: iso(now - 250 * DAY),
      keyCredentials: [keyCredentialFor(get(certName), keyId)],
    });
    const graphSp = tenant.spsByAppId.get(MICROSOFT_GRAPH_APP_ID)!;
    for (const roleId of roleIds(MICROSOFT_GRAPH_APP_ID, ['Mail.Read']))
      directory.grantAppRole(tenant, sp, graphSp, roleId);
    out.push({
      tenantId: tenant.id,
      displayName: product.name,
      appId: app.appId,
      homeTenantId: vendorHome.id,
      servicePrincipalId: sp.id,
      certificate: certName,
      keyId,
      locked: product.locked,
    });
  }
  return out;
}
