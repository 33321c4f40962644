/**
 * Obtains a token AS a connector app with a given certificate and key: the proof that a credential
 * works (or, after removal, no longer works). A fresh MSAL client each time: no token cache, and no
 * MSAL throttle entry left behind from an earlier failure of the same credential.
 */
import { ConfidentialClientApplication } from '@azure/msal-node';
import { toTokenFailure } from '@/lib/graph/graph-errors';
import {
  authorityFor,
  msalConfiguration,
  rolesOf,
  sha256ThumbprintOf,
  type CertificateCredential,
} from '@/lib/graph/msal-options';

export type CredentialCheck =
  | { ok: true; roles: string[]; thumbprintSha256: string }
  | {
      ok: false;
      /** e.g. 700027: the key is not registered (or expired) on the application. */
      aadsts?: number;
      error: string;
      message: string;
      /** True when the token endpoint itself was unreachable (the check says nothing about the key). */
      unavailable: boolean;
      keyNotRegistered: boolean;
      thumbprintSha256: string;
    };

export interface AcquireTokenAsAppInput extends CertificateCredential {
  authorityHost: string;
  /** The cloud's Graph resource identifier (see TokenProvider). */
  graphResource: string;
  tenantId: string;
  /** The connector's appId (client id). */
  clientId: string;
}

export async function acquireTokenAsApp(input: AcquireTokenAsAppInput): Promise<CredentialCheck> {
  const thumbprintSha256 = sha256ThumbprintOf(input.certificatePem);
  const cca = new ConfidentialClientApplication(
    msalConfiguration({
      clientId: input.clientId,
      authorityHost: input.authorityHost,
      tenantId: input.tenantId,
      credential: input,
    }),
  );
  try {
    const r = await cca.acquireTokenByClientCredential({
      scopes: [`${input.graphResource.replace(/\/+$/, '')}/.default`],
      authority: authorityFor(input.authorityHost, input.tenantId),
      skipCache: true,
    });
    if (!r?.accessToken)
      return {
        ok: false,
        error: 'no_token',
        message: 'the token endpoint returned no access token',
        unavailable: false,
        keyNotRegistered: false,
        thumbprintSha256,
      };
    return { ok: true, roles: rolesOf(r.accessToken), thumbprintSha256 };
  } catch (e) {
    const f = toTokenFailure(e);
    return {
      ok: false,
      aadsts: f.aadsts,
      error: f.error,
      message: f.message,
      unavailable: f.unavailable,
      keyNotRegistered: f.aadsts === 700027,
      thumbprintSha256,
    };
  }
}
