/**
 * Turns what Graph and the Entra token endpoint answer into RekeyErrors that name the tenant and
 * say what to do. Transient failures (throttling, outages) carry `details.transient = true` so the
 * rotation engine retries them later instead of failing the rotation.
 */
import type { NetworkCause } from '@/lib/graph/network-cause';
import { RekeyError } from '@/lib/errors';
import { PERMISSIONS } from '@/lib/graph/graph-types';
import { needLabel, type PermissionNeed } from '@/lib/graph/permissions';

export { needLabel, type PermissionNeed };

/** One failed Graph call, whether it came back as a GraphError or as a `$batch` item. */
export interface GraphFailure {
  status: number;
  /** Graph `error.code`, e.g. Authorization_RequestDenied. */
  code: string;
  message: string;
  requestId?: string;
  /** From `Retry-After`, when present. */
  retryAfterMs?: number;
}

export interface ErrorContext {
  /** Entra tenant id. */
  tenantId: string;
  /** Display name, when the caller knows it (makes messages readable). */
  tenantName?: string;
  /** What Rekey was doing, e.g. "read the applications". */
  operation: string;
  /** The permission the operation needs. */
  need?: PermissionNeed;
  /** Admin-consent link for this tenant. */
  consentUrl?: string;
}

export function tenantLabel(ctx: Pick<ErrorContext, 'tenantId' | 'tenantName'>): string {
  return ctx.tenantName ? `${ctx.tenantName} (${ctx.tenantId})` : ctx.tenantId;
}

/** Parses `Retry-After` (seconds, possibly fractional, or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const s = Number(value);
  if (Number.isFinite(s)) return Math.max(0, Math.round(s * 1000));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Reads a graph-client GraphError (or anything shaped like one) into a GraphFailure, or null. */
export function toGraphFailure(e: unknown): GraphFailure | null {
  if (!e || typeof e !== 'object') return null;
  const err = e as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
    requestId?: unknown;
    headers?: unknown;
    body?: unknown;
  };
  if (typeof err.statusCode !== 'number' || err.statusCode <= 0) return null;
  let retryAfter: string | null | undefined;
  const h = err.headers as { get?: (n: string) => string | null } | Record<string, string> | undefined;
  if (h && typeof (h as { get?: unknown }).get === 'function')
    retryAfter = (h as { get: (n: string) => string | null }).get('retry-after');
  else if (h && typeof h === 'object')
    retryAfter = (h as Record<string, string>)['Retry-After'] ?? (h as Record<string, string>)['retry-after'];
  return {
    status: err.statusCode,
    code: typeof err.code === 'string' && err.code ? err.code : `HTTP_${err.statusCode}`,
    message: typeof err.message === 'string' ? err.message : '',
    requestId: typeof err.requestId === 'string' ? err.requestId : undefined,
    retryAfterMs: parseRetryAfter(retryAfter ?? undefined),
  };
}

