// /oauth2PermissionGrants: list (optionally `$filter` on clientId, resourceId, consentType,
// principalId), get and delete delegated permission grants ("oAuth2PermissionGrant resource type",
// "List oauth2PermissionGrants", "Delete oAuth2PermissionGrant"; sources in sim/README.md).
import type { OAuth2PermissionGrantRecord } from '../directory/directory';
import { ADMIN_CONSENT_ROLES, holdsAny } from '../directory/directory-roles';
import type { HttpResult } from '../entra/aad-error';
import type { SimContext } from '../sim-context';
import {
  badRequest,
  forbidden,
  GraphError,
  noContent,
  notFound,
  ok,
  type GraphCaller,
  type GraphRequest,
} from './graph-http';
import { evaluateFilter, parseFilter } from './odata-filter';
import { hasAny } from './permissions';

const READ = [
  'DelegatedPermissionGrant.Read.All',
  'DelegatedPermissionGrant.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
const WRITE = ['DelegatedPermissionGrant.ReadWrite.All', 'Directory.ReadWrite.All'];

function grantJson(g: OAuth2PermissionGrantRecord): Record<string, unknown> {
  return {
    id: g.id,
    clientId: g.clientId,
    consentType: g.consentType,
    principalId: g.principalId,
    resourceId: g.resourceId,
    scope: g.scope,
  };
}

function requireWriter(caller: GraphCaller): void {
  if (!hasAny(caller, WRITE)) throw forbidden();
  if (caller.token.isAppOnly) return;
  // A user deletes delegated grants only with an admin-consent role.
  const user = caller.tenant.users.get(caller.token.oid);
  if (!user || !holdsAny(user.directoryRoles, ADMIN_CONSENT_ROLES)) throw forbidden();
}

export function handlePermissionGrants(
  ctx: SimContext,
  caller: GraphCaller,
  req: GraphRequest,
  segments: string[],
): HttpResult {
  const grants = caller.tenant.oauth2PermissionGrants;
  const context = `https://${ctx.config.graphHost}/${req.version}/$metadata#oauth2PermissionGrants`;
  if (segments.length === 1) {
    if (req.method !== 'GET')
      throw new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
    if (!hasAny(caller, READ)) throw forbidden();
    const src = req.query.get('$filter');
    let value = [...grants.values()].map(grantJson);
    if (src) {
      let node;
      try {
        node = parseFilter(src);
      } catch (e) {
        throw badRequest(`Invalid filter clause: ${(e as Error).message}`);
      }
      value = value.filter((g) => evaluateFilter(node, g));
    }
    return ok({ '@odata.context': context, value });
  }
  const id = segments[1]!;
  const grant = grants.get(id);
  if (!grant) throw notFound(id);
  if (segments.length > 2) throw badRequest(`Resource not found for the segment '${segments[2]}'.`, 'BadRequest');
  if (req.method === 'GET') {
    if (!hasAny(caller, READ)) throw forbidden();
    return ok({ '@odata.context': `${context}/$entity`, ...grantJson(grant) });
  }
  if (req.method === 'DELETE') {
    requireWriter(caller);
    grants.delete(id);
    ctx.directory.touch();
    return noContent();
  }
  throw new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
}
