/**
 * Sign-in evidence does not depend on how the log writes the credential thumbprint: the simulator
 * writes it in several formats (Microsoft does not document one) and listSignIns, asked for a
 * credential by keyId or by SHA-1 / SHA-256 thumbprint, finds the same sign-ins every time.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireTokenAsApp } from '@/lib/graph/acquire-token-as-app';
import { listSignIns } from '@/lib/graph/list-sign-ins';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { buildCert } from '@/lib/testing/certs';
import type { SimConfig } from '@/sim/sim-context';

const DAY = 86_400_000;
let gs: GraphSim;
beforeAll(async () => {
  gs = await startGraphSim({ throttling: false });
});
afterAll(async () => {
  if (gs) gs.sim.context.config.signInThumbprintFormat = 'sha1-hex';
  await gs?.close();
});

const FORMATS: SimConfig['signInThumbprintFormat'][] = [
  'sha1-hex',
  'sha1-hex-lower-colons',
  'sha1-base64',
  'sha256-hex',
];

describe('listSignIns for one credential, whatever the thumbprint format', () => {
  it.each(FORMATS)('log format %s', async (format) => {
    gs.sim.context.config.signInThumbprintFormat = format;
    const t = gs.makeTenant({ name: 'Thumbprint Ltd' });
    const now = Date.now();
    const [a, b] = [1, 2].map((n) =>
      buildCert({
        subject: `CN=tp-${format}-${n}`,
        notBefore: new Date(now - DAY),
        notAfter: new Date(now + 90 * DAY),
        slot: 700 + n,
      }),
    );
    const c = gs.makeConnector(t.id, { displayName: 'Thumbprint Conn', certificates: [a!.pem, b!.pem] });
    const signInWith = (cert: { pem: string; keyPem: string }) =>
      acquireTokenAsApp({
        authorityHost: gs.sim.url,
        graphResource: 'https://graph.microsoft.com',
        tenantId: t.id,
        clientId: c.appId,
        certificatePem: cert.pem,
        privateKeyPem: cert.keyPem,
      });
    await signInWith(a!);
    await signInWith(a!);
    await signInWith(b!);
    const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const sha1 = crypto.createHash('sha1').update(der(a!.pem)).digest('hex').toUpperCase();
    const sha256 = crypto.createHash('sha256').update(der(a!.pem)).digest('hex');
    const keyId = gs.sim.admin
      .getTenant(t.id)
      .applications.get(c.appObjectId)!
      .keyCredentials.find((k) => k.customKeyIdentifier?.toString('hex').toUpperCase() === sha1)!.keyId;
    const since = new Date(now - 60_000);
    const logged = gs.sim.admin.listSignIns(t.id, { appId: c.appId })[0]!.servicePrincipalCredentialThumbprint;
    expect(logged).not.toBeNull();
    for (const query of [{ sha1, sha256 }, { keyId }, { sha1: sha1.toLowerCase().match(/../g)!.join(':'), sha256 }]) {
      const r = await listSignIns(gs.graph.gateway, t.id, { appId: c.appId, since, ...query });
      expect(r.available && r.signIns.length, `${format} ${JSON.stringify(query)} (log: ${logged})`).toBe(2);
    }
  });
});
