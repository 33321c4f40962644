/**
 * Contract tests for client secrets and federated identity credentials (issue 18, all credential
 * kinds): Rekey's own calls (lib/graph/list-credential-kinds.ts) against what Microsoft documents,
 * one behaviour per test (sources in sim/README.md). Simulator defaults: replication lag and
 * throttling on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRekeyError } from '@/lib/errors';
import { tenantRefOf } from '@/lib/graph/graph-gateway';
import { listCredentialKinds, removeCredentialOfKind } from '@/lib/graph/list-credential-kinds';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { DEFAULT_REPLICATION } from '@/sim/server';

if (process.env.REKEY_CONTRACT_TENANT) {
  throw new Error(
    'REKEY_CONTRACT_TENANT is set, but running the contract suite against a real tenant is not implemented yet; unset it to run against the simulator.',
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const settle = () => new Promise((r) => setTimeout(r, DEFAULT_REPLICATION.maxLagMs + 100));
let gs: GraphSim;

beforeAll(async () => {
  gs = await startGraphSim();
  expect(gs.sim.context.replication.config.enabled).toBe(true);
});
afterAll(async () => {
  await gs?.close();
});

async function graph(tenantId: string, method: string, path: string, body?: unknown) {
  const token = await gs.graph.gateway.token(tenantId);
  const res = await fetch(`${gs.sim.url}/v1.0${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : null };
}

const fixture = (name: string) => {
  const t = gs.makeTenant({ name });
  const c = gs.makeConnector(t.id, { displayName: name });
  return { t, c, ref: tenantRefOf({ entraTenantId: t.id, displayName: t.name }) };
};

describe('Graph contract: client secrets and federated credentials', () => {
  it('addPassword answers 200 with secretText; reads ($select=passwordCredentials) show the hint and secretText null', async () => {
    const { t, c, ref } = fixture('Contract secret');
    const added = await graph(t.id, 'POST', `/applications/${c.appObjectId}/addPassword`, {
      passwordCredential: { displayName: 'contract' },
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({
      keyId: expect.any(String),
      hint: expect.any(String),
      secretText: expect.any(String),
    });
    await settle();
    const read = await listCredentialKinds(gs.graph.gateway, ref, { on: 'application', objectId: c.appObjectId });
    expect(read.secrets).toEqual([
      expect.objectContaining({ keyId: added.body!.keyId, hint: added.body!.hint, displayName: 'contract' }),
    ]);
    const raw = await graph(t.id, 'GET', `/applications/${c.appObjectId}?$select=id,passwordCredentials`);
    expect(raw.body!.passwordCredentials[0].secretText).toBeNull();
  });

  it('removePassword answers 204; an unknown keyId is 400 in Graph’s error envelope', async () => {
    const { t, c, ref } = fixture('Contract remove secret');
    const added = await graph(t.id, 'POST', `/applications/${c.appObjectId}/addPassword`, {});
    await removeCredentialOfKind(
      gs.graph.gateway,
      ref,
      { on: 'application', objectId: c.appObjectId },
      {
        kind: 'secret',
        keyId: added.body!.keyId as string,
      },
    );
    const again = await graph(t.id, 'POST', `/applications/${c.appObjectId}/removePassword`, {
      keyId: added.body!.keyId,
    });
    expect(again.status).toBe(400);
    expect(again.body?.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });

  it('a wrong client secret is 401 invalid_client AADSTS7000215 at the token endpoint', async () => {
    const { t, c } = fixture('Contract wrong secret');
    const res = await fetch(`${gs.sim.url}/${t.id}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: c.appId,
        client_secret: 'not-a-secret-of-this-app',
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as Json;
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(body.error_description).toMatch(/^AADSTS7000215: /);
  });

  it('federated credentials: create 201, list shows name/issuer/subject/audiences, delete 204, then 404', async () => {
    const { t, c, ref } = fixture('Contract federated');
    const body = {
      name: 'contract-fic',
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'repo:contoso/app:environment:prod',
      audiences: ['api://AzureADTokenExchange'],
    };
    const created = await graph(t.id, 'POST', `/applications/${c.appObjectId}/federatedIdentityCredentials`, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...body, id: expect.any(String) });
    await settle();
    const target = { on: 'application' as const, objectId: c.appObjectId };
    expect((await listCredentialKinds(gs.graph.gateway, ref, target)).federated).toEqual([
      expect.objectContaining(body),
    ]);
    await removeCredentialOfKind(gs.graph.gateway, ref, target, {
      kind: 'federated',
      keyId: created.body!.id as string,
    });
    await settle();
    const gone = await graph(t.id, 'GET', `/applications/${c.appObjectId}/federatedIdentityCredentials/contract-fic`);
    expect(gone.status).toBe(404);
  });

  it('at most 20 federated credentials per application: the 21st is refused', async () => {
    const { t, c } = fixture('Contract federated limit');
    for (let i = 1; i <= 20; i++) {
      const r = await graph(t.id, 'POST', `/applications/${c.appObjectId}/federatedIdentityCredentials`, {
        name: `f${i}`,
        issuer: 'https://issuer.example',
        subject: `s${i}`,
        audiences: ['api://AzureADTokenExchange'],
      });
      expect(r.status).toBe(201);
    }
    const r = await graph(t.id, 'POST', `/applications/${c.appObjectId}/federatedIdentityCredentials`, {
      name: 'f21',
      issuer: 'https://issuer.example',
      subject: 's21',
      audiences: ['api://AzureADTokenExchange'],
    });
    expect(r.status).toBe(400);
  });

  it('reading federated credentials without an Application.* permission is 403 and Rekey names the permission', async () => {
    const t = gs.makeTenant({ name: 'Contract federated 403', roles: ['Directory.Read.All'] });
    const c = gs.makeConnector(t.id, { displayName: 'Contract federated 403' });
    const ref = tenantRefOf({ entraTenantId: t.id, displayName: t.name });
    const err = await listCredentialKinds(gs.graph.gateway, ref, { on: 'application', objectId: c.appObjectId }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isRekeyError(err)).toBe(true);
    expect((err as Error).message).toContain('Application.Read.All');
  });
});
