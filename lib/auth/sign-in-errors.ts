/** Reasons shown by app/auth/error/page.tsx (a fixed list: nothing from the request is echoed). */
export const SIGN_IN_ERRORS = [
  'rate_limited',
  'config',
  'expired',
  'mismatch',
  'denied',
  'rejected',
  'conflict',
  'disabled',
  'unavailable',
  'internal',
] as const;
export type SignInErrorReason = (typeof SIGN_IN_ERRORS)[number];
