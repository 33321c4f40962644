// Service-principal connectors (a vendor's multi-tenant app: only its service principal is in the
// customer tenant, with the certificate on it) and the app instance property lock.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_REPLICATION_LAG } from '../directory/replication';
import { createSelfSignedCertificate } from '../crypto/x509';
import type { SimHandle } from '../server';
import type { FleetManifest, ManifestServicePrincipalConnector } from '../seed/fleet-manifest';
import { certFromFiles, simMsal, simToken, type ClientCert } from '../testing/sim-clients';
import { startTestSim } from '../testing/start-test-sim';

const DAY = 86_400_000;
let sim: SimHandle;
let manifest: FleetManifest;
let mgmt: ClientCert;
let open: ManifestServicePrincipalConnector;
let locked: ManifestServicePrincipalConnector;

async function call(tenantId: string, method: string, path: string, body?: unknown) {
  const token = await simToken(simMsal(sim, tenantId, manifest.managementApp.appId, mgmt));
  const res = await fetch(`${sim.url}/v1.0${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}

const newCert = (cn: string) =>
  createSelfSignedCertificate({
    subjectCn: cn,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 100 * DAY),
  });

beforeAll(async () => {
  sim = await startTestSim({ replication: NO_REPLICATION_LAG });
  manifest = sim.manifest!;
  const m = manifest.managementApp;
  mgmt = certFromFiles(m.certificatePath, m.privateKeyPath, m.thumbprintSha1, m.thumbprintSha256);
  const spc = manifest.servicePrincipalConnectors ?? [];
  open = spc.find((c) => !c.locked)!;
  locked = spc.find((c) => c.locked)!;
});
afterAll(async () => {
  await sim?.close();
});

describe('service-principal connectors', () => {
  it('are seeded as a service principal only, with the certificate on the service principal', async () => {
    expect(open).toBeDefined();
    expect(locked).toBeDefined();
    const apps = await call(open.tenantId, 'GET', `/applications?$filter=appId eq '${open.appId}'`);
    expect(apps.status).toBe(200);
    expect(apps.body.value).toEqual([]);
    const sps = await call(
      open.tenantId,
      'GET',
      `/servicePrincipals?$filter=appId eq '${open.appId}'&$select=id,appId,appOwnerOrganizationId,keyCredentials`,
    );
    expect(sps.body.value).toHaveLength(1);
    const sp = sps.body.value[0];
    expect(sp.id).toBe(open.servicePrincipalId);
    expect(sp.appOwnerOrganizationId).toBe(open.homeTenantId);
    expect(sp.keyCredentials.map((k: { keyId: string }) => k.keyId)).toEqual([open.keyId]);
    // `key` only with $select=keyCredentials, on a single GET too.
    expect(sp.keyCredentials[0].key).toMatch(/^MII/);
    const one = await call(open.tenantId, 'GET', `/servicePrincipals/${open.servicePrincipalId}`);
    expect(one.body.keyCredentials[0].key).toBeNull();
  });

  it('PATCH keyCredentials on an unlocked service principal replaces the list; the new key gets a token', async () => {
    const cert = newCert('relay-next');
    const cur = await call(
      open.tenantId,
      'GET',
      `/servicePrincipals/${open.servicePrincipalId}?$select=keyCredentials`,
    );
    const keep = cur.body.keyCredentials;
    const patch = await call(open.tenantId, 'PATCH', `/servicePrincipals/${open.servicePrincipalId}`, {
      keyCredentials: [
        ...keep,
        { type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.der.toString('base64'), displayName: 'CN=relay-next' },
      ],
    });
    expect(patch.status).toBe(204);
    const token = await simToken(
      simMsal(sim, open.tenantId, open.appId, {
        privateKeyPem: cert.privateKeyPem,
        sha1Hex: cert.info.sha1Hex,
        sha256Hex: cert.info.sha256Hex,
      }),
    );
    expect(token.split('.')).toHaveLength(3);
    // Put the list back as it was (the other tests read the seeded state).
    expect(
      (await call(open.tenantId, 'PATCH', `/servicePrincipals/${open.servicePrincipalId}`, { keyCredentials: keep }))
        .status,
    ).toBe(204);
  });

  it('the app instance property lock refuses every credential change on the service principal, and nothing changes', async () => {
    const cert = newCert('relay-locked');
    const path = `/servicePrincipals/${locked.servicePrincipalId}`;
    const before = (await call(locked.tenantId, 'GET', `${path}?$select=keyCredentials,passwordCredentials`)).body;
    const attempts = [
      call(locked.tenantId, 'PATCH', path, {
        keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.der.toString('base64') }],
      }),
      call(locked.tenantId, 'POST', `${path}/addPassword`, { passwordCredential: { displayName: 'x' } }),
      call(locked.tenantId, 'POST', `${path}/removePassword`, { keyId: crypto.randomUUID() }),
    ];
    for (const r of await Promise.all(attempts)) {
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('CannotUpdateLockedServicePrincipalProperty');
      expect(r.body.error.message).toMatch(/^Property (keyCredentials|passwordCredentials) is invalid\.$/);
    }
    const after = (await call(locked.tenantId, 'GET', `${path}?$select=keyCredentials,passwordCredentials`)).body;
    expect(after.keyCredentials).toEqual(before.keyCredentials);
    expect(after.passwordCredentials).toEqual([]);
  });

  it('without the lock, removePassword of an unknown keyId changes nothing and says so', async () => {
    const r = await call(open.tenantId, 'POST', `/servicePrincipals/${open.servicePrincipalId}/removePassword`, {
      keyId: crypto.randomUUID(),
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).not.toBe('CannotUpdateLockedServicePrincipalProperty');
  });

  it('the lock lives on the vendor application (readable in its home tenant) and only there', () => {
    const app = sim.state.appsByAppId.get(locked.appId)!;
    expect(app.tenantId).toBe(locked.homeTenantId);
    expect(app.servicePrincipalLockConfiguration).toMatchObject({ isEnabled: true, allProperties: true });
  });

  it('lifting the lock (isEnabled false) lets the change through', async () => {
    const app = sim.state.appsByAppId.get(locked.appId)!;
    const saved = app.servicePrincipalLockConfiguration;
    app.servicePrincipalLockConfiguration = { ...saved!, isEnabled: false };
    try {
      const r = await call(locked.tenantId, 'POST', `/servicePrincipals/${locked.servicePrincipalId}/removePassword`, {
        keyId: crypto.randomUUID(),
      });
      expect(r.body.error.code).not.toBe('CannotUpdateLockedServicePrincipalProperty');
    } finally {
      app.servicePrincipalLockConfiguration = saved;
    }
  });

  it("lists a service principal's own owners (none for the vendor's)", async () => {
    const r = await call(open.tenantId, 'GET', `/servicePrincipals/${open.servicePrincipalId}/owners`);
    expect(r.status).toBe(200);
    expect(r.body.value).toEqual([]);
  });
});
