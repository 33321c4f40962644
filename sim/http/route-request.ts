// The simulator's request router: one HTTPS request to the /_sim/ control API, Microsoft Graph
// (/v1.0, /beta), the token endpoint, or Entra's other endpoints (OIDC metadata, JWKS, authorize,
// admin consent, logout). Graph and token requests pass the fault injector first. Everything it
// needs comes in RouterDeps, so sim/server.ts composes it and nothing here imports the server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AadError, aadErrorResult, type HttpResult } from '../entra/aad-error';
import { handleAdminConsent } from '../entra/admin-consent';
import { handleAuthorize, handleLogout } from '../entra/authorize';
import { instanceDiscovery, jwks, openIdConfiguration } from '../entra/oidc';
import { handleTokenRequest } from '../entra/token-endpoint';
import { GRAPH_JSON, GraphError, graphErrorResult, newRequestId, type GraphRequest } from '../graph/graph-http';
import { handleGraph } from '../graph/graph-router';
import type { SimContext } from '../sim-context';
import { clientIp, readBody, send } from './http-io';

export interface RouterDeps {
  /** Directory, config, signing key, throttler, fault injector, replication, clock and log. */
  ctx: SimContext;
  /** The port listened on: the origin of a request without a Host header. */
  port(): number;
  /** The /_sim/ control API of this simulator. */
  control(method: string, path: string, query: URLSearchParams, body: Buffer): Promise<HttpResult>;
  /** Told of every request when its answer is sent (StartSimulatorOptions.onRequest). */
  onRequest?: (r: { method: string; path: string; status: number; body: string }) => void;
}

