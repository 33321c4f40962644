/**
 * The Graph layer against sim/ in-process over HTTPS, with the real MSAL and graph-client.
 * Each test that changes state builds its own tenant and connector, so tests don't share fate.
 */
import { NO_REPLICATION_LAG } from '@/sim/directory/replication';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RekeyError } from '@/lib/errors';
import { acquireTokenAsApp } from '@/lib/graph/acquire-token-as-app';
import { addKeyCredential } from '@/lib/graph/add-key-credential';
import { keyCredentialFromPem } from '@/lib/graph/describe-key-credential';
import { findApplication, findConnection, findServicePrincipal } from '@/lib/graph/find-application';
import { getOrganization } from '@/lib/graph/get-organization';
import { listConnectorObjects } from '@/lib/graph/list-connector-objects';
import { listKeyCredentials, listKeyCredentialsBatch } from '@/lib/graph/list-key-credentials';
import { listSignIns } from '@/lib/graph/list-sign-ins';
import { recreateConnection } from '@/lib/graph/recreate-connection';
import { removeKeyCredential } from '@/lib/graph/remove-key-credential';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { verifyKeyCredential } from '@/lib/graph/verify-key-credential';
import { buildCert } from '@/lib/testing/certs';

const DAY = 86_400_000;
let gs: GraphSim;
let slot = 100;
/** A fresh RSA certificate valid from yesterday for `days`. */
function newCert(name: string, days = 200) {
  const now = Date.now();
  return buildCert({
    subject: `CN=${name}`,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + days * DAY),
    slot: slot++,
  });
}
const held = (c: { pem: string; keyPem: string }) => ({ certificatePem: c.pem, privateKeyPem: c.keyPem });
const verifyWith = (tenantId: string, appId: string, c: { pem: string; keyPem: string }) =>
  acquireTokenAsApp({
    authorityHost: gs.sim.url,
    graphResource: 'https://graph.microsoft.com',
    tenantId,
    clientId: appId,
    certificatePem: c.pem,
    privateKeyPem: c.keyPem,
  });

beforeAll(async () => {
  // Single Graph operations and their read-back: without the replication lag (the rotation and
  // chaos suites run with it; sim/directory/replication.test.ts covers the lag itself).
  gs = await startGraphSim({ throttling: false, replication: NO_REPLICATION_LAG });
});
afterAll(async () => {
  await gs?.close();
});
afterEach(() => {
  gs.sim.faults.clear();
  gs.sim.admin.setThrottling(false);
});

describe('reading', () => {
  it('reads the organization of a consented tenant', async () => {
    const t = gs.healthyTenant();
    const org = await getOrganization(gs.graph.gateway, { id: t.id, name: t.name });
    expect(org.id).toBe(t.id);
    expect(org.verifiedDomains?.some((d) => d.name === t.domain)).toBe(true);
  });

  it('finds a connector application and its service principal, and null for an unknown appId', async () => {
    const t = gs.healthyTenant();
    const c = t.connectors[0]!;
    const found = await findConnection(gs.graph.gateway, t.id, c.appId);
    expect(found.application?.id).toBe(c.applicationObjectId);
    expect(found.servicePrincipal?.id).toBe(c.servicePrincipalId);
    await expect(findApplication(gs.graph.gateway, t.id, '6d1c1b8e-0000-4000-8000-000000000000')).resolves.toBeNull();
  });

  it('lists keyCredentials with their key bytes, singly and through $batch', async () => {
    const t = gs.healthyTenant();
    const c = t.connectors[0]!;
    const single = await listKeyCredentials(gs.graph.gateway, t.id, {
      on: 'application',
      objectId: c.applicationObjectId,
    });
    expect(single.length).toBeGreaterThan(0);
    expect(single.every((k) => typeof k.key === 'string' && k.key.length > 100)).toBe(true);
    const batch = await listKeyCredentialsBatch(gs.graph.gateway, t.id, [
      { on: 'application', objectId: c.applicationObjectId },
      { on: 'servicePrincipal', objectId: c.servicePrincipalId },
      { on: 'application', objectId: '00000000-0000-4000-8000-00000000dead' },
    ]);
    const app = batch.get(c.applicationObjectId);
    expect(app?.ok && app.keyCredentials.map((k) => k.keyId)).toEqual(single.map((k) => k.keyId));
    expect(batch.get(c.servicePrincipalId)?.ok).toBe(true);
    const missing = batch.get('00000000-0000-4000-8000-00000000dead');
    expect(missing?.ok === false && missing.error.code).toBe('NOT_FOUND');
  });

  it('follows @odata.nextLink across pages and filters by display-name prefix', async () => {
    const t = gs.makeTenant({ name: 'Paging Ltd' });
    for (let i = 0; i < 45; i++)
      gs.makeConnector(t.id, { displayName: `Acme Sync ${String(i).padStart(2, '0')}`, graphRoles: [] });
    gs.makeConnector(t.id, { displayName: 'Other App', graphRoles: [] });
    const gw = gs.newGraph().gateway;
    const all = await gw.listAll<{ displayName: string }>(t.id, {
      method: 'GET',
      path: "/applications?$filter=startswith(displayName,'Acme Sync')&$top=10",
      operation: 'list',
    });
    expect(all).toHaveLength(45);
    expect(gw.counters.requests).toBe(5);
    const [pattern] = await listConnectorObjects(gw, t.id, [{ displayNamePattern: 'acme sync 1*' }]);
    const apps = pattern!.applications;
    expect(apps.map((a) => a.displayName).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `Acme Sync 1${i}`));
  });
});

