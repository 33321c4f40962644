import { NO_REPLICATION_LAG } from '../directory/replication';
import {
  BatchRequestContent,
  GraphError,
  PageIterator,
  RetryHandlerOptions,
  type PageCollection,
} from '@microsoft/microsoft-graph-client';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signJwt } from '../crypto/jwt';
import { createSelfSignedCertificate } from '../crypto/x509';
import type { SimHandle } from '../server';
import type { FleetManifest } from '../seed/fleet-manifest';
import { DEFAULT_THROTTLE_LIMITS } from '../throttle/throttler';
import { certFromFiles, simGraphClient, simMsal, simToken, type ClientCert } from '../testing/sim-clients';
import { startTestSim } from '../testing/start-test-sim';

const DAY = 86_400_000;
let sim: SimHandle;
let manifest: FleetManifest;
let mgmt: ClientCert;
const tokens = new Map<string, string>();

async function mgmtToken(tenantId: string): Promise<string> {
  const cached = tokens.get(tenantId);
  if (cached) return cached;
  const t = await simToken(simMsal(sim, tenantId, manifest.managementApp.appId, mgmt));
  tokens.set(tenantId, t);
  return t;
}
const graphFor = (tenantId: string) => simGraphClient(sim, () => mgmtToken(tenantId));

async function graphError(p: Promise<unknown>): Promise<GraphError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphError);
  return err as GraphError;
}

function proofFor(
  objectId: string,
  signer: { privateKeyPem: string; sha1Hex: string },
  aud = '00000002-0000-0000-c000-000000000000',
): string {
  const nbf = Math.floor(Date.now() / 1000);
  const x5t = Buffer.from(signer.sha1Hex, 'hex').toString('base64url');
  return signJwt(
    { alg: 'RS256', typ: 'JWT', kid: signer.sha1Hex, x5t },
    { aud, iss: objectId, nbf, exp: nbf + 600 },
    signer.privateKeyPem,
  );
}

const tenantWithCurrent = () =>
  manifest.tenants.find(
    (t) => t.scenarios.length === 0 && t.connectors.some((c) => c.certificate.endsWith('-current')),
  )!;

beforeAll(async () => {
  // Graph semantics read back right after each write: no replication lag (replication.test.ts covers it).
  sim = await startTestSim({ replication: NO_REPLICATION_LAG });
  manifest = sim.manifest!;
  const m = manifest.managementApp;
  mgmt = certFromFiles(m.certificatePath, m.privateKeyPath, m.thumbprintSha1, m.thumbprintSha256);
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.faults.clear();
  sim.admin.setThrottling(true, DEFAULT_THROTTLE_LIMITS);
});

