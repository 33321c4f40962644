/**
 * Contract tests for client secrets and federated identity credentials (issue 18, all credential
 * kinds): Rekey's own calls (lib/graph/list-credential-kinds.ts) against what Microsoft documents,
 * one behaviour per test (sources in sim/README.md). Against the simulator (defaults: replication lag
 * and throttling on) or a real tenant (`REKEY_CONTRACT_TENANT`): see contract/support/contract-target.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRekeyError } from '@/lib/errors';
import { tenantRefOf } from '@/lib/graph/graph-gateway';
import { listCredentialKinds, removeCredentialOfKind } from '@/lib/graph/list-credential-kinds';
import { openContractTarget, type ContractTarget, type Json } from './support/contract-target';

const REAL_TENANT = Boolean(process.env.REKEY_CONTRACT_TENANT);
let target: ContractTarget;

beforeAll(async () => {
  target = await openContractTarget();
  if (target.sim) expect(target.sim.sim.context.replication.config.enabled).toBe(true);
});
afterAll(async () => {
  await target?.close();
});

const fixture = async (name: string) => {
  const t = target.tenant(name);
  const app = await t.createApp(name);
  return { t, app, on: { on: 'application' as const, objectId: app.objectId } };
};

describe('Graph contract: client secrets and federated credentials', () => {
  it('addPassword answers 200 with secretText; reads ($select=passwordCredentials) show the hint and secretText null', async () => {
    const { t, app, on } = await fixture('Contract secret');
    const added = await t.graph('POST', `/applications/${app.objectId}/addPassword`, {
      passwordCredential: { displayName: 'contract' },
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({
      keyId: expect.any(String),
      hint: expect.any(String),
      secretText: expect.any(String),
    });
    const read = await t.eventually(
      'the new secret',
      () => listCredentialKinds(t.gateway, t.ref, on),
      (r) => r.secrets.length > 0,
    );
    expect(read.secrets).toEqual([
      expect.objectContaining({ keyId: added.body!.keyId, hint: added.body!.hint, displayName: 'contract' }),
    ]);
    const raw = await t.graph('GET', `/applications/${app.objectId}?$select=id,passwordCredentials`);
    expect(raw.body!.passwordCredentials[0].secretText).toBeNull();
  });

  it('removePassword answers 204; an unknown keyId is 400 in Graph’s error envelope', async () => {
    const { t, app, on } = await fixture('Contract remove secret');
    const added = await t.graph('POST', `/applications/${app.objectId}/addPassword`, {});
    await removeCredentialOfKind(t.gateway, t.ref, on, { kind: 'secret', keyId: added.body!.keyId as string });
    await t.eventually(
      'the secret gone',
      () => listCredentialKinds(t.gateway, t.ref, on),
      (r) => r.secrets.length === 0,
    );
    const again = await t.graph('POST', `/applications/${app.objectId}/removePassword`, {
      keyId: added.body!.keyId,
    });
    expect(again.status).toBe(400);
    expect(again.body?.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });

  it('a wrong client secret is 401 invalid_client AADSTS7000215 at the token endpoint', async () => {
    const { t, app } = await fixture('Contract wrong secret');
    const res = await fetch(`${t.authorityHost}/${t.id}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: app.appId,
        client_secret: 'not-a-secret-of-this-app',
        scope: `${t.graphResource}/.default`,
      }),
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as Json;
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(body.error_description).toMatch(/^AADSTS7000215: /);
  });

  it('federated credentials: create 201, list shows name/issuer/subject/audiences, delete 204, then 404', async () => {
    const { t, app, on } = await fixture('Contract federated');
    const body = {
      name: 'contract-fic',
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'repo:contoso/app:environment:prod',
      audiences: ['api://AzureADTokenExchange'],
    };
    const created = await t.graph('POST', `/applications/${app.objectId}/federatedIdentityCredentials`, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...body, id: expect.any(String) });
    const listed = await t.eventually(
      'the federated credential',
      () => listCredentialKinds(t.gateway, t.ref, on),
      (r) => r.federated.length > 0,
    );
    expect(listed.federated).toEqual([expect.objectContaining(body)]);
    await removeCredentialOfKind(t.gateway, t.ref, on, { kind: 'federated', keyId: created.body!.id as string });
    const gone = await t.eventually(
      'the federated credential gone',
      () => t.graph('GET', `/applications/${app.objectId}/federatedIdentityCredentials/contract-fic`),
      (r) => r.status !== 200,
    );
    expect(gone.status).toBe(404);
  });

  it('at most 20 federated credentials per application: the 21st is refused', async () => {
    const { t, app } = await fixture('Contract federated limit');
    for (let i = 1; i <= 20; i++) {
      const r = await t.graph('POST', `/applications/${app.objectId}/federatedIdentityCredentials`, {
        name: `f${i}`,
        issuer: 'https://issuer.example',
        subject: `s${i}`,
        audiences: ['api://AzureADTokenExchange'],
      });
      expect(r.status).toBe(201);
    }
    const r = await t.graph('POST', `/applications/${app.objectId}/federatedIdentityCredentials`, {
      name: 'f21',
      issuer: 'https://issuer.example',
      subject: 's21',
      audiences: ['api://AzureADTokenExchange'],
    });
    expect(r.status).toBe(400);
  });

  // A real tenant's contract client cannot drop its own permission mid-run: a simulator tenant without it instead.
  it.skipIf(REAL_TENANT)(
    'reading federated credentials without an Application.* permission is 403 and Rekey names the permission',
    async () => {
      const gs = target.sim!;
      const t = gs.makeTenant({ name: 'Contract federated 403', roles: ['Directory.Read.All'] });
      const c = gs.makeConnector(t.id, { displayName: 'Contract federated 403' });
      const ref = tenantRefOf({ entraTenantId: t.id, displayName: t.name });
      const err = await listCredentialKinds(gs.graph.gateway, ref, { on: 'application', objectId: c.appObjectId }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isRekeyError(err)).toBe(true);
      expect((err as Error).message).toContain('Application.Read.All');
    },
  );
});
