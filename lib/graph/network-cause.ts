/**
 * Why a connection failed, in words. MSAL reports every failed request to the token endpoint as
 * "Network request failed: fetch failed" and drops the cause (an untrusted TLS certificate, a
 * refused connection, a name that does not resolve), so on that path Rekey asks the host once more
 * itself and reads the cause from Node's error.
 */

/** Node's codes for a TLS certificate this process does not trust. */
const CERTIFICATE_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export interface NetworkCause {
  code?: string;
  message: string;
  /** The host's TLS certificate is not trusted here: a configuration problem, not an outage. */
  certificate: boolean;
}

/** The cause carried by a failed fetch (undici puts it in `cause`), or null. */
export function networkCauseOf(e: unknown): NetworkCause | null {
  let c: unknown = e;
  for (let depth = 0; depth < 4 && c && typeof c === 'object'; depth++) {
    const { code, message, cause } = c as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && typeof message === 'string')
      return { code, message, certificate: CERTIFICATE_CODES.has(code) };
    c = cause;
  }
  return null;
}

/** Connects to `url` once (HEAD, 5 s) and returns why that fails, or null when it answers. */
export async function probeNetworkCause(url: string, timeoutMs = 5_000): Promise<NetworkCause | null> {
  try {
    await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
    return null;
  } catch (e) {
    return networkCauseOf(e) ?? { message: e instanceof Error ? e.message : String(e), certificate: false };
  }
}
