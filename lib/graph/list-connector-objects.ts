/**
 * The applications and service principals matching each connector type, in one `$batch` instead
 * of two requests per type: an item's `@odata.nextLink` is followed with plain requests, as
 * `listAll` does. Results are in the matches' order; a failed item throws its error.
 */
import type { GraphGateway, TenantRef } from '@/lib/graph/graph-gateway';
import type { Application, ServicePrincipal } from '@/lib/graph/graph-types';
import { applicationListPath, applicationsMatching, type ApplicationMatch } from '@/lib/graph/list-applications';
import { servicePrincipalListPath, servicePrincipalsMatching } from '@/lib/graph/list-service-principals';

export async function listConnectorObjects(
  gw: GraphGateway,
  tenant: TenantRef,
  matches: ApplicationMatch[],
): Promise<{ applications: Application[]; servicePrincipals: ServicePrincipal[] }[]> {
  const listable = (m: ApplicationMatch) => Boolean(m.appId || m.displayNamePattern);
  const items = matches.flatMap((m, i) =>
    listable(m)
      ? [
          { id: `a${i + 1}`, method: 'GET' as const, url: applicationListPath(m), operation: 'list the applications' },
          {
            id: `p${i + 1}`,
            method: 'GET' as const,
            url: servicePrincipalListPath(m),
            operation: 'list the service principals',
          },
        ]
      : [],
  );
  const results =
    items.length === 0
      ? []
      : await gw.batch<{ value?: unknown[]; '@odata.nextLink'?: string }>(tenant, items, {
          operation: 'list the connector applications',
          need: 'readApplications',
        });
  const byId = new Map(results.map((r) => [r.id, r]));
  const all = async (id: string, operation: string): Promise<unknown[]> => {
    const r = byId.get(id);
    if (!r) return [];
    if (!r.ok) throw r.error;
    const first = r.body.value ?? [];
    const next = r.body['@odata.nextLink'];
    if (!next) return first;
    return [
      ...first,
      ...(await gw.listAll<unknown>(tenant, { method: 'GET', path: next, operation, need: 'readApplications' })),
    ];
  };
  const out: { applications: Application[]; servicePrincipals: ServicePrincipal[] }[] = [];
  for (const [i, m] of matches.entries()) {
    out.push({
      applications: applicationsMatching(await all(`a${i + 1}`, 'list the applications'), m),
      servicePrincipals: servicePrincipalsMatching(await all(`p${i + 1}`, 'list the service principals'), m),
    });
  }
  return out;
}
