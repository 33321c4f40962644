// Test helpers: real MSAL confidential clients and a real Graph client pointed at a simulator.
import fs from 'node:fs';
import {
  ConfidentialClientApplication,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { Client } from '@microsoft/microsoft-graph-client';
import type { SimHandle } from '../server';

export interface ClientCert {
  privateKeyPem: string;
  sha1Hex: string;
  sha256Hex: string;
}

export function certFromFiles(
  certificatePath: string,
  privateKeyPath: string,
  sha1Hex: string,
  sha256Hex: string,
): ClientCert {
  void certificatePath;
  return { privateKeyPem: fs.readFileSync(privateKeyPath, 'utf8'), sha1Hex, sha256Hex };
}

/** A fetch-based MSAL network module that adds headers (e.g. x-sim-client-ip). */
export function headerNetworkClient(extra: Record<string, string>): INetworkModule {
  const call = async <T>(
    url: string,
    options: NetworkRequestOptions | undefined,
    method: string,
  ): Promise<NetworkResponse<T>> => {
    const res = await fetch(url, { method, headers: { ...(options?.headers ?? {}), ...extra }, body: options?.body });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    return { headers, body: (await res.json()) as T, status: res.status };
  };
  return {
    sendGetRequestAsync: (url, options) => call(url, options, 'GET'),
    sendPostRequestAsync: (url, options) => call(url, options, 'POST'),
  };
}

export function simMsal(
  sim: SimHandle,
  tenantId: string,
  clientId: string,
  cert: ClientCert,
  opts: { alg?: 'PS256' | 'RS256'; headers?: Record<string, string> } = {},
): ConfidentialClientApplication {
  const alg = opts.alg ?? 'PS256';
  return new ConfidentialClientApplication({
    auth: {
      clientId,
      authority: `${sim.url}/${tenantId}`,
      knownAuthorities: [new URL(sim.url).host],
      clientCertificate:
        alg === 'PS256'
          ? { thumbprintSha256: cert.sha256Hex, privateKey: cert.privateKeyPem }
          : { thumbprint: cert.sha1Hex, privateKey: cert.privateKeyPem },
    },
    system: opts.headers ? { networkClient: headerNetworkClient(opts.headers) } : {},
  });
}

export async function simToken(
  cca: ConfidentialClientApplication,
  scope = 'https://graph.microsoft.com/.default',
): Promise<string> {
  const result = await cca.acquireTokenByClientCredential({ scopes: [scope], skipCache: true });
  if (!result) throw new Error('no token');
  return result.accessToken;
}

export function simGraphClient(sim: SimHandle, getAccessToken: () => Promise<string>): Client {
  return Client.initWithMiddleware({
    authProvider: { getAccessToken },
    baseUrl: `${sim.url}/`,
    customHosts: new Set(['localhost']),
  });
}