describe('Graph v1.0 against the real graph client', () => {
  it('GET /organization returns the tenant', async () => {
    const tenant = manifest.tenants[0]!;
    const res = (await graphFor(tenant.id).api('/organization').get()) as {
      value: { id: string; verifiedDomains: { name: string }[] }[];
      '@odata.context': string;
    };
    expect(res.value[0]?.id).toBe(tenant.id);
    expect(res.value[0]?.verifiedDomains[0]?.name).toBe(tenant.domain);
    expect(res['@odata.context']).toBe('https://graph.microsoft.com/v1.0/$metadata#organization');
  });

  it('lists applications by appId with $select, returning key only when keyCredentials is selected', async () => {
    const tenant = tenantWithCurrent();
    const c = tenant.connectors[0]!;
    const client = graphFor(tenant.id);
    const res = (await client
      .api('/applications')
      .filter(`appId eq '${c.appId}'`)
      .select('id,appId,keyCredentials')
      .get()) as { value: { id: string; keyCredentials: { key: string | null; keyId: string }[] }[] };
    expect(res.value).toHaveLength(1);
    expect(res.value[0]!.id).toBe(c.applicationObjectId);
    expect(res.value[0]!.keyCredentials[0]!.key).toMatch(/^MII/);
    const plain = (await client.api(`/applications(appId='${c.appId}')`).get()) as {
      keyCredentials: { key: string | null }[];
    };
    expect(plain.keyCredentials[0]!.key).toBeNull();
  });

  it('pages with $top and @odata.nextLink through PageIterator', async () => {
    const tenant = manifest.tenants[0]!;
    const client = graphFor(tenant.id);
    const first = (await client.api('/servicePrincipals').top(1).get()) as PageCollection;
    expect(first['@odata.nextLink']).toContain(sim.url);
    const seen: string[] = [];
    await new PageIterator(client, first, (sp: { id: string }) => {
      seen.push(sp.id);
      return true;
    }).iterate();
    expect(seen.length).toBe(sim.admin.getTenant(tenant.id).servicePrincipals.size);
    expect(new Set(seen).size).toBe(seen.length);
    const bad = await graphError(client.api('/applications').top(1000).get());
    expect(bad.statusCode).toBe(400);
  });

  it('PATCH keyCredentials replaces the whole collection', async () => {
    const tenant = tenantWithCurrent();
    const c = tenant.connectors.find((x) => x.certificate.endsWith('-current'))!;
    const client = graphFor(tenant.id);
    const fresh = createSelfSignedCertificate({
      subjectCn: 'replacement',
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 200 * DAY),
    });
    await client.api(`/applications/${c.applicationObjectId}`).patch({
      keyCredentials: [
        {
          type: 'AsymmetricX509Cert',
          usage: 'Verify',
          key: fresh.der.toString('base64'),
          displayName: 'CN=replacement',
        },
      ],
    });
    const after = (await client.api(`/applications/${c.applicationObjectId}`).select('keyCredentials').get()) as {
      keyCredentials: { keyId: string; customKeyIdentifier: string; endDateTime: string }[];
    };
    expect(after.keyCredentials).toHaveLength(1);
    expect(after.keyCredentials[0]!.keyId).not.toBe(c.keyId);
    expect(Buffer.from(after.keyCredentials[0]!.customKeyIdentifier, 'base64').toString('hex').toUpperCase()).toBe(
      fresh.info.sha1Hex,
    );
    expect(Date.parse(after.keyCredentials[0]!.endDateTime)).toBe(
      Math.floor(fresh.info.notAfter.getTime() / 1000) * 1000,
    );
    // The old vendor certificate no longer works; the new one does.
    const vendor = manifest.vendor.certificates.find((v) => v.name === c.certificate)!;
    const old = certFromFiles(
      vendor.certificatePath,
      vendor.privateKeyPath!,
      vendor.thumbprintSha1,
      vendor.thumbprintSha256,
    );
    await expect(simToken(simMsal(sim, tenant.id, c.appId, old))).rejects.toMatchObject({
      errorCode: 'invalid_client',
    });
    await expect(
      simToken(
        simMsal(sim, tenant.id, c.appId, {
          privateKeyPem: fresh.privateKeyPem,
          sha1Hex: fresh.info.sha1Hex,
          sha256Hex: fresh.info.sha256Hex,
        }),
      ),
    ).resolves.toBeTruthy();
    // Empty list removes every certificate.
    await client.api(`/applications/${c.applicationObjectId}`).patch({ keyCredentials: [] });
    expect(sim.admin.getTenant(tenant.id).applications.get(c.applicationObjectId)!.keyCredentials).toHaveLength(0);
  });

  it('rejects an end date past the certificate and a lifetime beyond the tenant policy', async () => {
    const tenant = manifest.tenants.find(
      (t) => t.id !== manifest.scenarios.consentRevokedTenantId && t.connectors.length > 0,
    )!;
    const c = tenant.connectors[0]!;
    const cert = createSelfSignedCertificate({
      subjectCn: 'short',
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 200 * DAY),
    });
    const e1 = await graphError(
      graphFor(tenant.id)
        .api(`/applications/${c.applicationObjectId}`)
        .patch({
          keyCredentials: [
            {
              type: 'AsymmetricX509Cert',
              usage: 'Verify',
              key: cert.der.toString('base64'),
              endDateTime: new Date(Date.now() + 400 * DAY).toISOString(),
            },
          ],
        }),
    );
    expect(e1.statusCode).toBe(400);
    expect(e1.code).toBe('KeyCredentialsInvalidEndDate');
    const e2 = await graphError(
      graphFor(tenant.id)
        .api(`/applications/${c.applicationObjectId}`)
        .patch({ keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Sign', key: cert.der.toString('base64') }] }),
    );
    expect(e2.message).toContain('Acceptable values are Sign, Verify');

    const policyTenant = manifest.tenants.find((t) => t.id === manifest.scenarios.policyRestrictedTenantId)!;
    const pc = policyTenant.connectors[0]!;
    const e3 = await graphError(
      graphFor(policyTenant.id)
        .api(`/applications/${pc.applicationObjectId}`)
        .patch({ keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.der.toString('base64') }] }),
    );
    expect(e3.code).toBe('CredentialInvalidLifetimeAsPerAppPolicy');
    const policy = (await graphFor(policyTenant.id).api('/policies/defaultAppManagementPolicy').get()) as {
      isEnabled: boolean;
      applicationRestrictions: { keyCredentials: { restrictionType: string }[] };
    };
    expect(policy.isEnabled).toBe(true);
    expect(policy.applicationRestrictions.keyCredentials[0]!.restrictionType).toBe('asymmetricKeyLifetime');
  });

  it('addKey and removeKey accept a valid proof and refuse a forged one', async () => {
    const tenant =
      manifest.tenants
        .filter((t) => t.scenarios.length === 0)
        .find(
          (t) =>
            t.connectors.filter((c) => c.certificate.endsWith('-current')).length > 0 &&
            t.id !== tenantWithCurrent().id,
        ) ?? tenantWithCurrent();
    const c = tenant.connectors.find((x) => x.certificate.endsWith('-current'))!;
    const vendor = manifest.vendor.certificates.find((v) => v.name === c.certificate)!;
    const signer = { privateKeyPem: fs.readFileSync(vendor.privateKeyPath!, 'utf8'), sha1Hex: vendor.thumbprintSha1 };
    const client = graphFor(tenant.id);
    const next = createSelfSignedCertificate({
      subjectCn: 'next',
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 100 * DAY),
    });

    // Forged: claims the registered certificate's thumbprint but is signed by another key.
    const forger = createSelfSignedCertificate({
      subjectCn: 'forger',
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + DAY),
    });
    const forged = proofFor(c.applicationObjectId, {
      privateKeyPem: forger.privateKeyPem,
      sha1Hex: vendor.thumbprintSha1,
    });
    const e = await graphError(
      client.api(`/applications/${c.applicationObjectId}/addKey`).post({
        keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: next.der.toString('base64') },
        passwordCredential: null,
        proof: forged,
      }),
    );
    expect(e.statusCode).toBe(401);
    expect(e.code).toBe('Authentication_MissingOrMalformed');
    const wrongIss = proofFor(c.appId, signer);
    expect(
      (
        await graphError(
          client.api(`/applications/${c.applicationObjectId}/addKey`).post({
            keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: next.der.toString('base64') },
            proof: wrongIss,
          }),
        )
      ).statusCode,
    ).toBe(401);

    const added = (await client.api(`/applications/${c.applicationObjectId}/addKey`).post({
      keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: next.der.toString('base64') },
      passwordCredential: null,
      proof: proofFor(c.applicationObjectId, signer),
    })) as { keyId: string; key: null };
    expect(added.keyId).toMatch(/^[0-9a-f-]{36}$/);
    const app = sim.admin.getTenant(tenant.id).applications.get(c.applicationObjectId)!;
    expect(app.keyCredentials.map((k) => k.keyId)).toEqual([c.keyId, added.keyId]);

    // Remove the old vendor key with a proof from the new key (the rollover).
    const newSigner = { privateKeyPem: next.privateKeyPem, sha1Hex: next.info.sha1Hex };
    await client
      .api(`/applications/${c.applicationObjectId}/removeKey`)
      .post({ keyId: c.keyId, proof: proofFor(c.applicationObjectId, newSigner) });
    expect(app.keyCredentials.map((k) => k.keyId)).toEqual([added.keyId]);
    const gone = await graphError(
      client
        .api(`/applications/${c.applicationObjectId}/removeKey`)
        .post({ keyId: c.keyId, proof: proofFor(c.applicationObjectId, newSigner) }),
    );
    expect(gone.statusCode).toBe(400);
    expect(gone.message).toBe('No credentials found to be removed.');
  });

  it('answers 403 Authorization_RequestDenied when the token lacks the permission', async () => {
    const tenant = manifest.tenants[0]!;
    const c = tenant.connectors[0]!;
    const own = createSelfSignedCertificate({
      subjectCn: 'no-perms',
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 30 * DAY),
    });
    sim.admin.addKeyCredentialDirect(tenant.id, { appId: c.appId, certificate: own.der });
    const cert = { privateKeyPem: own.privateKeyPem, sha1Hex: own.info.sha1Hex, sha256Hex: own.info.sha256Hex };
    const client = simGraphClient(sim, () => simToken(simMsal(sim, tenant.id, c.appId, cert)));
    const e = await graphError(client.api('/applications').get());
    expect(e.statusCode).toBe(403);
    expect(e.code).toBe('Authorization_RequestDenied');
    expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
    // A service principal may read its own application without any permission.
    const self = (await client.api(`/applications/${c.applicationObjectId}`).get()) as { appId: string };
    expect(self.appId).toBe(c.appId);
    const noToken = await graphError(
      simGraphClient(sim, async () => 'not-a-token')
        .api('/organization')
        .get(),
    );
    expect(noToken.statusCode).toBe(401);
    expect(noToken.code).toBe('InvalidAuthenticationToken');
  });

  it('lists beta service-principal sign-ins with credential fields; 403 without a premium licence', async () => {
    const tenantId = manifest.scenarios.attackerTargetedTenantIds[0]!;
    const tenant = manifest.tenants.find((t) => t.id === tenantId)!;
    const c = tenant.connectors[0]!;
    const res = (await graphFor(tenantId)
      .api('/auditLogs/signIns')
      .version('beta')
      .filter(`signInEventTypes/any(t: t eq 'servicePrincipal') and appId eq '${c.appId}'`)
      .get()) as {
      value: {
        ipAddress: string;
        servicePrincipalCredentialKeyId: string;
        servicePrincipalCredentialThumbprint: string;
        createdDateTime: string;
      }[];
    };
    expect(res.value.length).toBeGreaterThan(3);
    const compromised = manifest.vendor.certificates.find((v) => v.name === manifest.scenarios.compromisedCertificate)!;
    expect(
      res.value.some(
        (s) =>
          manifest.vendor.attackerIps.includes(s.ipAddress) &&
          s.servicePrincipalCredentialThumbprint === compromised.thumbprintSha1 &&
          s.servicePrincipalCredentialKeyId === c.keyId,
      ),
    ).toBe(true);
    const times = res.value.map((s) => s.createdDateTime);
    expect([...times].sort().reverse()).toEqual(times);
    // An unquoted DateTimeOffset literal, as Graph takes it, narrows to the newer sign-ins.
    const cutoff = times[Math.floor(times.length / 2)]!.replace(/\.\d+Z$/, 'Z');
    const newer = (await graphFor(tenantId)
      .api('/auditLogs/signIns')
      .version('beta')
      .filter(
        `signInEventTypes/any(t: t eq 'servicePrincipal') and appId eq '${c.appId}' and createdDateTime ge ${cutoff}`,
      )
      .get()) as { value: { createdDateTime: string }[] };
    expect(newer.value.length).toBeGreaterThan(0);
    expect(newer.value.length).toBeLessThan(res.value.length);
    expect(newer.value.every((s) => Date.parse(s.createdDateTime) >= Date.parse(cutoff))).toBe(true);
    const interactiveOnly = (await graphFor(tenantId).api('/auditLogs/signIns').version('beta').get()) as {
      value: unknown[];
    };
    expect(interactiveOnly.value).toHaveLength(0);
    const e = await graphError(
      graphFor(manifest.scenarios.nonPremiumTenantId!).api('/auditLogs/signIns').version('beta').get(),
    );
    expect(e.statusCode).toBe(403);
    expect(e.code).toBe('Authentication_RequestFromNonPremiumTenantOrB2CTenant');
  });
});

