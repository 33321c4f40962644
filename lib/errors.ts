/**
 * One error type for the whole domain layer. Every failure a user can act on is a RekeyError
 * with a code; `httpStatusFor` is the single code → HTTP status table (route handlers and
 * server actions use it), and `exitCodeFor` does the same for the CLI.
 */
export const ERROR_CODES = {
  BAD_INPUT: 400,
  INVALID_CERTIFICATE: 400,
  WRONG_PASSWORD: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  NOT_CONSENTED: 424,
  PERMISSION_MISSING: 424,
  GRAPH_ERROR: 502,
  GRAPH_UNAVAILABLE: 503,
  CONFIG: 500,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class RekeyError extends Error {
  readonly code: ErrorCode;
  /** Extra machine-readable facts (never secrets). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RekeyError';
    this.code = code;
    this.details = details;
  }
}

export function isRekeyError(e: unknown): e is RekeyError {
  return e instanceof RekeyError;
}

export function httpStatusFor(code: ErrorCode): number {
  return ERROR_CODES[code];
}

/** CLI exit codes: 2 for bad usage/input, 1 for anything that failed while doing it. */
export function exitCodeFor(code: ErrorCode): 1 | 2 {
  return code === 'BAD_INPUT' ? 2 : 1;
}
