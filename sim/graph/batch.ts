// POST /$batch per concepts/json-batching.md: ≤ 20 requests, unique case-insensitive ids, URLs relative
// to the version (a `/v1.0/…` item URL is a 400 "Resource not found for the segment 'v1.0'", as real Graph
// answers graph-client 3.0.7's BatchRequestContent), dependsOn with 424 on failed dependencies,
// per-item status and headers (exact `Content-Type` key).
import type { HttpResult } from '../entra/aad-error';
import type { SimContext } from '../sim-context';
import {
  badRequest,
  graphErrorResult,
  GraphError,
  innerErrorDate,
  type GraphCaller,
  type GraphRequest,
} from './graph-http';

export const MAX_BATCH_REQUESTS = 20;

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

export type ItemExecutor = (req: GraphRequest, caller: GraphCaller) => Promise<HttpResult>;

function parseItems(body: unknown): BatchItem[] {
  if (!body || typeof body !== 'object' || !Array.isArray((body as Record<string, unknown>).requests)) {
    throw badRequest('Invalid batch payload format.', 'BadRequest');
  }
  const raw = (body as { requests: unknown[] }).requests;
  if (raw.length === 0)
    throw badRequest('Invalid batch payload format. The batch must contain at least one request.', 'BadRequest');
  if (raw.length > MAX_BATCH_REQUESTS) {
    throw badRequest(
      `Invalid batch payload format. The number of requests (${raw.length}) exceeds the limit of ${MAX_BATCH_REQUESTS}.`,
      'BadRequest',
    );
  }
  const seen = new Set<string>();
  const items: BatchItem[] = [];
  for (const r of raw) {
    if (!r || typeof r !== 'object') throw badRequest('Invalid batch payload format.', 'BadRequest');
    const o = r as Record<string, unknown>;
    const id = typeof o.id === 'string' ? o.id : typeof o.id === 'number' ? String(o.id) : '';
    if (!id) throw badRequest("Invalid batch payload format. Each request needs an 'id'.", 'BadRequest');
    if (seen.has(id.toLowerCase()))
      throw badRequest(`Invalid batch payload format. Request ids must be unique; '${id}' is repeated.`, 'BadRequest');
    seen.add(id.toLowerCase());
    if (typeof o.method !== 'string' || typeof o.url !== 'string')
      throw badRequest(`Invalid batch payload format. Request '${id}' needs 'method' and 'url'.`, 'BadRequest');
    const headers: Record<string, string> = {};
    if (o.headers && typeof o.headers === 'object') {
      for (const [k, v] of Object.entries(o.headers as Record<string, unknown>))
        if (typeof v === 'string') headers[k.toLowerCase()] = v;
    }
    const dependsOn = Array.isArray(o.dependsOn) ? o.dependsOn.map(String) : [];
    items.push({ id, method: o.method.toUpperCase(), url: o.url, headers, body: o.body, dependsOn });
  }
  for (const item of items) {
    for (const d of item.dependsOn) {
      if (!seen.has(d.toLowerCase()) || d.toLowerCase() === item.id.toLowerCase()) {
        throw badRequest(
          `Invalid batch payload format. Request '${item.id}' depends on unknown request '${d}'.`,
          'BadRequest',
        );
      }
    }
  }
  return items;
}

function itemResponse(id: string, res: HttpResult): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (k === 'content-type') continue;
    if (k === 'retry-after') headers['Retry-After'] = v;
    else if (k === 'location') headers.Location = v;
    else if (k.startsWith('x-ms-')) headers[k] = v;
  }
  const out: Record<string, unknown> = { id, status: res.status, headers };
  if (res.body !== undefined && res.body !== '') {
    headers['Content-Type'] = 'application/json';
    out.body = res.body;
  }
  return out;
}

export async function handleBatch(
  ctx: SimContext,
  caller: GraphCaller,
  outer: GraphRequest,
  execute: ItemExecutor,
): Promise<HttpResult> {
  if (outer.method !== 'POST')
    throw new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
  const items = parseItems(outer.body);
  const results = new Map<string, Promise<HttpResult>>();
  const byLower = new Map(items.map((i) => [i.id.toLowerCase(), i]));
  const run = (item: BatchItem): Promise<HttpResult> => {
    const existing = results.get(item.id.toLowerCase());
    if (existing) return existing;
    const p = (async (): Promise<HttpResult> => {
      const deps = await Promise.all(item.dependsOn.map((d) => run(byLower.get(d.toLowerCase())!)));
      const requestId = outer.requestId;
      if (deps.some((d) => d.status < 200 || d.status >= 300)) {
        return {
          status: 424,
          headers: {},
          body: {
            error: {
              code: 'FailedDependency',
              message: 'Dependent request failed.',
              innerError: {
                date: innerErrorDate(ctx.now()),
                'request-id': requestId,
                'client-request-id': outer.clientRequestId ?? requestId,
              },
            },
          },
        };
      }
      const url = item.url;
      const versionPrefix = /^\/?(v1\.0|beta)(\/|$)/i.exec(url);
      if (versionPrefix) {
        return graphErrorResult(
          new GraphError(400, 'BadRequest', `Resource not found for the segment '${versionPrefix[1]}'.`),
          outer,
          ctx.now(),
        );
      }
      if (/^[a-z]+:\/\//i.test(url)) {
        return graphErrorResult(
          new GraphError(400, 'BadRequest', 'Invalid request URL: batch request URLs must be relative.'),
          outer,
          ctx.now(),
        );
      }
      if (item.body !== undefined && !item.headers['content-type']) {
        return graphErrorResult(
          new GraphError(400, 'BadRequest', 'Content-Type header must be specified when a request body is present.'),
          outer,
          ctx.now(),
        );
      }
      const u = new URL(url.startsWith('/') ? url : `/${url}`, 'https://batch.invalid');
      const req: GraphRequest = {
        method: item.method,
        version: outer.version,
        path: u.pathname,
        query: u.searchParams,
        headers: { ...outer.headers, ...item.headers },
        body: item.body,
        origin: outer.origin,
        requestId: outer.requestId,
        clientRequestId: outer.clientRequestId,
        inBatch: true,
      };
      const r = await execute(req, caller);
      // Each item is a request of its own (throttling counts it so); the log says so too.
      ctx.log(`  ↳ ${item.method} ${url} -> ${r.status}`);
      return r;
    })();
    results.set(item.id.toLowerCase(), p);
    return p;
  };
  const responses = await Promise.all(items.map(async (item) => itemResponse(item.id, await run(item))));
  return { status: 200, headers: {}, body: { responses } };
}
