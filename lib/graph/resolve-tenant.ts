/**
 * Domain → tenant id through the tenant's public OpenID configuration
 * (`{authorityHost}/{domain}/v2.0/.well-known/openid-configuration`, whose `issuer` is
 * `{authorityHost}/{tenantId}/v2.0`). Needs no token and no consent.
 */
import { RekeyError } from '@/lib/errors';
import { GUID } from '@/lib/text/guid';

export type ResolvedTenant = { found: true; tenantId: string } | { found: false; reason: string };

export async function resolveTenantDomain(
  authorityHost: string,
  domain: string,
  fetchImpl: typeof fetch = fetch,
): Promise<ResolvedTenant> {
  const url = `${authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(domain)}/v2.0/.well-known/openid-configuration`;
  let res: Response;
  try {
    res = await fetchImpl(url, { headers: { accept: 'application/json' } });
  } catch (e) {
    // fetch says only "fetch failed"; the reason (refused, DNS, an untrusted TLS certificate) is its cause.
    const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
    const why = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
    throw new RekeyError(
      'GRAPH_UNAVAILABLE',
      `Could not reach ${new URL(url).host} to look up the domain ${domain}: ${(e as Error).message}${why ? ` (${why})` : ''}`,
      { transient: true },
      { cause: e },
    );
  }
  if (res.status >= 500 || res.status === 429) {
    throw new RekeyError(
      'GRAPH_UNAVAILABLE',
      `The Entra ID discovery endpoint answered HTTP ${res.status} for ${domain}; try again later.`,
      { transient: true },
    );
  }
  if (!res.ok) return { found: false, reason: `no Entra ID tenant has the domain ${domain}` };
  const body = (await res.json().catch(() => ({}))) as { issuer?: unknown; token_endpoint?: unknown };
  for (const candidate of [body.issuer, body.token_endpoint]) {
    if (typeof candidate !== 'string') continue;
    const id = candidate.split('/').find((seg) => GUID.test(seg));
    if (id) return { found: true, tenantId: id.toLowerCase() };
  }
  return { found: false, reason: `the OpenID configuration of ${domain} names no tenant id` };
}

export function isGuid(s: string): boolean {
  return GUID.test(s);
}
