/**
 * What the simulator (standing in for Microsoft 365) says is true, read the way Microsoft would be
 * read: the management app's token through the real MSAL client, then Graph's /applications with
 * each app's key credentials. Independent of Rekey's database. The e2e runner does not trust the
 * simulator's CA at start-up (it is created by the stack), so requests pass the CA explicitly.
 */
import fs from 'node:fs';
import https from 'node:https';
import { ConfidentialClientApplication, type INetworkModule, type NetworkResponse } from '@azure/msal-node';

export interface SimManifest {
  homeTenant: { id: string; name: string };
  managementApp: { appId: string; privateKeyPath: string; thumbprintSha256: string; graphRoles: string[] };
  tenants: { id: string; name: string; region: string; domain: string }[];
}

function request(
  url: string,
  ca: string | undefined,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<{ status: number; headers: Record<string, string>; text: string }>((resolve, reject) => {
    const req = https.request(
      url,
      { method: init.method ?? 'GET', headers: init.headers, ...(ca ? { ca } : {}) },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
            text,
          }),
        );
      },
    );
    req.on('error', reject);
    if (init.body) req.write(init.body);
    req.end();
  });
}

export async function getJson<T>(
  url: string,
  ca: string | undefined,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const r = await request(url, ca, { headers });
  return { status: r.status, body: JSON.parse(r.text) as T };
}

/** A control-API call (the simulator's /_sim/…): revoke or grant consent, faults. */
export async function postJson<T>(
  url: string,
  ca: string | undefined,
  body: unknown,
): Promise<{ status: number; body: T }> {
  const r = await request(url, ca, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: JSON.parse(r.text) as T };
}

function networkClient(ca: string | undefined): INetworkModule {
  const call = async <T>(
    url: string,
    method: string,
    options?: { headers?: Record<string, string>; body?: string },
  ) => {
    const r = await request(url, ca, { method, headers: options?.headers, body: options?.body });
    return { headers: r.headers, body: JSON.parse(r.text) as T, status: r.status } satisfies NetworkResponse<T>;
  };
  return {
    sendGetRequestAsync: (url, options) => call(url, 'GET', options),
    sendPostRequestAsync: (url, options) => call(url, 'POST', options),
  };
}

/** One tenant as Microsoft 365 holds it: every application with the SHA-1 thumbprints of its key credentials. */
export interface SimTenant {
  entraTenantId: string;
  /** False when the management app is refused a token or Graph refuses the read (consent revoked). */
  readable: boolean;
  apps: { appId: string; sha1: string[] }[];
}

/** The management app's MSAL client for one tenant of the simulator (its certificate credential). */
function managementClient(opts: { simUrl: string; ca?: string; manifest: SimManifest }, tenantId: string) {
  const m = opts.manifest.managementApp;
  return new ConfidentialClientApplication({
    auth: {
      clientId: m.appId,
      authority: `${opts.simUrl}/${tenantId}`,
      knownAuthorities: [new URL(opts.simUrl).host],
      clientCertificate: {
        thumbprintSha256: m.thumbprintSha256,
        privateKey: fs.readFileSync(m.privateKeyPath, 'utf8'),
      },
    },
    system: { networkClient: networkClient(opts.ca) },
  });
}

/**
 * Reads every tenant of `tenantIds` (default: the manifest's) through the real MSAL client and
 * Graph's /applications and /servicePrincipals (each app's credentials on either object, by appId),
 * independently of Rekey's database. `ca` is the simulator's CA when the
 * process does not trust it already.
 */
export async function readSimTenants(opts: {
  simUrl: string;
  ca?: string;
  manifest: SimManifest;
  tenantIds?: string[];
}): Promise<SimTenant[]> {
  const out: SimTenant[] = [];
  // Every tenant the simulator holds: the fleet and the home tenant (which an admin can onboard too).
  const all = [...new Set([opts.manifest.homeTenant.id, ...opts.manifest.tenants.map((t) => t.id)])];
  for (const id of opts.tenantIds ?? all) {
    const cca = managementClient(opts, id);
    let token: string;
    try {
      const r = await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
      token = r!.accessToken;
    } catch {
      out.push({ entraTenantId: id, readable: false, apps: [] });
      continue;
    }
    const read = (what: string) =>
      readKeyCredentials(`${opts.simUrl}/v1.0/${what}?$select=appId,keyCredentials`, opts.ca, token);
    const apps = await read('applications');
    // A connector that exists here only as the vendor's service principal holds its credential there,
    // and any app's service principal can hold credentials too (drift): a connector holds the union.
    const sps = apps && (await read('servicePrincipals'));
    const tenant: SimTenant = { entraTenantId: id, readable: Boolean(apps && sps), apps: [] };
    for (const x of apps && sps ? [...apps, ...sps] : []) {
      const app = tenant.apps.find((a) => a.appId === x.appId);
      if (app) app.sha1.push(...x.sha1.filter((s) => !app.sha1.includes(s)));
      else if (x.sha1.length || apps!.includes(x)) tenant.apps.push({ appId: x.appId, sha1: [...x.sha1] });
    }
    out.push(tenant);
  }
  return out;
}

