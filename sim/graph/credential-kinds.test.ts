// Client secrets and federated identity credentials in the simulator, through the real Graph client
// and the token endpoint over HTTPS (sources: sim/README.md).
import { GraphError } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_REPLICATION_LAG } from '../directory/replication';
import { MANAGEMENT_GRAPH_ROLES } from '../seed/demo-fleet';
import type { ManifestTenant, FleetManifest } from '../seed/fleet-manifest';
import type { SimHandle } from '../server';
import { certFromFiles, simGraphClient, simMsal, simToken, type ClientCert } from '../testing/sim-clients';
import { startTestSim } from '../testing/start-test-sim';

let sim: SimHandle;
let manifest: FleetManifest;
let mgmt: ClientCert;

const graphFor = (tenantId: string) => {
  let token: Promise<string> | null = null;
  return simGraphClient(sim, () => (token ??= simToken(simMsal(sim, tenantId, manifest.managementApp.appId, mgmt))));
};

async function graphError(p: Promise<unknown>): Promise<GraphError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphError);
  return err as GraphError;
}

/** A client-credentials token request with a client secret; the AADSTS code on failure. */
async function secretToken(
  tenantId: string,
  clientId: string,
  secret: string,
): Promise<{ ok: boolean; code?: number }> {
  const res = await fetch(`${sim.url}/${tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  const body = (await res.json()) as { access_token?: string; error_codes?: number[] };
  return res.ok && body.access_token ? { ok: true } : { ok: false, code: body.error_codes?.[0] };
}

const plain = (i: number): ManifestTenant => manifest.tenants.filter((t) => t.managementConsent === 'granted')[i]!;

beforeAll(async () => {
  // Read-backs right after each write; the lag has its own test below.
  sim = await startTestSim({ replication: NO_REPLICATION_LAG });
  manifest = sim.manifest!;
  const m = manifest.managementApp;
  mgmt = certFromFiles(m.certificatePath, m.privateKeyPath, m.thumbprintSha1, m.thumbprintSha256);
});
afterAll(async () => {
  await sim.close();
});

describe('client secrets (passwordCredentials)', () => {
  it('addPassword returns secretText once; reads show keyId, hint and dates with secretText null', async () => {
    const t = plain(0);
    const c = t.connectors[0]!;
    const graph = graphFor(t.id);
    const added = (await graph
      .api(`/applications/${c.applicationObjectId}/addPassword`)
      .post({ passwordCredential: { displayName: 'ci secret' } })) as Record<string, string>;
    expect(added.secretText).toMatch(/^.{40}$/);
    expect(added.hint).toBe(added.secretText!.slice(0, 3));
    // Default end: start + 2 years.
    expect(Date.parse(added.endDateTime!) - Date.parse(added.startDateTime!)).toBe(2 * 365 * 86_400_000);
    const one = (await graph.api(`/applications/${c.applicationObjectId}`).select('id,passwordCredentials').get()) as {
      passwordCredentials: Record<string, unknown>[];
    };
    const listed = (await graph
      .api('/applications')
      .filter(`appId eq '${c.appId}'`)
      .select('id,passwordCredentials')
      .get()) as { value: { passwordCredentials: Record<string, unknown>[] }[] };
    for (const read of [one.passwordCredentials, listed.value[0]!.passwordCredentials]) {
      const seen = read.find((p) => p.keyId === added.keyId)!;
      expect(seen).toMatchObject({ hint: added.hint, displayName: 'ci secret', secretText: null });
    }
    expect(JSON.stringify(one)).not.toContain(added.secretText);
    await graph.api(`/applications/${c.applicationObjectId}/removePassword`).post({ keyId: added.keyId });
  });

  it('a live secret gets a token; a wrong one is AADSTS7000215, an expired one AADSTS7000222', async () => {
    const t = plain(1);
    const c = t.connectors[0]!;
    const live = sim.admin.addPasswordCredentialDirect(t.id, { appId: c.appId });
    const expired = sim.admin.addPasswordCredentialDirect(t.id, {
      appId: c.appId,
      startDateTime: new Date(Date.now() - 10 * 86_400_000).toISOString(),
      endDateTime: new Date(Date.now() - 86_400_000).toISOString(),
    });
    expect(await secretToken(t.id, c.appId, live.secretText)).toEqual({ ok: true });
    expect(await secretToken(t.id, c.appId, `${live.secretText}x`)).toEqual({ ok: false, code: 7000215 });
    expect(await secretToken(t.id, c.appId, expired.secretText)).toEqual({ ok: false, code: 7000222 });
    // The sign-in log records a client-secret sign-in with the secret's keyId.
    const signIn = sim.admin.listSignIns(t.id, { appId: c.appId }).find((s) => s.status?.errorCode === 0);
    expect(signIn).toMatchObject({ clientCredentialType: 'clientSecret', servicePrincipalCredentialKeyId: live.keyId });
    const graph = graphFor(t.id);
    for (const keyId of [live.keyId, expired.keyId])
      await graph.api(`/applications/${c.applicationObjectId}/removePassword`).post({ keyId });
    // Removed: the secret no longer signs in; removing it again is a 400.
    expect(await secretToken(t.id, c.appId, live.secretText)).toEqual({ ok: false, code: 7000215 });
    const again = await graphError(
      graph.api(`/applications/${c.applicationObjectId}/removePassword`).post({ keyId: live.keyId }),
    );
    expect(again.statusCode).toBe(400);
  });

  it('addPassword needs Application.ReadWrite.OwnedBy/All (Application.Read.All → 403), even on the caller itself', async () => {
    const t = plain(2);
    const c = t.connectors[0]!;
    sim.admin.revokeConsent(t.id, manifest.managementApp.appId, 'remove-app-roles');
    try {
      sim.admin.grantAppRoles(t.id, manifest.managementApp.appId, ['Application.Read.All']);
      const err = await graphError(
        graphFor(t.id).api(`/applications/${c.applicationObjectId}/addPassword`).post({ passwordCredential: {} }),
      );
      expect(err.statusCode).toBe(403);
      expect(err.code).toBe('Authorization_RequestDenied');
    } finally {
      sim.admin.revokeConsent(t.id, manifest.managementApp.appId, 'remove-app-roles');
      sim.admin.grantAppRoles(t.id, manifest.managementApp.appId, [...MANAGEMENT_GRAPH_ROLES]);
    }
  });

  it('a new secret is refused at the token endpoint until it has replicated', async () => {
    const t = plain(0);
    const c = t.connectors[0]!;
    sim.admin.setReplication({ enabled: true, minLagMs: 400, maxLagMs: 400, seed: 'secrets' });
    try {
      const graph = graphFor(t.id);
      const added = (await graph.api(`/applications/${c.applicationObjectId}/addPassword`).post({})) as {
        keyId: string;
        secretText: string;
      };
      expect(await secretToken(t.id, c.appId, added.secretText)).toEqual({ ok: false, code: 7000215 });
      await new Promise((r) => setTimeout(r, 600));
      expect(await secretToken(t.id, c.appId, added.secretText)).toEqual({ ok: true });
      await graph.api(`/applications/${c.applicationObjectId}/removePassword`).post({ keyId: added.keyId });
    } finally {
      sim.admin.setReplication(NO_REPLICATION_LAG);
    }
  });
});

describe('federated identity credentials', () => {
  const fic = (name: string, subject = `repo:contoso/${name}:ref:refs/heads/main`) => ({
    name,
    issuer: 'https://token.actions.githubusercontent.com',
    subject,
    audiences: ['api://AzureADTokenExchange'],
  });

  it('create (201), list, get by name, delete by id (204); then 404', async () => {
    const t = plain(3);
    const c = t.connectors[0]!;
    const graph = graphFor(t.id);
    const base = `/applications/${c.applicationObjectId}/federatedIdentityCredentials`;
    const created = (await graph.api(base).post(fic('deploy'))) as Record<string, unknown>;
    expect(created).toMatchObject({ ...fic('deploy'), description: null });
    const list = (await graph.api(base).get()) as { value: Record<string, unknown>[] };
    expect(list.value.map((f) => f.name)).toEqual(['deploy']);
    expect(((await graph.api(`${base}/deploy`).get()) as { id: string }).id).toBe(created.id);
    await graph.api(`${base}/${String(created.id)}`).delete();
    expect((await graphError(graph.api(`${base}/deploy`).get())).statusCode).toBe(404);
    expect(((await graph.api(base).get()) as { value: unknown[] }).value).toEqual([]);
  });

  it('refuses a duplicate name, a duplicate issuer+subject, two audiences and a 21st credential', async () => {
    const t = plain(3);
    const c = t.connectors[0]!;
    const graph = graphFor(t.id);
    const base = `/applications/${c.applicationObjectId}/federatedIdentityCredentials`;
    await graph.api(base).post(fic('one'));
    expect((await graphError(graph.api(base).post(fic('ONE', 'other')))).statusCode).toBe(409);
    expect((await graphError(graph.api(base).post(fic('two', fic('one').subject)))).statusCode).toBe(409);
    const two = await graphError(graph.api(base).post({ ...fic('two'), audiences: ['a', 'b'] }));
    expect(two.statusCode).toBe(400);
    expect((await graphError(graph.api(base).post({ ...fic('bad name!') }))).statusCode).toBe(400);
    for (let i = 2; i <= 20; i++) await graph.api(base).post(fic(`n${i}`));
    const full = await graphError(graph.api(base).post(fic('n21')));
    expect(full.statusCode).toBe(400);
    expect(full.message).toContain('at most 20');
    const all = (await graph.api(base).get()) as { value: { id: string }[] };
    expect(all.value).toHaveLength(20);
    for (const f of all.value) await graph.api(`${base}/${f.id}`).delete();
  });

  it('reading needs Application.Read.All or more; writing needs OwnedBy (as owner) or Application.ReadWrite.All', async () => {
    const t = plain(4);
    const c = t.connectors[0]!;
    const base = `/applications/${c.applicationObjectId}/federatedIdentityCredentials`;
    sim.admin.revokeConsent(t.id, manifest.managementApp.appId, 'remove-app-roles');
    try {
      sim.admin.grantAppRoles(t.id, manifest.managementApp.appId, ['Application.Read.All']);
      const graph = graphFor(t.id);
      expect(((await graph.api(base).get()) as { value: unknown[] }).value).toEqual([]);
      expect((await graphError(graph.api(base).post(fic('x')))).statusCode).toBe(403);
    } finally {
      sim.admin.revokeConsent(t.id, manifest.managementApp.appId, 'remove-app-roles');
      sim.admin.grantAppRoles(t.id, manifest.managementApp.appId, [...MANAGEMENT_GRAPH_ROLES]);
    }
  });
});
