// GET /beta/auditLogs/signIns (and /v1.0, which has no credential fields and only interactive sign-ins).
// learn signin-list?view=graph-rest-beta; beta signIn resource; licensing per howto-configure-prerequisites-for-reporting-api.
import type { SignInRecord } from '../directory/directory';
import type { HttpResult } from '../entra/aad-error';
import type { SimContext } from '../sim-context';
import { GraphError, ok, badRequest, type GraphCaller, type GraphRequest } from './graph-http';
import { evaluateFilter, filterProperties, parseFilter } from './odata-filter';
import { nextLink, pageSize } from './paging';
import { RULES, requireRule } from './permissions';

const BETA_ONLY = [
  'signInEventTypes',
  'clientCredentialType',
  'servicePrincipalCredentialKeyId',
  'servicePrincipalCredentialThumbprint',
  'resourceServicePrincipalId',
  'appOwnerTenantId',
  'uniqueTokenIdentifier',
] as const;

const FILTERABLE = new Set([
  'signInEventTypes',
  'appId',
  'appDisplayName',
  'servicePrincipalId',
  'servicePrincipalName',
  'createdDateTime',
  'ipAddress',
  'userId',
  'userPrincipalName',
  'servicePrincipalCredentialKeyId',
  'servicePrincipalCredentialThumbprint',
  'clientCredentialType',
  'resourceId',
  'status',
  'correlationId',
  'id',
  'isInteractive',
]);

function toJson(rec: SignInRecord, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...rec, location: null };
  if (version === 'v1.0') for (const k of BETA_ONLY) delete out[k];
  return out;
}

export function handleSignIns(ctx: SimContext, caller: GraphCaller, req: GraphRequest, segments: string[]): HttpResult {
  if (req.method !== 'GET' || segments.length !== 2 || segments[1]!.toLowerCase() !== 'signins') {
    throw badRequest(`Resource not found for the segment '${segments[1] ?? ''}'.`, 'BadRequest');
  }
  requireRule(caller, RULES.readSignIns);
  if (!caller.tenant.premium) {
    throw new GraphError(
      403,
      'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
      "Tenant is not a B2C tenant and doesn't have premium license",
    );
  }
  const rawFilter = req.query.get('$filter');
  const filter = rawFilter ? parseFilter(rawFilter) : null;
  const props = filter ? filterProperties(filter) : [];
  for (const p of props) {
    if (!FILTERABLE.has(p) || (req.version === 'v1.0' && (BETA_ONLY as readonly string[]).includes(p))) {
      throw badRequest(`Invalid filter clause: property '${p}' is not supported.`, 'BadRequest');
    }
  }
  // "Without an event-type filter, the List signIns API returns only interactive user sign-ins."
  const typeFiltered = req.version === 'beta' && props.includes('signInEventTypes');
  const size = pageSize(req, 1000, 1000);
  // Newest first. The skiptoken carries the index (in the append-only log) to continue below,
  // so sign-ins recorded while paging do not shift pages.
  const all = caller.tenant.signIns;
  let start = all.length - 1;
  const raw = req.query.get('$skiptoken');
  if (raw) {
    try {
      const t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { id?: string; i?: number };
      let i = Math.min(typeof t.i === 'number' ? t.i : -1, all.length - 1);
      while (i >= 0 && all[i]!.id !== t.id) i--; // the log may have been trimmed at the front
      start = i - 1;
    } catch {
      throw badRequest(`Invalid skip token '${raw}'.`, 'Request_BadRequest');
    }
  }
  const page: SignInRecord[] = [];
  let i = start;
  let lastIndex = -1;
  for (; i >= 0 && page.length < size; i--) {
    const rec = all[i]!;
    if (!typeFiltered && !rec.signInEventTypes.includes('interactiveUser')) continue;
    if (filter && !evaluateFilter(filter, rec)) continue;
    page.push(rec);
    lastIndex = i;
  }
  let hasMore = false;
  for (let j = i; j >= 0; j--) {
    const rec = all[j]!;
    if (
      (typeFiltered || rec.signInEventTypes.includes('interactiveUser')) &&
      (!filter || evaluateFilter(filter, rec))
    ) {
      hasMore = true;
      break;
    }
  }
  const body: Record<string, unknown> = {
    '@odata.context': `https://${ctx.config.graphHost}/${req.version}/$metadata#auditLogs/signIns`,
  };
  if (hasMore && lastIndex >= 0) body['@odata.nextLink'] = nextLink(req, { id: all[lastIndex]!.id, i: lastIndex });
  body.value = page.map((r) => toJson(r, req.version));
  return ok(body);
}
