// Entry point for /v1.0 and /beta: bearer-token validation, throttling, dispatch, error envelope.
import type { HttpResult } from '../entra/aad-error';
import { verifyGraphAccessToken } from '../entra/access-token';
import type { SimContext } from '../sim-context';
import { resourceUnitCost } from '../throttle/throttler';
import { handleBatch } from './batch';
import { handleDirectoryObjects, handleOrganization, handlePolicy } from './directory-objects';
import { badRequest, GraphError, graphErrorResult, type GraphCaller, type GraphRequest } from './graph-http';
import { handleSignIns } from './sign-ins';
import { handlePermissionGrants } from './permission-grants';

function splitPath(path: string): string[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

function dispatch(ctx: SimContext, caller: GraphCaller, req: GraphRequest): HttpResult {
  const segments = splitPath(req.path);
  const head = (segments[0] ?? '').toLowerCase();
  if (head === 'organization') return handleOrganization(ctx, caller, req, segments);
  if (head === 'auditlogs') return handleSignIns(ctx, caller, req, segments);
  if (head === 'oauth2permissiongrants') return handlePermissionGrants(ctx, caller, req, segments);
  if (
    head === 'policies' &&
    (segments[1] ?? '').toLowerCase() === 'defaultappmanagementpolicy' &&
    segments.length === 2
  ) {
    return handlePolicy(ctx, caller, req);
  }
  const result = handleDirectoryObjects(ctx, caller, req, segments);
  if (result) return result;
  throw badRequest(`Resource not found for the segment '${segments[0] ?? ''}'.`, 'BadRequest');
}

/** One Graph operation (a top-level request or a batch item): throttle, then dispatch. */
function executeOne(ctx: SimContext, caller: GraphCaller, req: GraphRequest): HttpResult {
  try {
    const segments = splitPath(req.path);
    const head = (segments[0] ?? '').toLowerCase();
    const isCollection = segments.length === 1;
    const decision = ctx.throttler.check(
      {
        appId: caller.token.appId,
        tenantId: caller.tenant.id,
        tenantSize: caller.tenant.size,
        ru: resourceUnitCost(req.method, req.method === 'GET' && head === 'applications' && isCollection, req.query),
        write: req.method !== 'GET',
        report: head === 'auditlogs',
        // Lists and single objects alike ("List applications", "Get application", "Get servicePrincipal").
        keyCredentialRead:
          req.method === 'GET' &&
          segments.length <= 2 &&
          (head.startsWith('applications') || head.startsWith('serviceprincipals')) &&
          /keyCredentials/i.test(req.query.get('$select') ?? ''),
      },
      ctx.now(),
    );
    if (!decision.ok) {
      throw new GraphError(429, 'TooManyRequests', 'Please retry again later.', undefined, {
        'retry-after': String(decision.retryAfterSeconds),
        'x-ms-throttle-scope': decision.scope,
        'x-ms-throttle-information': decision.information,
      });
    }
    const res = dispatch(ctx, caller, req);
    res.headers['x-ms-resource-unit'] = String(decision.ru);
    if (decision.limitPercentage !== null)
      res.headers['x-ms-throttle-limit-percentage'] = String(decision.limitPercentage);
    return res;
  } catch (err) {
    if (err instanceof GraphError) return graphErrorResult(err, req, ctx.now());
    throw err;
  }
}

export async function handleGraph(ctx: SimContext, req: GraphRequest): Promise<HttpResult> {
  const verified = verifyGraphAccessToken(ctx, req.headers.authorization);
  if ('code' in verified) {
    return graphErrorResult(
      new GraphError(401, verified.code, verified.message, undefined, {
        'www-authenticate': `Bearer realm="", authorization_uri="https://${ctx.config.loginHost}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
      }),
      req,
      ctx.now(),
    );
  }
  const tenant = ctx.directory.tenants.get(verified.tenantId);
  if (!tenant) {
    return graphErrorResult(
      new GraphError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid tenant.'),
      req,
      ctx.now(),
    );
  }
  const caller: GraphCaller = { token: verified, tenant };
  if (splitPath(req.path).length === 1 && req.path.toLowerCase() === '/$batch') {
    try {
      return await handleBatch(ctx, caller, req, async (item, c) => executeOne(ctx, c, item));
    } catch (err) {
      if (err instanceof GraphError) return graphErrorResult(err, req, ctx.now());
      throw err;
    }
  }
  return executeOne(ctx, caller, req);
}
