/**
 * Is a certificate credential really in place on a connector? With its private key: obtain a
 * token as the connector app (the strongest proof). Without it: the credential is present on the
 * object with the right thumbprint and currently valid dates.
 */
import { acquireTokenAsApp } from '@/lib/graph/acquire-token-as-app';
import {
  describeKeyCredential,
  isCurrentlyValid,
  keyCredentialFromPem,
  sha1OfNewCredential,
} from '@/lib/graph/describe-key-credential';
import { tenantIdOf, type GraphGateway, type TenantRef } from '@/lib/graph/graph-gateway';
import type { CredentialTarget } from '@/lib/graph/graph-types';
import { listKeyCredentials } from '@/lib/graph/list-key-credentials';

export interface VerifyKeyCredentialInput {
  appId: string;
  target: CredentialTarget;
  certificatePem: string;
  /** When Rekey holds it, the check obtains a token with it. */
  privateKeyPem?: string | null;
  now: Date;
}

export interface CredentialVerification {
  method: 'token' | 'presence';
  ok: boolean;
  /** True when the answer says nothing (token endpoint unreachable): try again later. */
  inconclusive: boolean;
  detail: string;
  aadsts?: number;
  keyId?: string;
}

export async function verifyKeyCredential(
  gw: GraphGateway,
  tenant: TenantRef,
  input: VerifyKeyCredentialInput,
): Promise<CredentialVerification> {
  const sha1 = sha1OfNewCredential(keyCredentialFromPem(input.certificatePem));
  if (input.privateKeyPem) {
    const r = await acquireTokenAsApp({
      authorityHost: gw.tokenProvider.authorityHost,
      graphResource: gw.tokenProvider.graphResource,
      tenantId: tenantIdOf(tenant),
      clientId: input.appId,
      certificatePem: input.certificatePem,
      privateKeyPem: input.privateKeyPem,
    });
    if (r.ok)
      return {
        method: 'token',
        ok: true,
        inconclusive: false,
        detail: `the connector obtained a token with certificate ${sha1} (roles: ${r.roles.join(', ') || 'none'})`,
      };
    return {
      method: 'token',
      ok: false,
      inconclusive: r.unavailable,
      aadsts: r.aadsts,
      detail: r.keyNotRegistered
        ? `certificate ${sha1} is not accepted for the connector (AADSTS${r.aadsts})`
        : (r.message.split('\n')[0] ?? r.error),
    };
  }
  const creds = (await listKeyCredentials(gw, tenant, input.target)).map((k) =>
    describeKeyCredential(k, input.target.on),
  );
  const found = creds.find((c) => c.sha1 === sha1);
  if (!found)
    return {
      method: 'presence',
      ok: false,
      inconclusive: false,
      detail: `no credential with thumbprint ${sha1} on the ${input.target.on}`,
    };
  if (!isCurrentlyValid(found, input.now))
    return {
      method: 'presence',
      ok: false,
      inconclusive: false,
      keyId: found.keyId,
      detail: `credential ${found.keyId} (${sha1}) is present but not valid now (${found.start} – ${found.end})`,
    };
  return {
    method: 'presence',
    ok: true,
    inconclusive: false,
    keyId: found.keyId,
    detail: `credential ${found.keyId} with thumbprint ${sha1} is present and valid until ${found.end}`,
  };
}