describe('listing connector objects in one $batch', () => {
  it("lists every match's applications and service principals in one round trip, following a page's nextLink", async () => {
    const t = gs.makeTenant({ name: 'Batch Lists Ltd' });
    // More than a page ($top=999) of applications and service principals for the pattern.
    for (let i = 0; i < 1_001; i++)
      gs.makeConnector(t.id, { displayName: `Acme Relay ${String(i).padStart(4, '0')}`, graphRoles: [] });
    const fixed = gs.makeConnector(t.id, { displayName: 'Fixed Id App', graphRoles: [] });
    gs.makeConnector(t.id, { displayName: 'Other App', graphRoles: [] });
    const gw = gs.newGraph().gateway;
    const [byPattern, byAppId] = await listConnectorObjects(gw, t.id, [
      { displayNamePattern: 'Acme Relay*' },
      { appId: fixed.appId },
    ]);
    expect(byPattern!.applications).toHaveLength(1_001);
    expect(byPattern!.servicePrincipals).toHaveLength(1_001);
    expect(byAppId!.applications.map((a) => a.appId)).toEqual([fixed.appId]);
    expect(byAppId!.servicePrincipals.map((s) => s.id)).toEqual([fixed.spObjectId]);
    // The $batch, then the second page of each of the pattern's two lists.
    expect(gw.counters.requests).toBe(3);
  });

  it("names a failed item's own operation and permission", async () => {
    const t = gs.makeTenant({ name: 'Batch Failure Ltd', roles: [] });
    const gw = gs.newGraph().gateway;
    const err = await listConnectorObjects(gw, t.id, [{ displayNamePattern: 'Acme*' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RekeyError);
    expect((err as RekeyError).message).toMatch(/list the applications/);
  });
});

describe('adding a credential', () => {
  it('uses addKey with a proof when Rekey holds the current key, and is idempotent', async () => {
    const t = gs.makeTenant({ name: 'AddKey Ltd' });
    const old = newCert('old');
    const c = gs.makeConnector(t.id, { displayName: 'Conn A', certificates: [old.pem] });
    const next = newCert('next');
    const target = { on: 'application' as const, objectId: c.appObjectId };
    const r = await addKeyCredential(gs.graph.gateway, t.id, {
      target,
      credential: keyCredentialFromPem(next.pem),
      heldKeys: [held(old)],
      now: new Date(),
    });
    expect(r.path).toBe('addKey');
    expect(r.reason).toMatch(/Rekey holds the private key of the current credential/);
    expect(r.after!).toHaveLength(2);
    expect(r.after!.find((x) => x.keyId === r.keyId)?.sha1).toBe(r.sha1);
    const again = await addKeyCredential(gs.graph.gateway, t.id, {
      target,
      credential: keyCredentialFromPem(next.pem),
      heldKeys: [held(old)],
      now: new Date(),
    });
    expect(again).toMatchObject({ path: 'none', keyId: r.keyId });
    expect(again.reason).toMatch(/already on the application/);
    await expect(verifyWith(t.id, c.appId, next)).resolves.toMatchObject({ ok: true });
  });

  it('uses read-modify-write PATCH when no valid key is held, preserving the other credentials', async () => {
    const t = gs.makeTenant({ name: 'Patch Ltd' });
    const a = newCert('a');
    const b = newCert('b');
    const c = gs.makeConnector(t.id, { displayName: 'Conn B', certificates: [a.pem, b.pem] });
    const target = { on: 'application' as const, objectId: c.appObjectId };
    const before = await listKeyCredentials(gs.graph.gateway, t.id, target);
    const next = newCert('patched');
    const r = await addKeyCredential(gs.graph.gateway, t.id, {
      target,
      credential: keyCredentialFromPem(next.pem),
      heldKeys: [],
      now: new Date(),
    });
    expect(r).toMatchObject({
      path: 'patch',
      reason: 'no currently valid private key of this object is held by Rekey',
    });
    expect(r.after!).toHaveLength(3);
    expect(r.after!.map((x) => x.sha1)).toEqual(expect.arrayContaining(r.before.map((x) => x.sha1)));
    // The old credentials still work: nothing was lost in the rewrite.
    await expect(verifyWith(t.id, c.appId, a)).resolves.toMatchObject({ ok: true });
    await expect(verifyWith(t.id, c.appId, next)).resolves.toMatchObject({ ok: true });
    expect(before).toHaveLength(2);
  });

  it('adds to a service principal too', async () => {
    const t = gs.makeTenant({ name: 'SP Ltd' });
    const c = gs.makeConnector(t.id, { displayName: 'Conn SP' });
    const next = newCert('sp');
    const r = await addKeyCredential(gs.graph.gateway, t.id, {
      target: { on: 'servicePrincipal', objectId: c.spObjectId },
      credential: keyCredentialFromPem(next.pem),
      heldKeys: [],
      now: new Date(),
    });
    expect(r.path).toBe('patch');
    expect(r.after!.map((x) => x.on)).toEqual(['servicePrincipal']);
  });
});

describe('verifying a credential', () => {
  it('obtains a token when the key is held, else checks presence and dates', async () => {
    const t = gs.makeTenant({ name: 'Verify Ltd' });
    const a = newCert('a');
    const c = gs.makeConnector(t.id, { displayName: 'Conn V', certificates: [a.pem] });
    const target = { on: 'application' as const, objectId: c.appObjectId };
    const now = new Date();
    await expect(
      verifyKeyCredential(gs.graph.gateway, t.id, {
        appId: c.appId,
        target,
        certificatePem: a.pem,
        privateKeyPem: a.keyPem,
        now,
      }),
    ).resolves.toMatchObject({ method: 'token', ok: true });
    await expect(
      verifyKeyCredential(gs.graph.gateway, t.id, { appId: c.appId, target, certificatePem: a.pem, now }),
    ).resolves.toMatchObject({ method: 'presence', ok: true });
    const stranger = newCert('stranger');
    await expect(
      verifyKeyCredential(gs.graph.gateway, t.id, {
        appId: c.appId,
        target,
        certificatePem: stranger.pem,
        privateKeyPem: stranger.keyPem,
        now,
      }),
    ).resolves.toMatchObject({ method: 'token', ok: false, aadsts: 700027, inconclusive: false });
    await expect(
      verifyKeyCredential(gs.graph.gateway, t.id, { appId: c.appId, target, certificatePem: stranger.pem, now }),
    ).resolves.toMatchObject({ method: 'presence', ok: false });
  });
});

describe('removing a credential', () => {
  it('uses removeKey signed by the key that stays, after which the old key no longer gets a token', async () => {
    const t = gs.makeTenant({ name: 'RemoveKey Ltd' });
    const old = newCert('old');
    const next = newCert('next');
    const c = gs.makeConnector(t.id, { displayName: 'Conn C', certificates: [old.pem, next.pem] });
    const target = { on: 'application' as const, objectId: c.appObjectId };
    const creds = await listKeyCredentials(gs.graph.gateway, t.id, target);
    const r = await removeKeyCredential(gs.graph.gateway, t.id, {
      target,
      sha1: keyCredentialSha1(old.pem),
      heldKeys: [held(old), held(next)],
      now: new Date(),
    });
    expect(r.path).toBe('removeKey');
    expect(r.after!).toHaveLength(1);
    expect(creds).toHaveLength(2);
    const check = await verifyWith(t.id, c.appId, old);
    expect(check).toMatchObject({ ok: false, aadsts: 700027, keyNotRegistered: true });
    await expect(verifyWith(t.id, c.appId, next)).resolves.toMatchObject({ ok: true });
    const again = await removeKeyCredential(gs.graph.gateway, t.id, {
      target,
      keyId: r.keyId!,
      heldKeys: [held(next)],
      now: new Date(),
    });
    expect(again.path).toBe('none');
  });

  it('uses PATCH without the credential when no other key is held', async () => {
    const t = gs.makeTenant({ name: 'RemovePatch Ltd' });
    const old = newCert('old');
    const other = newCert('other');
    const c = gs.makeConnector(t.id, { displayName: 'Conn D', certificates: [old.pem, other.pem] });
    const target = { on: 'application' as const, objectId: c.appObjectId };
    const r = await removeKeyCredential(gs.graph.gateway, t.id, {
      target,
      sha1: keyCredentialSha1(old.pem),
      heldKeys: [held(old)],
      now: new Date(),
    });
    expect(r.path).toBe('patch');
    expect(r.after!.map((x) => x.sha1)).toEqual([keyCredentialSha1(other.pem)]);
  });
});

describe('re-establishing a connection', () => {
  it('deletes the app and creates a new one with only the new certificate and the same permissions', async () => {
    const t = gs.makeTenant({ name: 'Recreate Ltd' });
    const compromised = newCert('compromised');
    const c = gs.makeConnector(t.id, {
      displayName: 'Conn E',
      certificates: [compromised.pem],
      graphRoles: ['Organization.Read.All', 'Mail.Read'],
    });
    const app = await findApplication(gs.graph.gateway, t.id, c.appId);
    const next = newCert('fresh');
    const progress: unknown[] = [];
    const r = await recreateConnection(gs.graph.gateway, t.id, {
      old: { appObjectId: c.appObjectId, spObjectId: c.spObjectId },
      application: { displayName: app!.displayName!, requiredResourceAccess: app!.requiredResourceAccess ?? [] },
      credential: keyCredentialFromPem(next.pem),
      onProgress: (p) => void progress.push(p),
    });
    expect(r.appId).not.toBe(c.appId);
    expect(r.skipped).toEqual([]);
    expect(r.assignments).toHaveLength(2);
    await expect(findApplication(gs.graph.gateway, t.id, c.appId)).resolves.toBeNull();
    await expect(findServicePrincipal(gs.graph.gateway, t.id, c.appId)).resolves.toBeNull();
    const creds = await listKeyCredentials(gs.graph.gateway, t.id, { on: 'application', objectId: r.appObjectId });
    expect(creds).toHaveLength(1);
    const token = await verifyWith(t.id, r.appId, next);
    expect(token).toMatchObject({ ok: true });
    expect(token.ok && token.roles.sort()).toEqual(['Mail.Read', 'Organization.Read.All']);
    // A re-run from the last saved progress creates nothing new.
    const rerun = await recreateConnection(gs.graph.gateway, t.id, {
      old: { appObjectId: c.appObjectId, spObjectId: c.spObjectId },
      application: { displayName: app!.displayName!, requiredResourceAccess: app!.requiredResourceAccess ?? [] },
      credential: keyCredentialFromPem(next.pem),
      progress: { ...(progress.at(-2) as object), assignmentsDone: false },
    });
    expect(rerun).toMatchObject({ appId: r.appId, appObjectId: r.appObjectId, spObjectId: r.spObjectId });
    expect(rerun.assignments).toHaveLength(2);
  });
});

describe('failures', () => {
  it('says Rekey is not consented, with the admin consent link', async () => {
    const t = gs.makeTenant({ name: 'Unconsented Ltd', consented: false });
    const err = await getOrganization(gs.newGraph().gateway, { id: t.id, name: 'Unconsented Ltd' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RekeyError);
    expect(err).toMatchObject({ code: 'NOT_CONSENTED', details: { aadsts: 700016 } });
    expect((err as Error).message).toMatch(
      new RegExp(
        `Rekey is not consented in tenant Unconsented Ltd .* — send the admin consent link ${gs.sim.url}/${t.id}/adminconsent\\?client_id=`,
      ),
    );
  });

  it('names the missing permission', async () => {
    const t = gs.makeTenant({ name: 'ReadOnly Ltd', roles: ['Application.Read.All', 'Organization.Read.All'] });
    const c = gs.makeConnector(t.id, { displayName: 'Conn F' });
    const gw = gs.newGraph().gateway;
    const err = await addKeyCredential(gw, t.id, {
      target: { on: 'application', objectId: c.appObjectId },
      credential: keyCredentialFromPem(newCert('x').pem),
      heldKeys: [],
      now: new Date(),
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PERMISSION_MISSING', details: { permission: 'Application.ReadWrite.All' } });
    expect((err as Error).message).toMatch(/the management app lacks Application\.ReadWrite\.All/i);
  });

  it('rides out a 429 storm, honouring Retry-After', async () => {
    const gw = gs.newGraph().gateway;
    const t = gs.healthyTenant();
    await gw.token(t.id);
    gs.sim.faults.failNext(3, 429, { retryAfterSeconds: 1, target: 'graph' });
    const started = Date.now();
    await expect(getOrganization(gw, t.id)).resolves.toMatchObject({ id: t.id });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
    expect(gw.counters).toMatchObject({ retries: 3, throttled: 3 });
  });

  it('gives up on an endless storm with a transient RATE_LIMITED', async () => {
    const gw = gs.newGraph({ maxRetries: 2 }).gateway;
    const t = gs.healthyTenant();
    gs.sim.faults.failNext(10, 429, { retryAfterSeconds: 0, target: 'graph' });
    await expect(getOrganization(gw, { id: t.id, name: t.name })).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      details: { transient: true },
    });
  });

  it('retries throttled items inside a $batch (which the library does not)', async () => {
    const t = gs.makeTenant({ name: 'Batch Ltd' });
    const targets = Array.from({ length: 30 }, (_, i) =>
      gs.makeConnector(t.id, { displayName: `Batch ${i}`, certificates: [newCert(`b${i}`).pem], graphRoles: [] }),
    );
    const gw = gs.newGraph().gateway;
    await gw.token(t.id);
    // 12 RU per second per tenant on the server: a batch of 20 single-object reads overflows it.
    gs.sim.admin.setThrottling(true, { ruPerAppTenant: { S: 12, M: 12, L: 12 }, ruWindowMs: 1_000 });
    const res = await listKeyCredentialsBatch(
      gw,
      t.id,
      targets.map((c) => ({ on: 'application' as const, objectId: c.appObjectId })),
    );
    expect([...res.values()].filter((r) => !r.ok).map((r) => !r.ok && r.error.message)).toEqual([]);
    expect([...res.values()].every((r) => r.ok && r.keyCredentials.length === 1)).toBe(true);
    expect(gw.counters.throttled).toBeGreaterThan(0);
    expect(gw.counters.retries).toBeGreaterThan(0);
  });

  it('reports a token endpoint outage as transient, then recovers in the same process', async () => {
    const env = gs.newGraph({ maxRetries: 1 });
    const t = gs.healthyTenant();
    gs.sim.faults.tokenEndpointDown(30);
    await expect(getOrganization(env.gateway, { id: t.id, name: t.name })).rejects.toMatchObject({
      code: 'GRAPH_UNAVAILABLE',
      details: { transient: true },
    });
    gs.sim.faults.clear();
    await expect(getOrganization(env.gateway, t.id)).resolves.toMatchObject({ id: t.id });
  });

  it('bridges a short token endpoint outage with retries', async () => {
    const env = gs.newGraph();
    const t = gs.healthyTenant();
    gs.sim.faults.failNext(2, 503, { retryAfterSeconds: 0, target: 'token' });
    await expect(getOrganization(env.gateway, t.id)).resolves.toMatchObject({ id: t.id });
    expect(env.gateway.counters.retries).toBe(2);
  });
});

describe('sign-in logs', () => {
  it('lists service-principal sign-ins of a credential since a time', async () => {
    const t = gs.makeTenant({ name: 'SignIns Ltd' });
    const a = newCert('a');
    const b = newCert('b');
    const c = gs.makeConnector(t.id, { displayName: 'Conn G', certificates: [a.pem, b.pem] });
    const since = new Date(Date.now() - 60_000);
    for (let i = 0; i < 3; i++) await verifyWith(t.id, c.appId, a);
    await verifyWith(t.id, c.appId, b);
    const r = await listSignIns(gs.graph.gateway, t.id, { appId: c.appId, since, sha1: keyCredentialSha1(a.pem) });
    expect(r.available && r.signIns).toHaveLength(3);
    const all = await listSignIns(gs.graph.gateway, t.id, { appId: c.appId, since });
    expect(all.available && all.signIns).toHaveLength(4);
  });

  it('reports "evidence unavailable: needs Entra ID P1/P2" for a tenant without premium', async () => {
    const t = gs.makeTenant({ name: 'Basic Ltd', premium: false });
    const r = await listSignIns(gs.graph.gateway, t.id, {
      appId: gs.manifest.managementApp.appId,
      since: new Date(Date.now() - DAY),
    });
    expect(r).toEqual({
      available: false,
      reason: 'needs_premium',
      message: 'evidence unavailable: needs Entra ID P1/P2',
    });
  });
});

function keyCredentialSha1(pem: string): string {
  return Buffer.from(keyCredentialFromPem(pem).customKeyIdentifier!, 'base64').toString('hex').toUpperCase();
}

describe("throttling as documented (the simulator's real token buckets, through the real graph client)", () => {
  // "Get application": $select of keyCredentials is limited to 150 requests per minute per tenant,
  // Rekey's main read at every step. Scaled down here to 3 per 3 s (one back per second).
  const kcLimit = { keyCredentialReadsPerTenant: 3, keyCredentialReadsWindowMs: 3_000 };

  it('waits the Retry-After Graph sends on a 429 instead of re-sending early', async () => {
    const t = gs.healthyTenant();
    const c = t.connectors[0]!;
    // The client-side budget is set far above the server's limit so the server throttles.
    const gw = gs.newGraph({ keyCredentialReadsPerMinute: 10_000, baseRetryDelayMs: 1 }).gateway;
    await gw.token(t.id);
    gs.sim.admin.setThrottling(true, kcLimit);
    const target = { on: 'application' as const, objectId: c.applicationObjectId };
    const started = Date.now();
    for (let i = 0; i < 5; i++) await expect(listKeyCredentials(gw, t.id, target)).resolves.not.toHaveLength(0);
    // Reads 4 and 5 each meet one 429 (Retry-After ≈ 1 s) and succeed on the retry after it;
    // a client that ignored Retry-After (1 ms back-off here) would meet many more.
    expect(gw.counters.throttled).toBe(2);
    expect(gw.counters.failures).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_800);
  });

  it('keeps keyCredentials reads inside the per-tenant budget, so Graph never throttles them', async () => {
    const t = gs.healthyTenant();
    const c = t.connectors[0]!;
    // The gateway's budget stays below the server's limit (2 per 3 s against 3 per 3 s), as its
    // default (120/min) stays below the documented 150/min.
    const gw = gs.newGraph({ keyCredentialReadsPerMinute: 2, keyCredentialReadsWindowMs: 3_000 }).gateway;
    await gw.token(t.id);
    gs.sim.admin.setThrottling(true, kcLimit);
    const target = { on: 'application' as const, objectId: c.applicationObjectId };
    const results = await Promise.all(Array.from({ length: 5 }, () => listKeyCredentials(gw, t.id, target)));
    expect(results.every((r) => r.length > 0)).toBe(true);
    expect(gw.counters.throttled).toBe(0);
    expect(gw.counters.budgetWaits).toBeGreaterThan(0);
    // $batch items are charged against the same budget.
    const batch = await listKeyCredentialsBatch(gw, t.id, [target, target, target]);
    expect([...batch.values()].every((r) => r.ok)).toBe(true);
    expect(gw.counters.throttled).toBe(0);
  });
});
