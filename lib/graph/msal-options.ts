/**
 * MSAL configuration shared by the management-app token provider and the connector-credential
 * check: per-tenant authorities on a configurable host (global, US Government, China, or any
 * other https host) with the authority and cloud-discovery metadata supplied up front, so MSAL
 * makes no instance-discovery or OpenID-configuration call at all (MSAL Node's built-in authority metadata).
 */
import { createHash } from 'node:crypto';
import { assertionFor } from '@/lib/graph/client-assertion';
import { x509Of } from '@/lib/graph/parsed-keys';
import { LogLevel, type Configuration } from '@azure/msal-node';

export function authorityFor(authorityHost: string, tenantId: string): string {
  return `${authorityHost.replace(/\/+$/, '')}/${tenantId}`;
}

/** `{tenant}` placeholders: MSAL substitutes the tenant of each request's authority. */
export function authorityMetadataFor(authorityHost: string): string {
  const base = `${authorityHost.replace(/\/+$/, '')}/{tenant}`;
  return JSON.stringify({
    token_endpoint: `${base}/oauth2/v2.0/token`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    issuer: `${base}/v2.0`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
  });
}

export function cloudDiscoveryMetadataFor(authorityHost: string): string {
  const host = new URL(authorityHost).host;
  return JSON.stringify({
    tenant_discovery_endpoint: `${authorityHost.replace(/\/+$/, '')}/{tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}

/** MSAL must never print: a console.error fails tests, and its messages may carry PII. */
export const SILENT_LOGGER = { loggerCallback: () => {}, piiLoggingEnabled: false, logLevel: LogLevel.Error };

export interface CertificateCredential {
  /** PEM of the certificate (leaf first; the rest of the chain may follow). */
  certificatePem: string;
  /** PKCS#8 PEM ("BEGIN PRIVATE KEY"). */
  privateKeyPem: string;
}

export function sha256ThumbprintOf(certificatePem: string): string {
  const der = x509Of(certificatePem).raw;
  return createHash('sha256').update(der).digest('hex').toUpperCase();
}

export function msalConfiguration(opts: {
  clientId: string;
  authorityHost: string;
  tenantId: string;
  credential: CertificateCredential;
}): Configuration {
  const host = new URL(opts.authorityHost).host;
  return {
    auth: {
      clientId: opts.clientId,
      authority: authorityFor(opts.authorityHost, opts.tenantId),
      knownAuthorities: [host],
      authorityMetadata: authorityMetadataFor(opts.authorityHost),
      cloudDiscoveryMetadata: cloudDiscoveryMetadataFor(opts.authorityHost),
      // The assertion is signed here with the key imported once (client-assertion.ts), not by
      // MSAL's certificate path, which imports the PEM again for every token request.
      clientAssertion: assertionFor({
        thumbprintSha256: sha256ThumbprintOf(opts.credential.certificatePem),
        privateKeyPem: opts.credential.privateKeyPem,
      }),
    },
    system: { loggerOptions: SILENT_LOGGER },
  };
}

/** Reads a JWT's claims without verifying it (the token came straight from the token endpoint). */
export function decodeJwtClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** When a token was issued (its `iat` claim), or null. */
export function issuedAtOf(token: string): Date | null {
  const iat = decodeJwtClaims(token).iat;
  return typeof iat === 'number' ? new Date(iat * 1000) : null;
}

export function rolesOf(token: string): string[] {
  const roles = decodeJwtClaims(token).roles;
  return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
}
