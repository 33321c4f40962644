import { describe, expect, it } from 'vitest';
import {
  mapGraphFailure,
  mapTokenFailure,
  parseRetryAfter,
  toTokenFailure,
  batchItemFailure,
  isTransient,
} from '@/lib/graph/graph-errors';

const ctx = {
  tenantId: '11111111-1111-1111-1111-111111111111',
  tenantName: 'Contoso',
  operation: 'read the applications',
  consentUrl: 'https://login.example/t/adminconsent?client_id=x',
};

describe('mapGraphFailure', () => {
  it.each([
    [
      {
        status: 403,
        code: 'Authorization_RequestDenied',
        message: 'Insufficient privileges to complete the operation.',
      },
      'writeApplications',
      'PERMISSION_MISSING',
      /management app lacks Application\.ReadWrite\.All .*tenant Contoso/,
    ],
    [
      { status: 403, code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', message: '' },
      'readSignIns',
      'PERMISSION_MISSING',
      /evidence unavailable|Evidence unavailable.*P1\/P2/,
    ],
    [
      { status: 429, code: 'TooManyRequests', message: '', retryAfterMs: 2000 },
      undefined,
      'RATE_LIMITED',
      /throttling Rekey in tenant Contoso/,
    ],
    [
      { status: 503, code: 'ServiceUnavailable', message: '' },
      undefined,
      'GRAPH_UNAVAILABLE',
      /unavailable for tenant Contoso/,
    ],
    [
      { status: 404, code: 'Request_ResourceNotFound', message: "Resource 'x' does not exist" },
      undefined,
      'NOT_FOUND',
      /Not found in tenant Contoso/,
    ],
    [
      { status: 400, code: 'KeyCredentialsInvalidEndDate', message: 'Key credential end date is invalid.' },
      undefined,
      'GRAPH_ERROR',
      /KeyCredentialsInvalidEndDate/,
    ],
  ] as const)('%o → %s', (failure, need, code, message) => {
    const e = mapGraphFailure(failure, { ...ctx, need });
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
    expect(e.details?.tenantId).toBe(ctx.tenantId);
  });

  it('marks throttling and outages transient, and nothing else', () => {
    expect(isTransient(mapGraphFailure({ status: 429, code: 'TooManyRequests', message: '' }, ctx))).toBe(true);
    expect(isTransient(mapGraphFailure({ status: 504, code: 'GatewayTimeout', message: '' }, ctx))).toBe(true);
    expect(isTransient(mapGraphFailure({ status: 403, code: 'Authorization_RequestDenied', message: '' }, ctx))).toBe(
      false,
    );
  });
});

describe('mapTokenFailure', () => {
  const msal = (code: string, aadsts: number, text: string, status = 400) => ({
    errorCode: code,
    errorMessage: `Error(s): ${aadsts} - Timestamp: 2026-01-01 - Description: AADSTS${aadsts}: ${text} - Correlation ID: x - Trace ID: y`,
    status,
  });
  it.each([
    [
      msal('unauthorized_client', 700016, "Application with identifier 'x' was not found in the directory 'Contoso'."),
      'NOT_CONSENTED',
      /Rekey is not consented in tenant Contoso \(.*\) — send the admin consent link https:\/\/login\.example/,
    ],
    [
      msal('invalid_client', 7000229, 'The client application is missing service principal in the tenant.'),
      'NOT_CONSENTED',
      /not consented/,
    ],
    [
      msal('invalid_client', 700027, 'Client assertion contains an invalid signature.', 401),
      'CONFIG',
      /management app's certificate/,
    ],
    [msal('invalid_request', 90002, "Tenant 'x' not found."), 'NOT_FOUND', /does not exist in this cloud/],
    [
      msal('unauthorized_client', 7000112, "Application 'x'(Rekey) is disabled."),
      'GRAPH_ERROR',
      /enterprise application is disabled in tenant Contoso .*a consent link will not help.*enable it/,
    ],
    [
      msal('invalid_client', 700024, 'Client assertion is not within its valid time range.', 401),
      'CONFIG',
      /outside its valid time range \(AADSTS700024\): this server's clock is probably wrong.*certificate is not the problem/,
    ],
    [
      msal('invalid_grant', 53003, 'Access has been blocked by Conditional Access policies.'),
      'GRAPH_ERROR',
      /Conditional Access policy in tenant Contoso .*blocks Rekey's management app \(AADSTS53003\).*exclude/,
    ],
    [
      { errorCode: 'network_error', errorMessage: 'Network request failed: fetch failed' },
      'GRAPH_UNAVAILABLE',
      /token endpoint is unavailable/,
    ],
    [
      { errorCode: 'server_error', errorMessage: 'Service unavailable', status: 503 },
      'GRAPH_UNAVAILABLE',
      /unavailable/,
    ],
  ])('%o → %s', (err, code, message) => {
    const e = mapTokenFailure(toTokenFailure(err), ctx);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['2', 2000],
    ['2.128', 2128],
    ['0', 0],
    ['', undefined],
    [null, undefined],
    ['Wed, 21 Oct 2015 07:28:10 GMT', 10_000],
    ['garbage', undefined],
  ])('%s → %s ms', (v, ms) => {
    expect(parseRetryAfter(v, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(ms);
  });

  it('reads a throttled batch item with any header casing', () => {
    expect(
      batchItemFailure({
        status: 429,
        headers: { 'retry-after': '3' },
        body: { error: { code: 'TooManyRequests', message: 'x' } },
      }),
    ).toMatchObject({ status: 429, code: 'TooManyRequests', retryAfterMs: 3000 });
  });
});

describe('isProofRejection', () => {
  it('falls back to PATCH only when the proof itself was refused', async () => {
    const { isProofRejection } = await import('@/lib/graph/add-key-credential');
    const proof = mapGraphFailure(
      { status: 401, code: 'Authentication_MissingOrMalformed', message: 'Access Token missing or malformed.' },
      ctx,
    );
    const dates = mapGraphFailure(
      { status: 400, code: 'KeyCredentialsInvalidEndDate', message: 'Key credential end date is invalid.' },
      ctx,
    );
    const denied = mapGraphFailure({ status: 403, code: 'Authorization_RequestDenied', message: '' }, ctx);
    expect([proof, dates, denied].map(isProofRejection)).toEqual([true, false, false]);
  });
});
