/**
 * THE wrappers. Every server action is `defineAction(...)`, every route handler is
 * `defineRoute(...)`; both do, in this order:
 *   1. (mutations) refuse cross-origin calls — Origin must match the host (FORBIDDEN);
 *   2. resolve the session → principal (UNAUTHENTICATED / 401 when none);
 *   3. require the role (`hasRole(principal, role)`, FORBIDDEN with the role needed);
 *   4. enforce the upload size limit (PAYLOAD_TOO_LARGE) and parse input with zod (BAD_INPUT
 *      with fieldErrors);
 *   5. run the handler with the use-case context `{ db, principal, actor, now, graph, log }` (the web
 *      process's runtime, lib/runtime/web-runtime.ts, composed on first use); tenant scope is the handler's job via
 *      `requireTenantAccess` / `tenantScopeWhere` (the wrapper cannot know which tenant an id
 *      belongs to) — role + scope helpers come from lib/auth/principal.ts;
 *   6. map RekeyError → result / HTTP status (httpStatusFor); anything else is logged redacted
 *      and reported as INTERNAL without details.
 *
 * `createDefineAction` / `createDefineRoute` take their dependencies as parameters so tests run
 * them against a real database with fabricated requests; `defineAction` / `defineRoute` are the
 * same bound to next/headers and the environment.
 */
import { cookies, headers } from 'next/headers';
import { unstable_rethrow } from 'next/navigation';
import type { z } from 'zod';
import { actorFromHeaders, anonymousActor } from '@/lib/auth/actor';
import { defaultAuthDeps, resolvePrincipal, type AuthDeps } from '@/lib/auth/auth-core';
import { hasRole, roleLabel, type Principal, type Role } from '@/lib/auth/principal';
import { webRuntime } from '@/lib/runtime/web-runtime';
import type { UseCaseContext } from '@/lib/use-case';
import { ERROR_CODES, RekeyError, httpStatusFor, isRekeyError, type ErrorCode } from '@/lib/errors';
import { describeError } from '@/lib/http/redact';
import { formatSize } from '@/lib/limits';
import { nulCharacterFields } from '@/lib/text/single-line';
import {
  checkSameOrigin,
  requestContextFromRequest,
  requestIdFrom,
  type RequestContext,
} from '@/lib/http/request-context';

/** The use-case context (lib/use-case.ts) with the signed-in principal: pass it straight to use cases. */
export interface ActionContext extends UseCaseContext {
  principal: Principal;
}

export type ActionError = {
  code: ErrorCode;
  message: string;
  fieldErrors?: Record<string, string[]>;
  requestId?: string;
};
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };

export type ActionFn<T> = (
  prev: ActionResult<T> | null | undefined,
  input?: FormData | Record<string, unknown> | null,
) => Promise<ActionResult<T>>;

/** Default cap on an action's input (form fields + files). Next's own limit is 1 MB. */
export const DEFAULT_MAX_INPUT_BYTES = 256 * 1024;

export interface ActionDefinition<S extends z.ZodType, T> {
  /** For logs, e.g. 'users.grant'. */
  name?: string;
  role: Role;
  input: S;
  /** Upper bound on the input size in bytes (files + text). */
  maxBytes?: number;
  handler: (input: z.output<S>, ctx: ActionContext) => Promise<T>;
}

/** FormData → plain object: repeated keys and `name[]` keys become arrays; Next's `$ACTION_*` fields and empty file inputs are dropped. */
export function formDataToObject(fd: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of fd.entries()) {
    if (rawKey.startsWith('$ACTION_')) continue;
    if (typeof value !== 'string' && value.size === 0 && value.name === '') continue;
    const isArray = rawKey.endsWith('[]');
    const key = isArray ? rawKey.slice(0, -2) : rawKey;
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const existing = out[key];
    if (existing === undefined) out[key] = isArray ? [value] : value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[key] = [existing, value];
  }
  return out;
}

/** Approximate input size: file sizes plus UTF-8 length of text (JSON for objects). */
export function inputSize(input: FormData | Record<string, unknown> | null | undefined): number {
  if (!input) return 0;
  if (input instanceof FormData) {
    let n = 0;
    for (const [k, v] of input.entries())
      n += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : v.size);
    return n;
  }
  let n = 0;
  const seen = new Set<unknown>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') n += Buffer.byteLength(v);
    else if (typeof Blob !== 'undefined' && v instanceof Blob) n += v.size;
    else if (v && typeof v === 'object' && !seen.has(v)) {
      seen.add(v);
      for (const [k, x] of Object.entries(v)) {
        n += Buffer.byteLength(k);
        walk(x);
      }
    } else n += 8;
  };
  walk(input);
  return n;
}