describe('$batch', () => {
  const post = async (tenantId: string, body: unknown) => {
    const res = await fetch(`${sim.url}/v1.0/$batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await mgmtToken(tenantId)}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as {
        responses: {
          id: string;
          status: number;
          headers: Record<string, string>;
          body?: { error?: { code: string; message: string } };
        }[];
        error?: { code: string };
      },
    };
  };

  it('runs up to 20 requests with per-item status and refuses 21', async () => {
    const tenant = manifest.tenants[0]!;
    const ok = await post(tenant.id, {
      requests: [
        { id: '1', method: 'GET', url: '/organization' },
        { id: '2', method: 'GET', url: '/applications/00000000-0000-0000-0000-000000000000' },
      ],
    });
    expect(ok.status).toBe(200);
    const byId = new Map(ok.body.responses.map((r) => [r.id, r]));
    expect(byId.get('1')!.status).toBe(200);
    expect(byId.get('1')!.headers['Content-Type']).toBe('application/json');
    expect(byId.get('2')!.status).toBe(404);
    expect(byId.get('2')!.body!.error!.code).toBe('Request_ResourceNotFound');
    const tooMany = await post(tenant.id, {
      requests: Array.from({ length: 21 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/organization' })),
    });
    expect(tooMany.status).toBe(400);
    const dup = await post(tenant.id, {
      requests: [
        { id: 'a', method: 'GET', url: '/organization' },
        { id: 'A', method: 'GET', url: '/organization' },
      ],
    });
    expect(dup.status).toBe(400);
  });

  it('answers 424 to dependents of a failed request, and 400 to /v1.0-prefixed item URLs as BatchRequestContent 3.0.7 sends them', async () => {
    const tenant = manifest.tenants[0]!;
    const res = await post(tenant.id, {
      requests: [
        { id: '1', method: 'GET', url: '/applications/00000000-0000-0000-0000-000000000000' },
        { id: '2', method: 'GET', url: '/organization', dependsOn: ['1'] },
      ],
    });
    expect(res.body.responses.find((r) => r.id === '2')!.status).toBe(424);

    const content = new BatchRequestContent([
      { id: '1', request: new Request(`${sim.url}/v1.0/organization`, { method: 'GET' }) },
    ]);
    const client = graphFor(tenant.id);
    const raw = (await client.api('/$batch').post(await content.getContent())) as {
      responses: { id: string; status: number; body: { error: { message: string } } }[];
    };
    expect(raw.responses[0]!.status).toBe(400);
    expect(raw.responses[0]!.body.error.message).toBe("Resource not found for the segment 'v1.0'.");
    const fixed = new BatchRequestContent([
      { id: '1', request: new Request(`${sim.url}/organization`, { method: 'GET' }) },
    ]);
    const good = (await client.api('/$batch').post(await fixed.getContent())) as { responses: { status: number }[] };
    expect(good.responses[0]!.status).toBe(200);
  });
});

describe('throttling and faults', () => {
  it('a storm of injected 429s is survived by the Graph client retry handler', async () => {
    const tenant = manifest.tenants[0]!;
    const client = graphFor(tenant.id);
    await client.api('/organization').get(); // token acquired before the storm
    sim.faults.failNext(3, 429, { retryAfterSeconds: 0.2, target: 'graph' });
    const res = (await client
      .api('/organization')
      .middlewareOptions([new RetryHandlerOptions(0, 5)])
      .get()) as { value: unknown[] };
    expect(res.value).toHaveLength(1);
    expect(sim.faults.state().failNext).toBeNull();
  });

  it('the token bucket answers 429 with Retry-After and throttle headers, then recovers', async () => {
    const tenant = manifest.tenants[0]!;
    sim.admin.setThrottling(true, { ruPerAppTenant: { S: 3, M: 3, L: 3 }, ruWindowMs: 600 });
    const token = await mgmtToken(tenant.id);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    let scope: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${sim.url}/v1.0/organization`, { headers: { authorization: `Bearer ${token}` } });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        scope = res.headers.get('x-ms-throttle-scope');
        const body = (await res.json()) as { error: { code: string; innerError: { 'request-id': string } } };
        expect(body.error.code).toBe('TooManyRequests');
      } else await res.arrayBuffer();
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(scope).toBe(`Tenant_Application/ReadWrite/${manifest.managementApp.appId}/${tenant.id}`);
    const client = graphFor(tenant.id);
    const res = (await client
      .api('/organization')
      .middlewareOptions([new RetryHandlerOptions(0, 10)])
      .get()) as { value: unknown[] };
    expect(res.value).toHaveLength(1);
  });

  it('single-object GETs that $select keyCredentials share the 150/min per tenant limit with lists', async () => {
    // "Get application" / "Get servicePrincipal": "The use of $select to get keyCredentials … has a
    // throttling limit of 150 requests per minute for every tenant" (scaled down here to 2).
    const tenant = tenantWithCurrent();
    const c = tenant.connectors[0]!;
    sim.admin.setThrottling(true, { keyCredentialReadsPerTenant: 2, keyCredentialReadsWindowMs: 60_000 });
    const token = await mgmtToken(tenant.id);
    const get = (path: string) =>
      fetch(`${sim.url}/v1.0${path}`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => ({
        status: r.status,
        headers: r.headers,
        body: (await r.json()) as { error?: { code: string; message: string; innerError: Record<string, string> } },
      }));
    expect((await get(`/applications/${c.applicationObjectId}?$select=id,keyCredentials`)).status).toBe(200);
    expect((await get(`/servicePrincipals(appId='${c.appId}')?$select=keyCredentials`)).status).toBe(200);
    const third = await get(`/applications(appId='${c.appId}')?$select=keyCredentials`);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(third.headers.get('x-ms-throttle-scope')).toBe(`Tenant/ReadWrite/${tenant.id}`);
    expect(third.body.error).toMatchObject({
      code: 'TooManyRequests',
      message: 'Please retry again later.',
      innerError: { code: '429', status: '429', message: 'Please retry after' },
    });
    // Reads without keyCredentials in $select are not counted against that limit.
    expect((await get(`/applications/${c.applicationObjectId}?$select=id,displayName`)).status).toBe(200);
  });

  it('applies the global limit per app across all tenants', async () => {
    // Throttling limits, global: 130,000 requests per 10 s per app across all tenants (scaled to 3).
    sim.admin.setThrottling(true, { requestsPerApp: 3, requestsPerAppWindowMs: 10_000 });
    const [a, b] = [manifest.tenants[0]!, manifest.tenants[1]!];
    const tokens = { [a.id]: await mgmtToken(a.id), [b.id]: await mgmtToken(b.id) };
    const statuses: number[] = [];
    let scope: string | null = null;
    for (const t of [a, b, a, b]) {
      const res = await fetch(`${sim.url}/v1.0/organization`, { headers: { authorization: `Bearer ${tokens[t.id]}` } });
      statuses.push(res.status);
      if (res.status === 429) scope = res.headers.get('x-ms-throttle-scope');
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(scope).toBe(`Application/Global/${manifest.managementApp.appId}`);
  });

  it('takes the token endpoint down and drops connections on request', async () => {
    const tenant = manifest.tenants[0]!;
    sim.faults.tokenEndpointDown(5);
    const down = await fetch(`${sim.url}/${tenant.id}/oauth2/v2.0/token`, {
      method: 'POST',
      body: 'grant_type=client_credentials',
    });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBeTruthy();
    sim.faults.clear();
    sim.faults.dropConnections(1, 'graph');
    await expect(fetch(`${sim.url}/v1.0/organization`)).rejects.toThrow();
    sim.faults.clear();
    const control = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ failNext: { count: 1, status: 503 } }),
    });
    expect(((await control.json()) as { failNext: { remaining: number } }).failNext.remaining).toBe(1);
    const failed = await fetch(`${sim.url}/v1.0/organization`);
    expect(failed.status).toBe(503);
  });
});

