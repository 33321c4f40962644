import https from 'node:https';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapTokenFailure, toTokenFailure } from '@/lib/graph/graph-errors';
import { networkCauseOf, probeNetworkCause } from '@/lib/graph/network-cause';

/** An HTTPS server with a self-signed certificate nobody here trusts. */
function selfSigned(): { key: string; cert: string } {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 3_600_000);
  const name = [{ name: 'commonName', value: 'localhost' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(cert) };
}

let server: https.Server;
let url: string;
beforeAll(async () => {
  server = https.createServer(selfSigned(), (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://localhost:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('network cause', () => {
  it('names an untrusted TLS certificate as a certificate problem', async () => {
    const cause = await probeNetworkCause(url);
    expect(cause).toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', certificate: true });
  });

  it('names a refused connection, and is not a certificate problem', async () => {
    const closed = https.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await probeNetworkCause(`https://127.0.0.1:${port}/`)).toMatchObject({
      code: 'ECONNREFUSED',
      certificate: false,
    });
  });

  it('is null when the host answers', async () => {
    const plain = await import('node:http');
    const ok = plain.createServer((_req, res) => res.end());
    await new Promise<void>((resolve) => ok.listen(0, '127.0.0.1', resolve));
    expect(await probeNetworkCause(`http://127.0.0.1:${(ok.address() as AddressInfo).port}/`)).toBeNull();
    await new Promise<void>((resolve) => ok.close(() => resolve()));
  });

  it('reads the cause through nested errors', () => {
    const e = new TypeError('fetch failed', { cause: Object.assign(new Error('boom'), { code: 'ENOTFOUND' }) });
    expect(networkCauseOf(e)).toEqual({ code: 'ENOTFOUND', message: 'boom', certificate: false });
    expect(networkCauseOf(new Error('plain'))).toBeNull();
  });

  it('turns an untrusted certificate at the token endpoint into a configuration error that says what to do', () => {
    const failure = toTokenFailure({
      name: 'NetworkError',
      errorCode: 'network_error',
      errorMessage: 'Network request failed: fetch failed, additionalErrorInfo: error.name:TypeError',
    });
    expect(failure.unavailable).toBe(true);
    failure.networkCause = { code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate', certificate: true };
    const err = mapTokenFailure(failure, { tenantId: 't1', operation: 'get a token' });
    expect(err.code).toBe('CONFIG');
    expect(err.details?.transient).toBeUndefined();
    expect(err.message).toMatch(/TLS certificate this machine does not trust \(SELF_SIGNED_CERT_IN_CHAIN/);
    expect(err.message).toMatch(/NODE_EXTRA_CA_CERTS/);

    failure.networkCause = { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED', certificate: false };
    const outage = mapTokenFailure(failure, { tenantId: 't1', operation: 'get a token' });
    expect(outage.code).toBe('GRAPH_UNAVAILABLE');
    expect(outage.message).toMatch(/unavailable for tenant t1; ECONNREFUSED: connect ECONNREFUSED\. Rekey will try/);
  });
});
