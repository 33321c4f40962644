// Graph request/response plumbing: the request shape handlers see (shared by HTTP and $batch items),
// the error envelope (concepts/errors.md) and response helpers.
import crypto from 'node:crypto';
import type { HttpResult } from '../entra/aad-error';
import type { VerifiedGraphToken } from '../entra/access-token';
import type { TenantRecord } from '../directory/directory';

export type GraphVersion = 'v1.0' | 'beta';

export interface GraphRequest {
  method: string;
  version: GraphVersion;
  /** Path after the version segment, starting with '/', not decoded (e.g. `/applications(appId='…')`). */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: unknown;
  /** Origin the client used; nextLinks point back here. */
  origin: string;
  requestId: string;
  clientRequestId: string | null;
  inBatch: boolean;
}

export interface GraphCaller {
  token: VerifiedGraphToken;
  tenant: TenantRecord;
}

export interface GraphErrorDetail {
  code: string;
  message: string;
  target?: string;
}

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: GraphErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const GRAPH_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** `2022-02-14T13:27:37` (innerError.date has no zone and no milliseconds). */
export function innerErrorDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '');
}

/** Graph's DateTimeOffset output: ISO without milliseconds, `Z`. */
export function graphDate(iso: string | null): string | null {
  return iso ? new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z') : null;
}

export function graphErrorResult(
  err: GraphError,
  req: Pick<GraphRequest, 'requestId' | 'clientRequestId'>,
  nowMs: number,
): HttpResult {
  const innerError: Record<string, string> = {
    date: innerErrorDate(nowMs),
    'request-id': req.requestId,
    'client-request-id': req.clientRequestId ?? req.requestId,
  };
  const error: Record<string, unknown> = { code: err.code, message: err.message };
  if (err.details) error.details = err.details;
  if (err.status === 429) {
    Object.assign(innerError, { code: '429', message: 'Please retry after', status: '429' });
    error.message = 'Please retry again later.';
  }
  error.innerError = innerError;
  return { status: err.status, headers: { 'content-type': 'application/json', ...err.headers }, body: { error } };
}

export function ok(body: unknown, status = 200, headers: Record<string, string> = {}): HttpResult {
  return { status, headers, body };
}

export function noContent(): HttpResult {
  return { status: 204, headers: {}, body: undefined };
}

export function newRequestId(): string {
  return crypto.randomUUID();
}

export const notFound = (id: string): GraphError =>
  new GraphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

export const forbidden = (): GraphError =>
  new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');

export const badRequest = (message: string, code = 'Request_BadRequest', details?: GraphErrorDetail[]): GraphError =>
  new GraphError(400, code, message, details);
