import { ConfidentialClientApplication, type INetworkModule } from '@azure/msal-node';
import { describe, expect, it } from 'vitest';
import { authorityMetadataFor, decodeJwtClaims, msalConfiguration, rolesOf } from '@/lib/graph/msal-options';
import { adminConsentUrl } from '@/lib/graph/admin-consent-url';
import { buildCert } from '@/lib/testing/certs';

const cert = buildCert({
  subject: 'CN=mgmt',
  notBefore: new Date(Date.now() - 86_400_000),
  notAfter: new Date(Date.now() + 86_400_000 * 30),
});
const TENANT = '7f3c9a2e-1b4d-4c8e-9f0a-2b3c4d5e6f70';

function recordingNetwork(calls: string[]): INetworkModule {
  const jwt = `e30.${Buffer.from(JSON.stringify({ roles: ['Application.ReadWrite.All'] })).toString('base64url')}.sig`;
  return {
    sendGetRequestAsync: async (url) => {
      calls.push(`GET ${url}`);
      return { headers: {}, body: {} as never, status: 404 };
    },
    sendPostRequestAsync: async (url) => {
      calls.push(`POST ${url.split('?')[0]}`);
      return { headers: {}, body: { token_type: 'Bearer', expires_in: 3599, access_token: jwt } as never, status: 200 };
    },
  };
}

describe('MSAL configuration per cloud', () => {
  it.each([
    ['https://login.microsoftonline.com', 'https://graph.microsoft.com'],
    ['https://login.microsoftonline.us', 'https://graph.microsoft.us'],
    ['https://login.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn'],
    ['https://login.partner.example:8443', 'https://graph.microsoft.com'],
  ])('%s: no discovery or metadata request, only the token POST to the tenant', async (authorityHost, resource) => {
    const calls: string[] = [];
    const config = msalConfiguration({
      clientId: '11111111-2222-3333-4444-555555555555',
      authorityHost,
      tenantId: 'organizations',
      credential: { certificatePem: cert.pem, privateKeyPem: cert.keyPem },
    });
    const cca = new ConfidentialClientApplication({
      ...config,
      system: { ...config.system, networkClient: recordingNetwork(calls) },
    });
    const r = await cca.acquireTokenByClientCredential({
      scopes: [`${resource}/.default`],
      authority: `${authorityHost}/${TENANT}`,
      skipCache: true,
    });
    expect(calls).toEqual([`POST ${authorityHost}/${TENANT}/oauth2/v2.0/token`]);
    expect(rolesOf(r!.accessToken)).toEqual(['Application.ReadWrite.All']);
  });

  it('uses {tenant} placeholders so every tenant gets its own endpoints', () => {
    expect(JSON.parse(authorityMetadataFor('https://login.microsoftonline.us/'))).toMatchObject({
      token_endpoint: 'https://login.microsoftonline.us/{tenant}/oauth2/v2.0/token',
      issuer: 'https://login.microsoftonline.us/{tenant}/v2.0',
    });
  });

  it('decodes claims and tolerates junk', () => {
    expect(decodeJwtClaims('a.b')).toEqual({});
    expect(rolesOf('nope')).toEqual([]);
  });

  it('builds the admin consent link', () => {
    expect(
      adminConsentUrl({
        authorityHost: 'https://login.microsoftonline.com',
        tenantId: TENANT,
        clientId: 'abc',
        redirectUri: 'https://rekey.example/cb',
        state: 'x',
      }),
    ).toBe(
      `https://login.microsoftonline.com/${TENANT}/adminconsent?client_id=abc&redirect_uri=https%3A%2F%2Frekey.example%2Fcb&state=x`,
    );
  });
});
