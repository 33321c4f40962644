// Entra ID token-endpoint error responses, in the shape Entra returns and MSAL parses.
import crypto from 'node:crypto';

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  /** JSON body (objects) or raw text/HTML (string). */
  body?: unknown;
  contentType?: string;
}

/** Entra's timestamp format in error bodies: `2026-01-01 00:00:00Z`. */
export function aadTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

export class AadError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: number,
    readonly description: string,
  ) {
    super(`AADSTS${aadsts}: ${description}`);
  }
}

export function aadErrorResult(err: AadError, nowMs: number, correlationId?: string | null): HttpResult {
  const traceId = crypto.randomUUID();
  const correlation = correlationId ?? crypto.randomUUID();
  const timestamp = aadTimestamp(nowMs);
  return {
    status: err.status,
    headers: { 'x-ms-request-id': traceId, 'cache-control': 'no-store, no-cache' },
    body: {
      error: err.error,
      error_description: `AADSTS${err.aadsts}: ${err.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
      error_codes: [err.aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${err.aadsts}`,
    },
  };
}