/** Every object of a Graph collection with its certificates' SHA-1 thumbprints, all pages; null when Graph refuses the read. */
async function readKeyCredentials(
  firstUrl: string,
  ca: string | undefined,
  token: string,
): Promise<{ appId: string; sha1: string[] }[] | null> {
  const out: { appId: string; sha1: string[] }[] = [];
  let url: string | undefined = firstUrl;
  while (url) {
    const page: {
      status: number;
      body: {
        value: { appId: string; keyCredentials: { customKeyIdentifier: string | null }[] }[];
        '@odata.nextLink'?: string;
      };
    } = await getJson(url, ca, { authorization: `Bearer ${token}` });
    if (page.status !== 200) return null;
    for (const o of page.body.value)
      out.push({
        appId: o.appId,
        sha1: o.keyCredentials
          .filter((k) => k.customKeyIdentifier)
          .map((k) => Buffer.from(k.customKeyIdentifier!, 'base64').toString('hex').toUpperCase()),
      });
    url = page.body['@odata.nextLink'];
  }
  return out;
}

/**
 * Apps in each readable tenant that hold a credential whose SHA-1 thumbprint is in `thumbprints`,
 * as `entraTenantId/appId`. Tenants whose token the management app is refused (consent revoked)
 * are returned separately: nobody, Rekey included, can read them.
 */
export async function appsHoldingThumbprints(opts: {
  simUrl: string;
  ca?: string;
  manifest: SimManifest;
  thumbprints: Set<string>;
}): Promise<{ holding: Set<string>; unreadable: string[] }> {
  const holding = new Set<string>();
  const unreadable: string[] = [];
  for (const t of await readSimTenants(opts)) {
    if (!t.readable) unreadable.push(t.entraTenantId);
    for (const app of t.apps)
      if (app.sha1.some((s) => opts.thumbprints.has(s))) holding.add(`${t.entraTenantId}/${app.appId}`);
  }
  return { holding, unreadable };
}
/**
 * The application permissions the management app holds in `tenantId`, as Microsoft says them: the
 * `roles` claim of a fresh client-credentials token (null when the tenant refuses a token).
 */
export async function managementAppRoles(opts: {
  simUrl: string;
  ca: string;
  manifest: SimManifest;
  tenantId: string;
}): Promise<string[] | null> {
  const cca = managementClient(opts, opts.tenantId);
  try {
    const r = await cca.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
      skipCache: true,
    });
    const payload = JSON.parse(Buffer.from(r!.accessToken.split('.')[1]!, 'base64url').toString('utf8')) as {
      roles?: string[];
    };
    return [...(payload.roles ?? [])].sort();
  } catch {
    return null;
  }
}

/**
 * The client secrets (keyIds) and federated identity credentials (ids) of one application, read as
 * Microsoft would be read (the management app's token; `$select=passwordCredentials` and
 * `/federatedIdentityCredentials`) — for checks after planting or removing them (issue 18).
 */
export async function appCredentialKinds(opts: {
  simUrl: string;
  ca: string;
  manifest: SimManifest;
  tenantId: string;
  appId: string;
}): Promise<{ secrets: string[]; federated: string[] }> {
  const cca = managementClient(opts, opts.tenantId);
  const token = (await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }))!
    .accessToken;
  const headers = { authorization: `Bearer ${token}` };
  const app = await getJson<{ id: string; passwordCredentials: { keyId: string }[] }>(
    `${opts.simUrl}/v1.0/applications(appId='${opts.appId}')?$select=id,passwordCredentials`,
    opts.ca,
    headers,
  );
  if (app.status !== 200) throw new Error(`reading application ${opts.appId}: HTTP ${app.status}`);
  const fics = await getJson<{ value: { id: string }[] }>(
    `${opts.simUrl}/v1.0/applications/${app.body.id}/federatedIdentityCredentials`,
    opts.ca,
    headers,
  );
  if (fics.status !== 200) throw new Error(`reading federated credentials of ${opts.appId}: HTTP ${fics.status}`);
  return {
    secrets: app.body.passwordCredentials.map((p) => p.keyId),
    federated: fics.body.value.map((f) => f.id),
  };
}