describe('app role assignments and service principals', () => {
  it('deletes and recreates a connector service principal and re-grants its consent', async () => {
    const tenant = tenantWithCurrent();
    const c = tenant.connectors[0]!;
    const client = graphFor(tenant.id);
    const before = (await client.api(`/servicePrincipals/${c.servicePrincipalId}/appRoleAssignments`).get()) as {
      value: { appRoleId: string; resourceId: string }[];
    };
    expect(before.value.length).toBeGreaterThan(0);
    await client.api(`/servicePrincipals(appId='${c.appId}')`).delete();
    const e = await graphError(client.api(`/servicePrincipals/${c.servicePrincipalId}`).get());
    expect(e.statusCode).toBe(404);
    const sp = (await client.api('/servicePrincipals').post({ appId: c.appId })) as { id: string; appId: string };
    expect(sp.appId).toBe(c.appId);
    for (const a of before.value) {
      await client
        .api(`/servicePrincipals/${sp.id}/appRoleAssignments`)
        .post({ principalId: sp.id, resourceId: a.resourceId, appRoleId: a.appRoleId });
    }
    const after = (await client.api(`/servicePrincipals/${sp.id}/appRoleAssignments`).get()) as {
      value: { appRoleId: string }[];
    };
    expect(after.value.map((a) => a.appRoleId).sort()).toEqual(before.value.map((a) => a.appRoleId).sort());
    const conflict = await graphError(client.api('/servicePrincipals').post({ appId: c.appId }));
    expect(conflict.statusCode).toBe(409);
    void crypto;
  });
});
