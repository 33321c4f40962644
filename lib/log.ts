/**
 * A small structured JSON logger for the server and the CLI: one JSON object per line with
 * `time`, `level`, `msg` and fields. Secrets never reach the sink:
 * - PEM private key blocks (any "-----BEGIN … PRIVATE KEY-----") are cut out of every string,
 *   wherever they appear (fields, messages, error messages and stacks);
 * - JWTs (client assertions, access tokens) are cut out of every string;
 * - fields named like password/passphrase/secret/token/assertion/privateKey/pfx are replaced whole;
 * - fields named key/*Key are replaced when they hold a Buffer or a base64 blob (PKCS#8, PFX);
 * - Buffers are never printed, only their length.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Receives one JSON line (without newline). Default: stdout. */
  sink?: (line: string) => void;
  fields?: LogFields;
  /** Clock for the `time` field (the logger is infrastructure, not domain code). */
  now?: () => Date;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
export const REDACTED = '[REDACTED]';

const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----[\s\S]*?(?:-----END \1-----|$)/g;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const ALWAYS_SECRET =
  /pass(word|phrase)|secret|token|assertion|private_?key|pfx|pkcs12|credential_?value|^authorization$|cookie/i;
const KEY_NAME = /(^|_)key$|[a-z0-9]Key$|^key$/;
const BASE64_BLOB = /^[A-Za-z0-9+/=_\-\s]{40,}$/;

function redactString(s: string): string {
  return s.replace(PEM_PRIVATE_KEY, '[REDACTED PRIVATE KEY]').replace(JWT, '[REDACTED JWT]');
}

function redactValue(value: unknown, name: string | undefined, seen: WeakSet<object>, depth: number): unknown {
  if (name !== undefined && ALWAYS_SECRET.test(name))
    return value === undefined || value === null || value === '' ? value : REDACTED;
  if (name !== undefined && KEY_NAME.test(name)) {
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) return REDACTED;
    if (typeof value === 'string' && (BASE64_BLOB.test(value) || value.includes('-----BEGIN'))) return REDACTED;
  }
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? value.toString() : value;
  }
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (seen.has(value)) return '[Circular]';
  if (depth > 8) return '[Deep]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: redactString(value.message) };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    if (value.stack) out.stack = redactString(value.stack);
    const details = (value as { details?: unknown }).details;
    if (details !== undefined) out.details = redactValue(details, 'details', seen, depth + 1);
    if (value.cause !== undefined) out.cause = redactValue(value.cause, 'cause', seen, depth + 1);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, undefined, seen, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, k, seen, depth + 1);
  return out;
}

/** Redacts secrets from any value (also useful before putting data into audit events or errors). */
export function redact(value: unknown): unknown {
  return redactValue(value, undefined, new WeakSet(), 0);
}

function envLevel(): LogLevel {
  const v = typeof process !== 'undefined' ? process.env.REKEY_LOG_LEVEL : undefined;
  return v === 'debug' || v === 'info' || v === 'warn' || v === 'error' ? v : 'info';
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? envLevel();
  const sink = opts.sink ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const now = opts.now ?? (() => new Date());
  const base = opts.fields ?? {};
  const write = (lvl: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[lvl] < RANK[level]) return;
    const record = redact({ ...base, ...fields }) as Record<string, unknown>;
    sink(JSON.stringify({ time: now().toISOString(), level: lvl, msg: redactString(msg), ...record }));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ ...opts, level, sink, now, fields: { ...base, ...fields } }),
  };
}

/** The process-wide logger (JSON lines on stdout; level from REKEY_LOG_LEVEL, default info). */
export const log: Logger = createLogger();
