import { ServerError } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../crypto/jwt';
import { createSelfSignedCertificate } from '../crypto/x509';
import type { SimHandle } from '../server';
import { certFromFiles, simMsal, simToken, type ClientCert } from '../testing/sim-clients';
import { startTestSim } from '../testing/start-test-sim';
import type { FleetManifest } from '../seed/fleet-manifest';

const DAY = 86_400_000;
let sim: SimHandle;
let manifest: FleetManifest;
let mgmt: ClientCert;

function toClientCert(c: { privateKeyPem: string; info: { sha1Hex: string; sha256Hex: string } }): ClientCert {
  return { privateKeyPem: c.privateKeyPem, sha1Hex: c.info.sha1Hex, sha256Hex: c.info.sha256Hex };
}

async function expectAadError(p: Promise<unknown>, code: number, error: string): Promise<ServerError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ServerError);
  const se = err as ServerError;
  expect(se.errorCode).toBe(error);
  expect(se.errorMessage).toContain(String(code));
  return se;
}

beforeAll(async () => {
  sim = await startTestSim();
  manifest = sim.manifest!;
  const m = manifest.managementApp;
  mgmt = certFromFiles(m.certificatePath, m.privateKeyPath, m.thumbprintSha1, m.thumbprintSha256);
});
afterAll(async () => {
  await sim.close();
});

