// Rotate a connector's certificate against the simulator using nothing but MSAL, fetch and the fleet
// manifest: add a new certificate, get a token with it, remove it again, and see AADSTS700027.
//
//   npm run sim -- --seed demo            # in one terminal
//   NODE_EXTRA_CA_CERTS=.data/sim/ca.pem npx tsx sim/examples/rotate-demo.ts [.data/sim/fleet.json]
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ConfidentialClientApplication, ServerError } from '@azure/msal-node';
import type { FleetManifest, ManifestCertificate } from '../seed/fleet-manifest';

export interface RotateDemoResult {
  tenantId: string;
  appId: string;
  newThumbprint: string;
  newThumbprintSha256: string;
  tokenWithNewCertificate: boolean;
  refusedAfterRemoval: string | null;
}

function cca(
  manifest: FleetManifest,
  tenantId: string,
  clientId: string,
  cert: { privateKeyPath: string; thumbprintSha256: string },
): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId,
      authority: `${manifest.simUrl}/${tenantId}`,
      knownAuthorities: [new URL(manifest.simUrl).host],
      clientCertificate: {
        thumbprintSha256: cert.thumbprintSha256,
        privateKey: fs.readFileSync(cert.privateKeyPath, 'utf8'),
      },
    },
  });
}

async function token(app: ConfidentialClientApplication, graphHost: string): Promise<string> {
  const r = await app.acquireTokenByClientCredential({ scopes: [`https://${graphHost}/.default`], skipCache: true });
  if (!r) throw new Error('no token');
  return r.accessToken;
}

function certBase64(c: ManifestCertificate): string {
  return fs.readFileSync(c.certificatePath, 'utf8').replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
}

export async function runRotateDemo(
  manifest: FleetManifest,
  log: (line: string) => void = console.log,
): Promise<RotateDemoResult> {
  const skip = new Set([manifest.scenarios.consentRevokedTenantId, manifest.scenarios.policyRestrictedTenantId]);
  const tenant = manifest.tenants.find((t) => !skip.has(t.id) && t.connectors.length > 0);
  if (!tenant) throw new Error('no usable tenant in the manifest');
  const connector = tenant.connectors[0]!;
  const fresh = manifest.vendor.certificates.find(
    (c) => c.status === 'current' && c.name !== connector.certificate && c.privateKeyPath,
  );
  if (!fresh?.privateKeyPath) throw new Error('no spare vendor certificate in the manifest');
  const freshCert = { privateKeyPath: fresh.privateKeyPath, thumbprintSha256: fresh.thumbprintSha256 };
  log(`tenant ${tenant.name} (${tenant.id}), connector ${connector.displayName} (${connector.appId})`);

  const mgmt = manifest.managementApp;
  const mgmtToken = await token(
    cca(manifest, tenant.id, mgmt.appId, {
      privateKeyPath: mgmt.privateKeyPath,
      thumbprintSha256: mgmt.thumbprintSha256,
    }),
    manifest.cloud.graphHost,
  );
  const graph = async (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${manifest.simUrl}/v1.0${path}`, {
      method,
      headers: { authorization: `Bearer ${mgmtToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const appPath = `/applications(appId='${connector.appId}')`;
  const current = (await (await graph('GET', `${appPath}?$select=id,keyCredentials`)).json()) as {
    keyCredentials: Record<string, unknown>[];
  };
  const kept = current.keyCredentials;
  log(`holds ${kept.length} credential(s); adding ${fresh.thumbprintSha1}`);
  const add = await graph('PATCH', appPath, {
    keyCredentials: [
      ...kept,
      { type: 'AsymmetricX509Cert', usage: 'Verify', key: certBase64(fresh), displayName: `CN=${fresh.name}` },
    ],
  });
  if (add.status !== 204) throw new Error(`PATCH (add) failed: ${add.status} ${await add.text()}`);

  await token(cca(manifest, tenant.id, connector.appId, freshCert), manifest.cloud.graphHost);
  log('the new certificate obtains a token');

  const remove = await graph('PATCH', appPath, { keyCredentials: kept });
  if (remove.status !== 204) throw new Error(`PATCH (remove) failed: ${remove.status} ${await remove.text()}`);
  log('removed it again');

  let refused: string | null = null;
  try {
    await token(cca(manifest, tenant.id, connector.appId, freshCert), manifest.cloud.graphHost);
  } catch (err) {
    if (!(err instanceof ServerError)) throw err;
    refused = err.errorMessage;
  }
  log(refused ? `refused: ${refused.split(' - ')[0]} … ${/AADSTS\d+/.exec(refused)?.[0] ?? ''}` : 'NOT refused');
  return {
    tenantId: tenant.id,
    appId: connector.appId,
    newThumbprint: fresh.thumbprintSha1,
    newThumbprintSha256: fresh.thumbprintSha256,
    tokenWithNewCertificate: true,
    refusedAfterRemoval: refused,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const manifestPath = process.argv[2] ?? '.data/sim/fleet.json';
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as FleetManifest;
  const result = await runRotateDemo(manifest);
  if (!result.refusedAfterRemoval?.includes('700027')) process.exit(1);
}
