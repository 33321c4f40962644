import { describe, expect, it } from 'vitest';
import { signInCredential } from '@/lib/detection/sign-in-credential';

const THUMB = 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678';
const KEY = '0b1c2d3e-4f50-4617-8899-aabbccddeeff';

describe('signInCredential', () => {
  it('names a certificate by its thumbprint and does not flag it', () => {
    expect(
      signInCredential({ credentialType: 'certificate', credentialThumbprint: THUMB, credentialKeyId: KEY }),
    ).toEqual({ kind: 'Certificate', id: 'A1B2C3D4E5F6', unexpected: false });
  });

  it('flags a client secret and a federated credential, named by key id', () => {
    expect(
      signInCredential({ credentialType: 'clientSecret', credentialThumbprint: null, credentialKeyId: KEY }),
    ).toEqual({ kind: 'Client secret', id: '0b1c2d3e…', unexpected: true });
    expect(
      signInCredential({
        credentialType: 'federatedIdentityCredential',
        credentialThumbprint: null,
        credentialKeyId: null,
      }),
    ).toEqual({ kind: 'Federated credential', id: null, unexpected: true });
  });

  it('says nothing it does not know: no type, an unknown type as Graph spells it', () => {
    expect(signInCredential({ credentialType: null, credentialThumbprint: null, credentialKeyId: null })).toEqual({
      kind: null,
      id: null,
      unexpected: false,
    });
    expect(
      signInCredential({ credentialType: 'unknownFutureValue', credentialThumbprint: null, credentialKeyId: null })
        .kind,
    ).toBe('unknownFutureValue');
  });
});
