/**
 * The one size limit per kind of input, shared by the dashboard (checked in the browser before
 * sending, and again on the server) and the CLI. next.config.js's server-action body limit
 * (`experimental.serverActions.bodySizeLimit`) is above the largest of them, so an over-size file
 * always gets `tooLargeMessage`, never Next's error page. Safe to import from client components.
 */
export const KiB = 1024;
export const MiB = 1024 * KiB;

export const LIMITS = {
  /** A certificate, PEM bundle, PFX or P7B (a few KiB in practice). */
  certificate: 1 * MiB,
  /** A tenant-onboarding CSV (10,000 rows fit well within it). */
  csv: 5 * MiB,
  /** A compromise advisory (JSON or CSV of indicators). */
  advisory: 2 * MiB,
} as const;

export type InputKind = keyof typeof LIMITS;

/** Server actions may carry this much (a file at its limit plus the form's other fields). */
export const SERVER_ACTION_BODY_LIMIT_BYTES = Math.max(...Object.values(LIMITS)) + 1 * MiB;

/** "300 bytes", "12.5 KiB", "7.4 MiB", "5 MiB" (one decimal, dropped when it is .0). */
export function formatSize(bytes: number): string {
  const one = (n: number) => (Math.round(n * 10) / 10).toString();
  if (bytes < KiB) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  if (bytes < MiB) return `${one(bytes / KiB)} KiB`;
  return `${one(bytes / MiB)} MiB`;
}

/** "the file is 7.4 MiB; the limit is 5 MiB" — the same words in the browser, on the server and in the CLI. */
export function tooLargeMessage(kind: InputKind, bytes: number): string {
  const limit = formatSize(LIMITS[kind]);
  let size = formatSize(bytes);
  // Just over the limit would read "2 MiB; the limit is 2 MiB": say the bytes then.
  if (size === limit) size = `${bytes.toLocaleString('en-US')} bytes`;
  return `the file is ${size}; the limit is ${limit}`;
}

/** The message when `bytes` is over the limit for `kind`, else null. */
export function checkSize(kind: InputKind, bytes: number): string | null {
  return bytes > LIMITS[kind] ? tooLargeMessage(kind, bytes) : null;
}

/**
 * The browser's check before sending: each named file (or text) field of `fd` over its kind's
 * limit, as field errors (`{ file: ['"big.csv": the file is 7.4 MiB; the limit is 5 MiB.'] }`),
 * or null when everything fits. The server checks the same limits again.
 */
export function oversizeFields(fd: FormData, fields: Record<string, InputKind>): Record<string, string[]> | null {
  const out: Record<string, string[]> = {};
  for (const [name, kind] of Object.entries(fields)) {
    const value = fd.get(name);
    if (value === null) continue;
    const isFile = typeof value !== 'string';
    const bytes = isFile ? value.size : new TextEncoder().encode(value).length;
    const tooLarge = checkSize(kind, bytes);
    if (!tooLarge) continue;
    const what = isFile && value.name ? `"${value.name}": ` : isFile ? '' : 'The pasted text: ';
    out[name] = [`${what}${tooLarge}.`];
  }
  return Object.keys(out).length ? out : null;
}