describe('Entra token endpoint against the real MSAL', () => {
  it('publishes an OpenID configuration whose issuer matches the authority host', async () => {
    const tenant = manifest.tenants[0]!;
    const res = await fetch(`${sim.url}/${tenant.id}/v2.0/.well-known/openid-configuration`);
    const body = (await res.json()) as Record<string, string>;
    expect(body.issuer).toBe(`${sim.url}/${tenant.id}/v2.0`);
    expect(body.token_endpoint).toBe(`${sim.url}/${tenant.id}/oauth2/v2.0/token`);
    const keys = (await (await fetch(body.jwks_uri!)).json()) as { keys: { kid: string }[] };
    expect(keys.keys[0]?.kid).toBe(sim.context.signingKey.kid);
  });

  it('issues a token carrying tenant, app and the consented Graph roles (PS256, x5t#S256)', async () => {
    const tenant = manifest.tenants[0]!;
    const token = await simToken(simMsal(sim, tenant.id, manifest.managementApp.appId, mgmt));
    const claims = decodeJwt(token)!.payload;
    expect(claims.tid).toBe(tenant.id);
    expect(claims.appid).toBe(manifest.managementApp.appId);
    expect(claims.aud).toBe('https://graph.microsoft.com');
    expect(claims.roles).toEqual(expect.arrayContaining(['Application.ReadWrite.All', 'AuditLog.Read.All']));
  });

  it('accepts RS256 assertions with x5t (SHA-1) too', async () => {
    const tenant = manifest.tenants[0]!;
    const token = await simToken(simMsal(sim, tenant.id, manifest.managementApp.appId, mgmt, { alg: 'RS256' }));
    expect(decodeJwt(token)!.payload.tid).toBe(tenant.id);
  });

  it('refuses an unregistered certificate with AADSTS700027 and its thumbprint', async () => {
    const stranger = createSelfSignedCertificate({
      subjectCn: 'stranger',
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 30 * DAY),
    });
    const tenant = manifest.tenants[0]!;
    const err = await expectAadError(
      simToken(simMsal(sim, tenant.id, manifest.managementApp.appId, toClientCert(stranger), { alg: 'RS256' })),
      700027,
      'invalid_client',
    );
    expect(err.errorMessage).toContain(`Thumbprint of key used by client: '${stranger.info.sha1Hex}'`);
    expect(err.errorMessage).toContain('The key was not found.');
  });

  it('refuses a certificate once it is removed, expired or not yet valid', async () => {
    const tenant = manifest.tenants[0]!;
    const connector = tenant.connectors[0]!;
    const fresh = createSelfSignedCertificate({
      subjectCn: 'fresh',
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 90 * DAY),
    });
    const cred = sim.admin.addKeyCredentialDirect(tenant.id, { appId: connector.appId, certificate: fresh.der });
    expect(
      decodeJwt(await simToken(simMsal(sim, tenant.id, connector.appId, toClientCert(fresh))))!.payload.appid,
    ).toBe(connector.appId);

    sim.admin.removeKeyCredentialDirect(tenant.id, connector.appId, cred.keyId);
    await expectAadError(
      simToken(simMsal(sim, tenant.id, connector.appId, toClientCert(fresh))),
      700027,
      'invalid_client',
    );

    const expired = sim.admin.addKeyCredentialDirect(tenant.id, {
      appId: connector.appId,
      certificate: fresh.der,
      endDateTime: new Date(Date.now() - 60_000).toISOString(),
    });
    const e1 = await expectAadError(
      simToken(simMsal(sim, tenant.id, connector.appId, toClientCert(fresh))),
      700027,
      'invalid_client',
    );
    expect(e1.errorMessage).toContain('The key used is expired.');
    sim.admin.removeKeyCredentialDirect(tenant.id, connector.appId, expired.keyId);

    sim.admin.addKeyCredentialDirect(tenant.id, {
      appId: connector.appId,
      certificate: fresh.der,
      startDateTime: new Date(Date.now() + DAY).toISOString(),
    });
    const e2 = await expectAadError(
      simToken(simMsal(sim, tenant.id, connector.appId, toClientCert(fresh))),
      700027,
      'invalid_client',
    );
    expect(e2.errorMessage).toContain('not yet valid');
  });

  it('refuses a tenant where the app has no service principal with AADSTS700016', async () => {
    const tenantId = manifest.scenarios.consentRevokedTenantId!;
    const err = await expectAadError(
      simToken(simMsal(sim, tenantId, manifest.managementApp.appId, mgmt)),
      700016,
      'unauthorized_client',
    );
    expect(err.errorMessage).toContain('was not found in the directory');
    expect(err.status).toBe(400);
  });

  it('records a service-principal sign-in with keyId, thumbprint and the caller IP', async () => {
    const tenant = manifest.tenants.find((t) => t.connectors.some((c) => c.certificate.endsWith('-current')))!;
    const connector = tenant.connectors.find((c) => c.certificate.endsWith('-current'))!;
    const vendorCert = manifest.vendor.certificates.find((c) => c.name === connector.certificate)!;
    const cert = certFromFiles(
      vendorCert.certificatePath,
      vendorCert.privateKeyPath!,
      vendorCert.thumbprintSha1,
      vendorCert.thumbprintSha256,
    );
    await simToken(simMsal(sim, tenant.id, connector.appId, cert, { headers: { 'x-sim-client-ip': '198.51.100.23' } }));
    const latest = sim.admin.listSignIns(tenant.id, { appId: connector.appId })[0]!;
    expect(latest).toMatchObject({
      appId: connector.appId,
      ipAddress: '198.51.100.23',
      clientCredentialType: 'certificate',
      servicePrincipalCredentialKeyId: connector.keyId,
      servicePrincipalCredentialThumbprint: vendorCert.thumbprintSha1,
      signInEventTypes: ['servicePrincipal'],
      status: { errorCode: 0 },
    });
  });

  it('returns the Entra error shape for a client-credentials request without a /.default scope', async () => {
    const tenant = manifest.tenants[0]!;
    const res = await fetch(`${sim.url}/${tenant.id}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: manifest.managementApp.appId,
        scope: 'User.Read',
      }),
    });
    const body = (await res.json()) as {
      error: string;
      error_codes: number[];
      error_description: string;
      trace_id: string;
    };
    expect(res.status).toBe(400);
    expect(body.error).toBe('invalid_scope');
    expect(body.error_codes).toEqual([1002012]);
    expect(body.error_description).toMatch(/^AADSTS1002012: .*Trace ID: .*Correlation ID: .*Timestamp: /s);
  });
});