/** A request as the routes see it: parsed once, body read. */
interface Incoming {
  req: IncomingMessage;
  res: ServerResponse;
  origin: string;
  u: URL;
  p: string;
  method: string;
  body: Buffer;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const GRAPH_FAULT_CODES: Record<number, string> = {
  429: 'TooManyRequests',
  500: 'generalException',
  502: 'badGateway',
  503: 'serviceNotAvailable',
  504: 'gatewayTimeout',
};

/** The HTTPS server's listener: routes each request; one whose handler throws gets a 500 (and a log line). */
export function requestListener(deps: RouterDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void routeRequest(deps, req, res).catch((err: unknown) => {
      deps.ctx.log(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      send(
        res,
        {
          status: 500,
          headers: {},
          body: { error: { code: 'InternalServerError', message: 'The simulator failed to handle the request.' } },
        },
        {},
      );
    });
  };
}

export async function routeRequest(deps: RouterDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { ctx } = deps;
  const started = Date.now();
  const origin = `https://${req.headers.host ?? `localhost:${deps.port()}`}`;
  const u = new URL(req.url ?? '/', origin);
  const p = u.pathname;
  const method = (req.method ?? 'GET').toUpperCase();
  const body = await readBody(req);
  res.on('finish', () => {
    ctx.log(`${method} ${p} -> ${res.statusCode} (${Date.now() - started} ms)`);
    deps.onRequest?.({ method, path: u.pathname + u.search, status: res.statusCode, body: body.toString('utf8') });
  });

  if (p.startsWith('/_sim/') || p === '/_sim') {
    send(res, await deps.control(method, p, u.searchParams, body), {});
    return;
  }
  const incoming: Incoming = { req, res, origin, u, p, method, body };
  const graphMatch = /^\/(v1\.0|beta)(\/.*)?$/i.exec(p);
  const tokenMatch = /^\/([^/]+)\/oauth2\/(?:v2\.0\/)?token$/i.exec(p);
  if (graphMatch || tokenMatch) {
    await routeFaultable(ctx, incoming, graphMatch, tokenMatch);
    return;
  }
  routeEntra(ctx, incoming);
}

/** Graph and the token endpoint: injected faults (drop, delay, token endpoint down, failures) first. */
async function routeFaultable(
  ctx: SimContext,
  incoming: Incoming,
  graphMatch: RegExpExecArray | null,
  tokenMatch: RegExpExecArray | null,
): Promise<void> {
  const { req, res, origin, u, method, body } = incoming;
  const kind = graphMatch ? 'graph' : 'token';
  const decision = ctx.faults.decide(kind);
  if (decision.drop) {
    req.socket.destroy();
    return;
  }
  if (decision.delayMs > 0) await sleep(decision.delayMs);
  const requestId = newRequestId();
  const clientRequestId =
    (req.headers['client-request-id'] as string | undefined) ?? u.searchParams.get('client-request-id');
  if (decision.tokenDownSeconds !== null) {
    const r = aadErrorResult(
      new AadError(503, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.'),
      ctx.now(),
      clientRequestId,
    );
    r.headers['retry-after'] = String(Math.max(1, Math.ceil(decision.tokenDownSeconds)));
    send(res, r, {});
    return;
  }
  if (decision.fail) {
    const { status, retryAfterSeconds } = decision.fail;
    let r: HttpResult;
    if (kind === 'graph') {
      r = graphErrorResult(
        new GraphError(
          status,
          GRAPH_FAULT_CODES[status] ?? 'UnknownError',
          status === 429 ? 'Please retry again later.' : 'Injected fault.',
        ),
        { requestId, clientRequestId },
        ctx.now(),
      );
    } else {
      r = aadErrorResult(
        new AadError(
          status,
          status >= 500 || status === 429 ? 'temporarily_unavailable' : 'invalid_request',
          90033,
          'A transient error has occurred. Please try again.',
        ),
        ctx.now(),
        clientRequestId,
      );
    }
    if (retryAfterSeconds !== null) r.headers['retry-after'] = String(retryAfterSeconds);
    send(res, r, { 'request-id': requestId, 'client-request-id': clientRequestId ?? requestId });
    return;
  }
  if (graphMatch) {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
    const graphReq: GraphRequest = {
      method,
      version: graphMatch[1]!.toLowerCase() === 'beta' ? 'beta' : 'v1.0',
      path: graphMatch[2] ?? '/',
      query: u.searchParams,
      headers,
      body: undefined,
      origin,
      requestId,
      clientRequestId: clientRequestId ?? null,
      inBatch: false,
    };
    const defaults = {
      'content-type': GRAPH_JSON,
      'odata-version': '4.0',
      'request-id': requestId,
      'client-request-id': clientRequestId ?? requestId,
      'cache-control': 'no-cache',
      'strict-transport-security': 'max-age=31536000',
      'x-ms-ags-diagnostic': JSON.stringify({
        ServerInfo: { DataCenter: 'Simulator', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'SIM' },
      }),
    };
    if (body.length > 0) {
      try {
        graphReq.body = JSON.parse(body.toString('utf8'));
      } catch {
        send(
          res,
          graphErrorResult(
            new GraphError(
              400,
              'BadRequest',
              'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
            ),
            graphReq,
            ctx.now(),
          ),
          defaults,
        );
        return;
      }
    }
    send(res, await handleGraph(ctx, graphReq), defaults);
    return;
  }
  if (method !== 'POST') {
    send(
      res,
      aadErrorResult(
        new AadError(405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.'),
        ctx.now(),
        clientRequestId,
      ),
      {},
    );
    return;
  }
  const form = new URLSearchParams(body.toString('utf8'));
  const result = handleTokenRequest(ctx, form, {
    origin,
    tenantSegment: tokenMatch![1]!,
    clientIp: clientIp(req),
    userAgent: (req.headers['user-agent'] as string | undefined) ?? null,
    correlationId: clientRequestId ?? null,
  });
  send(res, result, { 'client-request-id': clientRequestId ?? '' });
}

/** Entra's other endpoints (no fault injection), the root and favicon; 404 for anything else. */
function routeEntra(ctx: SimContext, incoming: Incoming): void {
  const { res, origin, u, p, method, body } = incoming;
  let m: RegExpExecArray | null;
  if ((m = /^\/([^/]+)\/(?:v2\.0\/)?\.well-known\/openid-configuration$/i.exec(p))) {
    send(res, openIdConfiguration(ctx, origin, m[1]!), {});
    return;
  }
  if (/^\/[^/]+\/discovery\/(?:v2\.0\/)?keys$/i.test(p)) {
    send(res, jwks(ctx), {});
    return;
  }
  if (/^\/[^/]+\/discovery\/instance$/i.test(p)) {
    send(res, instanceDiscovery(origin, u.searchParams.get('authorization_endpoint')), {});
    return;
  }
  if ((m = /^\/([^/]+)\/oauth2\/v2\.0\/authorize$/i.exec(p))) {
    const params = new URLSearchParams(u.searchParams);
    let picked: string | null = null;
    if (method === 'POST') {
      const form = new URLSearchParams(body.toString('utf8'));
      for (const [k, v] of form) if (k !== 'user') params.set(k, v);
      picked = form.get('user');
    }
    send(res, handleAuthorize(ctx, m[1]!, params, picked), {});
    return;
  }
  if ((m = /^\/([^/]+)\/(v2\.0\/)?adminconsent$/i.exec(p))) {
    const form = method === 'POST' ? new URLSearchParams(body.toString('utf8')) : null;
    const params = new URLSearchParams(u.searchParams);
    if (form) for (const [k, v] of form) if (k !== 'user' && k !== 'decision') params.set(k, v);
    send(res, handleAdminConsent(ctx, m[1]!, m[2] ? 'v2' : 'v1', params, form), {});
    return;
  }
  if (/^\/[^/]+\/oauth2\/v2\.0\/logout$/i.test(p)) {
    send(res, handleLogout(u.searchParams), {});
    return;
  }
  if (p === '/favicon.ico') {
    // Browsers ask for it on the sign-in page; answer quietly instead of a 404.
    res.writeHead(204).end();
    return;
  }
  if (p === '/' || p === '') {
    send(
      res,
      {
        status: 200,
        headers: {},
        body: { name: 'Rekey Microsoft 365 simulator', tenants: ctx.directory.tenants.size, docs: 'sim/README.md' },
      },
      {},
    );
    return;
  }
  send(
    res,
    {
      status: 404,
      headers: {},
      body: { error: { code: 'NotFound', message: `No simulator route for ${method} ${p}` } },
    },
    {},
  );
}