function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.map(String).join('.') : '_form';
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

function toActionError(e: unknown, deps: AuthDeps, label: string, requestId: string | null): ActionError {
  if (isRekeyError(e)) {
    return {
      code: e.code,
      message: e.message,
      ...(e.details?.fieldErrors ? { fieldErrors: e.details.fieldErrors as Record<string, string[]> } : {}),
      ...(requestId ? { requestId } : {}),
    };
  }
  (deps.logError ?? ((m: string) => console.error(m)))(
    `[rekey] ${label} failed (request ${requestId ?? '-'}): ${describeError(e)}`,
  );
  return {
    code: 'INTERNAL',
    message: `Something went wrong${requestId ? ` (request ${requestId})` : ''}. The error was logged.`,
    ...(requestId ? { requestId } : {}),
  };
}

function forbiddenFor(role: Role): RekeyError {
  return new RekeyError('FORBIDDEN', `This needs the ${roleLabel(role)} role.`, { need: role });
}

function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  // PostgreSQL cannot store a NUL in text: refuse it as a field error before any handler runs.
  const nul = nulCharacterFields(raw);
  if (nul) throw new RekeyError('BAD_INPUT', 'Some fields are not valid.', { fieldErrors: nul });
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error);
    throw new RekeyError('BAD_INPUT', 'Some fields are not valid.', { fieldErrors });
  }
  return parsed.data;
}

/** Builds `defineAction` over explicit dependencies (tests) — see `defineAction` for Next. */
export function createDefineAction(getDeps: () => AuthDeps, getRequest: () => Promise<RequestContext>) {
  return function define<S extends z.ZodType, T>(def: ActionDefinition<S, T>): ActionFn<T> {
    const label = `action ${def.name ?? '(unnamed)'}`;
    return async function action(_prev, input) {
      const deps = getDeps();
      let requestId: string | null = null;
      try {
        const req = await getRequest();
        requestId = requestIdFrom(req.headers);
        const origin = checkSameOrigin(req.headers, deps.origin);
        if (!origin.ok) throw new RekeyError('FORBIDDEN', 'Cross-origin request refused.', { reason: origin.reason });
        const principal = await resolvePrincipal(deps, req);
        if (!principal) throw new RekeyError('UNAUTHENTICATED', 'Your session has ended. Sign in again.');
        if (!hasRole(principal, def.role)) throw forbiddenFor(def.role);
        const max = def.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
        const size = inputSize(input);
        if (size > max)
          throw new RekeyError(
            'PAYLOAD_TOO_LARGE',
            `The input is ${formatSize(size)}; the limit is ${formatSize(max)}.`,
          );
        const raw = input instanceof FormData ? formDataToObject(input) : (input ?? {});
        const parsed = parseInput(def.input, raw);
        const { graph, log } = webRuntime();
        const ctx: ActionContext = {
          db: deps.db,
          principal,
          actor: actorFromHeaders(principal, req.headers, deps.origin.trustProxy),
          now: deps.now(),
          graph,
          log,
        };
        return { ok: true, data: await def.handler(parsed, ctx) };
      } catch (e) {
        unstable_rethrow(e); // redirect(), notFound() etc. from the handler are Next control flow
        return { ok: false, error: toActionError(e, deps, label, requestId) };
      }
    };
  };
}

// ─── Route handlers ─────────────────────────────────────────────────────────────────────────

export interface RouteContext<P> extends ActionContext {
  params: P;
  request: Request;
}

export interface RouteDefinition<S extends z.ZodType, P, T> {
  name?: string;
  role: Role;
  /** Parsed from the query string (GET/HEAD) or the JSON / form body (other methods). */
  input?: S;
  maxBytes?: number;
  /** Return data (sent as `{ ok: true, data }` JSON) or a Response (CSV, streams…). */
  handler: (input: z.output<S>, ctx: RouteContext<P>) => Promise<T | Response>;
}

export type RouteFn<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function readRouteInput(request: Request, max: number): Promise<unknown> {
  if (SAFE_METHODS.has(request.method)) {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of new URL(request.url).searchParams) {
      const key = k.endsWith('[]') ? k.slice(0, -2) : k;
      const existing = out[key];
      if (existing === undefined) out[key] = k.endsWith('[]') ? [v] : v;
      else out[key] = Array.isArray(existing) ? [...existing, v] : [existing, v];
    }
    return out;
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > max)
    throw new RekeyError('PAYLOAD_TOO_LARGE', `The request body is larger than ${Math.round(max / 1024)} KiB.`);
  const type = request.headers.get('content-type') ?? '';
  if (type.includes('multipart/form-data') || type.includes('application/x-www-form-urlencoded')) {
    const fd = await request.formData();
    if (inputSize(fd) > max)
      throw new RekeyError('PAYLOAD_TOO_LARGE', `The request body is larger than ${Math.round(max / 1024)} KiB.`);
    return formDataToObject(fd);
  }
  const text = await request.text();
  if (Buffer.byteLength(text) > max)
    throw new RekeyError('PAYLOAD_TOO_LARGE', `The request body is larger than ${Math.round(max / 1024)} KiB.`);
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RekeyError('BAD_INPUT', 'The request body is not valid JSON.');
  }
}

