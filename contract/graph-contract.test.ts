/**
 * `npm run test:contract`: one small test per Microsoft behaviour Rekey relies on, made with the
 * same Graph calls Rekey makes (paths, `$select`, bodies) and checked against what Microsoft
 * documents (status codes, error body shapes, headers; sources in sim/README.md).
 *
 * Runs against the simulator with its defaults (replication lag and throttling on), or — with
 * `REKEY_CONTRACT_TENANT` and the contract client's settings (README "Contract tests") — against a
 * real tenant, where it creates, keys and deletes only its own `rekey-contract-*` applications.
 * Every change goes through Graph and every read that follows a write waits for replication
 * (contract/support/contract-target.ts), so both runs take the same path; the two tests that need
 * control only the simulator has (forcing throttling) are skipped against a real tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCert } from '@/lib/testing/certs';
import { derOf, openContractTarget, type ContractTarget, type Json } from './support/contract-target';

const REAL_TENANT = Boolean(process.env.REKEY_CONTRACT_TENANT);
const DAY = 86_400_000;
let target: ContractTarget;
let slot = 900;
const newCert = (name: string) =>
  buildCert({
    subject: `CN=${name}`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 200 * DAY),
    slot: slot++,
  });

beforeAll(async () => {
  target = await openContractTarget();
  if (target.sim) expect(target.sim.sim.context.replication.config.enabled).toBe(true);
});
afterAll(async () => {
  await target?.close();
});

function expectGraphError(body: Json | null, code: string) {
  // Microsoft Graph error responses: { error: { code, message, innerError: { date, request-id, client-request-id } } }
  expect(body?.error).toMatchObject({ code, message: expect.any(String) });
  expect(body?.error.innerError).toMatchObject({
    date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/),
    'request-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
    'client-request-id': expect.any(String),
  });
}

const keysOf = (r: { body: Json | null }) =>
  ((r.body?.keyCredentials ?? []) as { key: string | null; keyId: string }[]).map((k) => k.key);

describe('Graph contract (what Rekey relies on)', () => {
  it('a single-object GET with $select=keyCredentials returns the key bytes; without it, key is null', async () => {
    const t = target.tenant('Contract select');
    const cert = newCert('contract-select');
    const app = await t.createApp('select', [cert]);
    const clientRequestId = crypto.randomUUID();
    const sel = await t.eventually(
      'the key on the new application',
      () =>
        t.graph('GET', `/applications/${app.objectId}?$select=id,keyCredentials`, undefined, {
          headers: { 'client-request-id': clientRequestId },
        }),
      (r) => r.status === 200 && keysOf(r).length === 1,
    );
    expect(keysOf(sel)).toEqual([derOf(cert.pem)]);
    expect(sel.body!['@odata.context']).toMatch(/\$metadata#applications\(id,keyCredentials\)\/\$entity$/);
    expect(sel.headers.get('content-type')).toMatch(/^application\/json;odata\.metadata=minimal/);
    expect(sel.headers.get('odata-version')).toBe('4.0');
    expect(sel.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(sel.headers.get('client-request-id')).toBe(clientRequestId);
    const plain = await t.graph('GET', `/applications/${app.objectId}`);
    expect(plain.body!.keyCredentials[0].key).toBeNull();
  });

  it('PATCH keyCredentials replaces the whole collection (204), and a removed key is refused: AADSTS700027', async () => {
    const t = target.tenant('Contract patch');
    const [oldCert, newOne] = [newCert('contract-old'), newCert('contract-new')];
    const app = await t.createApp('patch', [oldCert]);
    await t.eventually(
      'a token with the first key',
      () => t.tokenAs(app, oldCert),
      (r) => r.ok,
    );
    const patch = await t.graph('PATCH', `/applications/${app.objectId}`, {
      keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: derOf(newOne.pem) }],
    });
    expect(patch.status).toBe(204);
    expect(patch.body).toBeNull();
    const after = await t.eventually(
      'the replaced collection',
      () => t.graph('GET', `/applications/${app.objectId}?$select=keyCredentials`),
      (r) => !keysOf(r).includes(derOf(oldCert.pem)),
    );
    expect(keysOf(after)).toEqual([derOf(newOne.pem)]);
    // Until the removal has replicated to the token service the old key may still work; never another error.
    const asOld = await t.eventually(
      'the old key refused',
      () => t.tokenAs(app, oldCert),
      (r) => !r.ok,
    );
    expect(asOld).toMatchObject({ ok: false, aadsts: 700027, keyNotRegistered: true });
  });

  it('a just-added key is refused at the token endpoint until it has replicated, then works', async () => {
    const t = target.tenant('Contract replication');
    const cert = newCert('contract-repl');
    const app = await t.createApp('replication');
    const patch = await t.graph('PATCH', `/applications/${app.objectId}`, {
      keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: derOf(cert.pem) }],
    });
    expect(patch.status).toBe(204);
    // Right after the write it may be refused (AADSTS700027) — or already accepted; never another error.
    const first = await t.tokenAs(app, cert);
    if (!first.ok) expect(first).toMatchObject({ aadsts: 700027 });
    const later = await t.eventually(
      'a token with the new key',
      () => t.tokenAs(app, cert),
      (r) => r.ok || r.aadsts !== 700027,
    );
    expect(later).toMatchObject({ ok: true });
  });

  it('POST /servicePrincipals right after POST /applications: 400 until the application replicates, then 201', async () => {
    const t = target.tenant('Contract sp');
    const app = await t.createApp('sp', [], { servicePrincipal: false });
    const sp = await t.graph('POST', '/servicePrincipals', { appId: app.appId });
    if (sp.status !== 201) {
      expect(sp.status).toBe(400);
      expectGraphError(sp.body, 'Request_BadRequest');
      expect(sp.body!.error.message).toMatch(/does not reference a valid application object/);
      const later = await t.eventually(
        'the service principal',
        () => t.graph('POST', '/servicePrincipals', { appId: app.appId }),
        (r) => r.status !== 400,
      );
      expect(later.status).toBe(201);
    }
  });

  it('an unknown object: 404 Request_ResourceNotFound in the documented error envelope', async () => {
    const t = target.tenant('Contract 404');
    const res = await t.graph('GET', `/applications/${crypto.randomUUID()}?$select=id,keyCredentials`);
    expect(res.status).toBe(404);
    expectGraphError(res.body, 'Request_ResourceNotFound');
  });

  // Forcing a 429 in a real tenant would mean flooding it: the simulator's limit is lowered instead.
  it.skipIf(REAL_TENANT)(
    'throttling: 429 TooManyRequests with Retry-After (seconds), x-ms-throttle-scope and the documented body',
    async () => {
      const t = target.tenant('Contract 429');
      const app = await t.createApp('throttle');
      const path = `/servicePrincipals/${app.spObjectId}?$select=id,keyCredentials`;
      await t.eventually(
        'the new service principal',
        () => t.graph('GET', path),
        (r) => r.status === 200,
      );
      const admin = target.sim!.sim.admin;
      admin.setThrottling(true, { keyCredentialReadsPerTenant: 1, keyCredentialReadsWindowMs: 60_000 });
      try {
        expect((await t.graph('GET', path)).status).toBe(200);
        const res = await t.graph('GET', path);
        expect(res.status).toBe(429);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(res.headers.get('x-ms-throttle-scope')).toMatch(/\//);
        expect(res.headers.get('x-ms-throttle-information')).toBeTruthy();
        expectGraphError(res.body, 'TooManyRequests');
        expect(res.body!.error.innerError).toMatchObject({ code: '429', status: '429', message: 'Please retry after' });
      } finally {
        admin.setThrottling(true, { keyCredentialReadsPerTenant: 150, keyCredentialReadsWindowMs: 60_000 });
      }
    },
  );

  // A real tenant needs Entra ID P1/P2 and shows sign-ins after minutes: opt in with REKEY_CONTRACT_SIGNIN_LOGS=1.
  it.skipIf(REAL_TENANT && process.env.REKEY_CONTRACT_SIGNIN_LOGS !== '1')(
    'sign-in logs (beta): service-principal sign-ins carry the credential keyId and thumbprint',
    async () => {
      const t = target.tenant('Contract sign-ins', { premium: true });
      const cert = newCert('contract-signin');
      const app = await t.createApp('sign-ins', [cert]);
      const keyId = (
        await t.eventually(
          'the key on the new application',
          () => t.graph('GET', `/applications/${app.objectId}?$select=keyCredentials`),
          (r) => keysOf(r).length === 1,
        )
      ).body!.keyCredentials[0].keyId as string;
      const ok = await t.eventually(
        'a token with the key',
        () => t.tokenAs(app, cert),
        (r) => r.ok,
      );
      expect(ok).toMatchObject({ ok: true });
      const filter = encodeURIComponent(`signInEventTypes/any(t: t eq 'servicePrincipal') and appId eq '${app.appId}'`);
      const res = await t.eventually(
        'the sign-in in the log',
        () => t.graph('GET', `/auditLogs/signIns?$filter=${filter}`, undefined, { version: 'beta' }),
        (r) => r.status !== 200 || (r.body?.value as unknown[]).some((x) => (x as Json).status?.errorCode === 0),
      );
      expect(res.status).toBe(200);
      expect(res.body!['@odata.context']).toMatch(/\/beta\/\$metadata#auditLogs\/signIns$/);
      expect((res.body!.value as Json[]).find((x) => x.status?.errorCode === 0)).toMatchObject({
        appId: app.appId,
        signInEventTypes: ['servicePrincipal'],
        clientCredentialType: 'certificate',
        servicePrincipalCredentialKeyId: keyId,
        servicePrincipalCredentialThumbprint: expect.stringMatching(/^[0-9A-Fa-f]{40}$/),
        status: { errorCode: 0 },
      });
    },
  );
});
