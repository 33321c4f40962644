// OpenID Connect discovery, JWKS and the instance-discovery endpoint.
import type { TenantRecord } from '../directory/directory';
import type { SimContext } from '../sim-context';
import { AadError, aadErrorResult, type HttpResult } from './aad-error';

const REGION_SCOPE: Record<string, string> = { EU: 'EU', UK: 'EU', US: 'NA', APAC: 'AS', AU: 'OC' };

export function resolveTenantSegment(ctx: SimContext, segment: string): TenantRecord | 'multi' | null {
  const s = segment.toLowerCase();
  if (s === 'common' || s === 'organizations' || s === 'consumers') return 'multi';
  return ctx.directory.findTenant(s);
}

export function openIdConfiguration(ctx: SimContext, origin: string, segment: string): HttpResult {
  const tenant = resolveTenantSegment(ctx, segment);
  if (!tenant) {
    return aadErrorResult(
      new AadError(
        400,
        'invalid_tenant',
        90002,
        `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      ),
      ctx.now(),
    );
  }
  const seg = tenant === 'multi' ? segment.toLowerCase() : tenant.id;
  const issuerTenant = tenant === 'multi' ? '{tenantid}' : tenant.id;
  const base = `${origin}/${seg}`;
  return {
    status: 200,
    headers: { 'cache-control': 'max-age=86400, private' },
    body: {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${origin}/${issuerTenant}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `https://${ctx.config.graphHost}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: [
        'sub',
        'iss',
        'cloud_instance_name',
        'cloud_instance_host_name',
        'cloud_graph_host_name',
        'msgraph_host',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'acr',
        'nonce',
        'preferred_username',
        'name',
        'tid',
        'ver',
        'at_hash',
        'c_hash',
        'email',
      ],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: tenant === 'multi' ? null : (REGION_SCOPE[tenant.region] ?? 'NA'),
      cloud_instance_name: ctx.config.loginHost.replace(/^login\./, ''),
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: ctx.config.graphHost,
      rbac_url: 'https://pas.windows.net',
    },
  };
}

export function jwks(ctx: SimContext): HttpResult {
  const jwk = ctx.signingKey.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return {
    status: 200,
    headers: { 'cache-control': 'max-age=86400, private' },
    body: {
      keys: [
        {
          kty: 'RSA',
          use: 'sig',
          kid: ctx.signingKey.kid,
          x5t: ctx.signingKey.kid,
          n: jwk.n,
          e: jwk.e,
          x5c: [ctx.signingKey.x5c],
        },
      ],
    },
  };
}

/** GET /common/discovery/instance: only needed by clients that do not set knownAuthorities. */
export function instanceDiscovery(origin: string, authorizationEndpoint: string | null): HttpResult {
  let host = new URL(origin).host;
  let tenantDiscovery = `${origin}/common/v2.0/.well-known/openid-configuration`;
  if (authorizationEndpoint) {
    try {
      const u = new URL(authorizationEndpoint);
      host = u.host;
      const tenant = u.pathname.split('/')[1] ?? 'common';
      tenantDiscovery = `${u.origin}/${tenant}/v2.0/.well-known/openid-configuration`;
    } catch {
      // keep defaults
    }
  }
  return {
    status: 200,
    headers: {},
    body: {
      tenant_discovery_endpoint: tenantDiscovery,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    },
  };
}