/** Builds `defineRoute` over explicit dependencies (tests) — see `defineRoute` for Next. */
export function createDefineRoute(getDeps: () => AuthDeps) {
  return function define<
    S extends z.ZodType = z.ZodType<Record<string, never>>,
    P = Record<string, string>,
    T = unknown,
  >(def: RouteDefinition<S, P, T>): RouteFn<P> {
    const label = `route ${def.name ?? '(unnamed)'}`;
    return async function route(request, context) {
      const deps = getDeps();
      const req = requestContextFromRequest(request);
      const requestId = requestIdFrom(request.headers);
      try {
        if (!SAFE_METHODS.has(request.method)) {
          const origin = checkSameOrigin(request.headers, deps.origin);
          if (!origin.ok) throw new RekeyError('FORBIDDEN', 'Cross-origin request refused.', { reason: origin.reason });
        }
        const principal = await resolvePrincipal(deps, req);
        if (!principal) throw new RekeyError('UNAUTHENTICATED', 'Sign in first.');
        if (!hasRole(principal, def.role)) throw forbiddenFor(def.role);
        const max = def.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
        const raw = await readRouteInput(request, max);
        const parsed = def.input ? parseInput(def.input, raw) : ({} as z.output<S>);
        const params = (await context?.params) ?? ({} as P);
        const { graph, log } = webRuntime();
        const result = await def.handler(parsed, {
          db: deps.db,
          graph,
          log,
          principal,
          actor: actorFromHeaders(principal, request.headers, deps.origin.trustProxy),
          now: deps.now(),
          params,
          request,
        });
        if (result instanceof Response) return result;
        return Response.json({ ok: true, data: result ?? null }, { headers: { 'cache-control': 'no-store' } });
      } catch (e) {
        unstable_rethrow(e);
        const err = toActionError(e, deps, label, requestId);
        return Response.json(
          { ok: false, error: err },
          {
            status: httpStatusFor(err.code in ERROR_CODES ? err.code : 'INTERNAL'),
            headers: { 'cache-control': 'no-store' },
          },
        );
      }
    };
  };
}

/**
 * The use-case context for a route anyone may call (GET /api/health): the principal when the request
 * carries a valid session (a failed lookup counts as none), else none. Without a principal this is a
 * stranger, not the trusted system caller of lib/use-case.ts: pass it only to reads that check
 * `ctx.principal` themselves and tell nobody more than the public answer (lib/ops/health-report.ts).
 */
export async function publicRouteContext(
  request: Request,
  deps: AuthDeps = defaultAuthDeps(),
): Promise<UseCaseContext> {
  const principal = await resolvePrincipal(deps, requestContextFromRequest(request)).catch(() => null);
  const { graph, log } = webRuntime();
  const trustProxy = deps.origin.trustProxy;
  return {
    db: deps.db,
    graph,
    log,
    now: deps.now(),
    ...(principal
      ? { principal, actor: actorFromHeaders(principal, request.headers, trustProxy) }
      : { actor: anonymousActor(request.headers, trustProxy) }),
  };
}

// ─── Bound to Next ──────────────────────────────────────────────────────────────────────────

/** The current request as seen from a server action / RSC (next/headers). */
export async function nextRequestContext(): Promise<RequestContext> {
  const [h, c] = await Promise.all([headers(), cookies()]);
  return { headers: h, cookie: (name) => c.get(name)?.value };
}

/**
 * The one server-action wrapper. In an `actions.ts` with `'use server'`:
 * ```ts
 * export const grantRoleAction = defineAction({
 *   name: 'users.grant', role: 'admin', input: GrantRoleSchema,
 *   handler: (input, ctx) => grantRole(ctx, input),
 * });
 * ```
 * Use with `useActionState(grantRoleAction, null)`, or call `grantRoleAction(null, {...})`.
 */
export const defineAction = createDefineAction(defaultAuthDeps, nextRequestContext);

/**
 * The one route-handler wrapper: `export const GET = defineRoute({ role: 'viewer', input, handler })`.
 * 401 JSON when not signed in, 403 for a missing role, cross-origin non-GET refused.
 */
export const defineRoute = createDefineRoute(defaultAuthDeps);
