/**
 * Scrubs text before it is logged or shown: PEM blocks (private keys, certificates), JWTs,
 * long base64 runs (DER/PFX, sealed keys), `key=value` secrets and bearer tokens.
 */
const PEM = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const KV =
  /\b(password|passphrase|secret|client_secret|client_assertion|code_verifier|private_?key|token|refresh_token|access_token|id_token|code)(["']?\s*[:=]\s*["']?)[^\s"',&}]+/gi;
const LONG_B64 = /[A-Za-z0-9+/_-]{120,}={0,2}/g;

export function redact(text: string): string {
  return text
    .replace(PEM, '[redacted PEM]')
    .replace(JWT, '[redacted JWT]')
    .replace(BEARER, '$1 [redacted]')
    .replace(KV, '$1$2[redacted]')
    .replace(LONG_B64, '[redacted base64]');
}

/** One line about an unexpected error, safe to log: its name, redacted message and stack. */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const head = `${e.name}: ${e.message}`;
    const stack = e.stack ?? '';
    // The stack repeats the (possibly multi-line) message first: keep only the frames.
    const frames = (stack.startsWith(head) ? stack.slice(head.length) : stack)
      .split('\n')
      .filter((l) => /^\s+at /.test(l))
      .slice(0, 8);
    return redact(`${head}\n${frames.join('\n')}`);
  }
  return redact(String(e));
}