/** A `$batch` item response that failed, as a GraphFailure. */
export function batchItemFailure(item: {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}): GraphFailure {
  const body = item.body as
    { error?: { code?: string; message?: string; innerError?: { 'request-id'?: string } } } | undefined;
  const headers = Object.fromEntries(Object.entries(item.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    status: item.status,
    code: body?.error?.code ?? `HTTP_${item.status}`,
    message: body?.error?.message ?? '',
    requestId: body?.error?.innerError?.['request-id'],
    retryAfterMs: parseRetryAfter(headers['retry-after']),
  };
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 503 || status === 504;
}

export const NON_PREMIUM_CODE = 'Authentication_RequestFromNonPremiumTenantOrB2CTenant';

/** A Graph failure (after retries) → RekeyError. */
export function mapGraphFailure(f: GraphFailure, ctx: ErrorContext): RekeyError {
  const who = tenantLabel(ctx);
  const details: Record<string, unknown> = {
    tenantId: ctx.tenantId,
    status: f.status,
    graphCode: f.code,
    requestId: f.requestId,
    operation: ctx.operation,
  };
  if (f.status === 429 || f.code === 'TooManyRequests') {
    return new RekeyError(
      'RATE_LIMITED',
      `Microsoft Graph kept throttling Rekey in tenant ${who} while trying to ${ctx.operation}; it will try again later.`,
      { ...details, transient: true, retryAfterMs: f.retryAfterMs },
    );
  }
  if (f.status >= 500 || f.code === 'Request_ThrottledTemporarily') {
    return new RekeyError(
      'GRAPH_UNAVAILABLE',
      `Microsoft Graph is unavailable for tenant ${who} (HTTP ${f.status} ${f.code}) while trying to ${ctx.operation}; it will try again later.`,
      { ...details, transient: true, retryAfterMs: f.retryAfterMs },
    );
  }
  if (f.status === 403 && f.code === NON_PREMIUM_CODE) {
    return new RekeyError(
      'PERMISSION_MISSING',
      `Evidence unavailable in tenant ${who}: sign-in logs need Entra ID P1/P2.`,
      { ...details, reason: 'needs_premium' },
    );
  }
  if (f.status === 403 || f.code === 'Authorization_RequestDenied') {
    const perm = ctx.need ? needLabel(ctx.need) : 'a permission it has not been granted';
    return new RekeyError(
      'PERMISSION_MISSING',
      `The management app lacks ${perm} in tenant ${who}, so Rekey cannot ${ctx.operation}. Grant it and re-consent${ctx.consentUrl ? `: ${ctx.consentUrl}` : '.'}`,
      { ...details, permission: ctx.need ? PERMISSIONS[ctx.need] : undefined, consentUrl: ctx.consentUrl },
    );
  }
  if (f.status === 404) {
    return new RekeyError(
      'NOT_FOUND',
      `Not found in tenant ${who} while trying to ${ctx.operation}: ${f.message || f.code}`,
      details,
    );
  }
  if (f.status === 401) {
    return new RekeyError(
      'GRAPH_ERROR',
      `Microsoft Graph rejected Rekey's token for tenant ${who} (${f.code}: ${f.message}) while trying to ${ctx.operation}.${/audience/i.test(f.message) ? ' The token was issued for another Graph resource: check REKEY_CLOUD (or REKEY_GRAPH_RESOURCE) against REKEY_GRAPH_ENDPOINT.' : ''}`,
      details,
    );
  }
  return new RekeyError(
    'GRAPH_ERROR',
    `Microsoft Graph refused to ${ctx.operation} in tenant ${who}: HTTP ${f.status} ${f.code}${f.message ? ` — ${f.message}` : ''}`,
    details,
  );
}

/**
 * AADSTS codes (Microsoft Entra authentication and authorization error codes,
 * https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes).
 * "The management app is not (or no longer) present in this tenant": a consent link is the fix.
 */
const NOT_CONSENTED_AADSTS = new Set([700016, 7000229, 65001, 500011, 50020]);
/** The management app's own credential is not accepted. */
const BAD_CREDENTIAL_AADSTS = new Set([700027, 50027, 5002738, 700021, 7000215, 7000222, 50013, 500341]);
/** UnauthorizedClientApplicationDisabled: the app's service principal is disabled in the tenant. */
export const AADSTS_APP_DISABLED = 7000112;
/** ClientAssertionNotWithinValidTimeRange: the signed assertion's nbf/exp do not fit Entra's clock. */
export const AADSTS_ASSERTION_TIME_RANGE = 700024;
/** BlockedByConditionalAccess: a Conditional Access policy (for workload identities) blocks token issuance. */
export const AADSTS_BLOCKED_BY_CONDITIONAL_ACCESS = 53003;

export interface TokenFailure {
  /** First AADSTS code, when the token endpoint gave one. */
  aadsts?: number;
  /** OAuth error (invalid_client, unauthorized_client…) or MSAL's error code. */
  error: string;
  message: string;
  status?: number;
  /** No answer, 5xx or 429 from the token endpoint (or MSAL's local throttle for those). */
  unavailable: boolean;
  /** Why the connection failed, when no answer came and Rekey could find out (see network-cause.ts). */
  networkCause?: NetworkCause | null;
}

/** Reads an MSAL error (ServerError, ClientAuthError, network failures) into a TokenFailure. */
export function toTokenFailure(e: unknown): TokenFailure {
  const err = (e ?? {}) as {
    errorCode?: unknown;
    errorMessage?: unknown;
    message?: unknown;
    status?: unknown;
    errorNo?: unknown;
    name?: unknown;
  };
  const message = String(err.errorMessage ?? err.message ?? e);
  const m = /AADSTS(\d+)/.exec(message) ?? /Error\(s\):\s*(\d+)/.exec(message);
  const errorNo = typeof err.errorNo === 'string' && /^\d+$/.test(err.errorNo) ? Number(err.errorNo) : undefined;
  const aadsts = m ? Number(m[1]) : errorNo;
  const status = typeof err.status === 'number' ? err.status : undefined;
  const error = typeof err.errorCode === 'string' && err.errorCode ? err.errorCode : String(err.name ?? 'error');
  const network =
    /network|fetch failed|ECONN|ETIMEDOUT|ENOTFOUND|socket|endpoints_resolution|openid_config_error|untrusted_authority/i.test(
      `${error} ${message}`,
    );
  const unavailable =
    network ||
    (status !== undefined && (status >= 500 || status === 429)) ||
    ['temporarily_unavailable', 'server_error', 'service_unavailable'].includes(error) ||
    aadsts === 90033 ||
    (aadsts === undefined && /throttl|5\d\d/.test(message) && !/invalid_|unauthorized_/.test(error));
  return { aadsts, error, message, status, unavailable };
}

/** A management-app token failure → RekeyError. */
export function mapTokenFailure(f: TokenFailure, ctx: ErrorContext): RekeyError {
  const who = tenantLabel(ctx);
  const details: Record<string, unknown> = {
    tenantId: ctx.tenantId,
    aadsts: f.aadsts,
    oauthError: f.error,
    operation: ctx.operation,
  };
  if (f.aadsts === AADSTS_APP_DISABLED) {
    return new RekeyError(
      'GRAPH_ERROR',
      `Rekey's enterprise application is disabled in tenant ${who} (AADSTS7000112), so Entra ID issues it no tokens there. Consent is not the problem and a consent link will not help: ask an administrator of the tenant to enable it (Entra admin center › Enterprise applications › Rekey › Properties › Enabled for users to sign-in: Yes).`,
      { ...details, reason: 'app_disabled' },
    );
  }
  if (f.aadsts === AADSTS_ASSERTION_TIME_RANGE) {
    return new RekeyError(
      'CONFIG',
      `Entra ID refused Rekey's signed client assertion for tenant ${who} as outside its valid time range (AADSTS700024): this server's clock is probably wrong (it reads ${new Date().toISOString()}). Synchronise it (NTP); the management app's certificate is not the problem.`,
      { ...details, reason: 'clock_skew' },
    );
  }
  if (f.aadsts === AADSTS_BLOCKED_BY_CONDITIONAL_ACCESS) {
    return new RekeyError(
      'GRAPH_ERROR',
      `A Conditional Access policy in tenant ${who} blocks Rekey's management app (AADSTS53003), so Entra ID issues it no tokens there. Consent and the certificate are fine: ask an administrator of the tenant to exclude Rekey's service principal from the policy for workload identities, or to allow the addresses Rekey connects from.`,
      { ...details, reason: 'conditional_access' },
    );
  }
  if (f.aadsts !== undefined && NOT_CONSENTED_AADSTS.has(f.aadsts)) {
    const link = ctx.consentUrl ? ` ${ctx.consentUrl}` : '';
    return new RekeyError(
      'NOT_CONSENTED',
      `Rekey is not consented in tenant ${who} — send the admin consent link${link}`,
      { ...details, consentUrl: ctx.consentUrl },
    );
  }
  if (f.aadsts === 90002 || f.aadsts === 90023) {
    return new RekeyError(
      'NOT_FOUND',
      `Tenant ${who} does not exist in this cloud (AADSTS${f.aadsts}); check the tenant id and REKEY_CLOUD.`,
      details,
    );
  }
  if (f.aadsts !== undefined && BAD_CREDENTIAL_AADSTS.has(f.aadsts)) {
    return new RekeyError(
      'CONFIG',
      `The token endpoint rejected the management app's certificate for tenant ${who} (AADSTS${f.aadsts}); check REKEY_MGMT_CERT_PATH / REKEY_MGMT_KEY_PATH and that the certificate is registered on the management app. ${firstLine(f.message)}`,
      details,
    );
  }
  if (f.networkCause?.certificate) {
    return new RekeyError(
      'CONFIG',
      `The Entra ID token endpoint for tenant ${who} presents a TLS certificate this machine does not trust (${f.networkCause.code}: ${f.networkCause.message}); if a proxy inspects TLS here, set NODE_EXTRA_CA_CERTS to its CA certificate.`,
      { ...details, networkCode: f.networkCause.code },
    );
  }
  if (f.unavailable) {
    const cause = f.networkCause
      ? ` ${f.networkCause.code ? `${f.networkCause.code}: ` : ''}${f.networkCause.message}.`
      : '';
    return new RekeyError(
      'GRAPH_UNAVAILABLE',
      `The Entra ID token endpoint is unavailable for tenant ${who};${cause} Rekey will try again later. (${firstLine(f.message)})`,
      { ...details, transient: true },
    );
  }
  return new RekeyError(
    'GRAPH_ERROR',
    `Rekey could not get a token for tenant ${who}${f.aadsts ? ` (AADSTS${f.aadsts})` : ''}: ${firstLine(f.message)}`,
    details,
  );
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? '').slice(0, 300);
}

export function isTransient(e: unknown): boolean {
  return e instanceof RekeyError && e.details?.transient === true;
}
