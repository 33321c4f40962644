import { RekeyError, type ErrorCode } from '@/lib/errors';

/**
 * Machine-readable reasons a certificate input is refused. The `RekeyError` code stays coarse
 * (INVALID_CERTIFICATE, WRONG_PASSWORD, PAYLOAD_TOO_LARGE, BAD_INPUT); `details.reason` says exactly what.
 */
export type CertInputReason =
  | 'EMPTY'
  | 'TOO_LARGE'
  | 'TRUNCATED'
  | 'NOT_A_CERTIFICATE'
  | 'PRIVATE_KEY_NOT_CERTIFICATE'
  | 'PUBLIC_KEY_NOT_CERTIFICATE'
  | 'CSR_NOT_CERTIFICATE'
  | 'NOT_A_PRIVATE_KEY'
  | 'PASSWORD_REQUIRED'
  | 'WRONG_PASSWORD'
  | 'UNSUPPORTED_PFX'
  | 'KEY_MISMATCH'
  | 'NO_CERTIFICATE';

export function describeFile(filename: string | undefined): string {
  return filename ? `"${filename}"` : 'the uploaded input';
}

export function certInputError(
  reason: CertInputReason,
  filename: string | undefined,
  message: string,
  extra?: Record<string, unknown>,
  cause?: unknown,
): RekeyError {
  const code: ErrorCode =
    reason === 'WRONG_PASSWORD' || reason === 'PASSWORD_REQUIRED'
      ? 'WRONG_PASSWORD'
      : reason === 'TOO_LARGE'
        ? 'PAYLOAD_TOO_LARGE'
        : 'INVALID_CERTIFICATE';
  return new RekeyError(
    code,
    `${describeFile(filename)}: ${message}`,
    { reason, file: filename, ...extra },
    cause === undefined ? undefined : { cause },
  );
}
