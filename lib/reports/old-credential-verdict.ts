/**
 * What the evidence may say about uses of a rotated-away credential (pure). "None" only when the
 * sign-in logs were read after the rotation finished — otherwise nobody has looked yet.
 */
export type OldCredentialVerdict =
  | { kind: 'used'; uses: number }
  | { kind: 'none'; checkedAt: Date }
  | { kind: 'not_checked'; lastCheckedAt: Date | null }
  | { kind: 'not_finished' };

export function oldCredentialVerdict(i: {
  usesAfterFinish: number;
  finishedAt: Date | null;
  lastSignInScanAt: Date | null;
}): OldCredentialVerdict {
  if (i.usesAfterFinish > 0) return { kind: 'used', uses: i.usesAfterFinish };
  if (!i.finishedAt) return { kind: 'not_finished' };
  if (i.lastSignInScanAt && i.lastSignInScanAt.getTime() > i.finishedAt.getTime())
    return { kind: 'none', checkedAt: i.lastSignInScanAt };
  return { kind: 'not_checked', lastCheckedAt: i.lastSignInScanAt };
}
