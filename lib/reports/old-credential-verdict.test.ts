import { describe, expect, it } from 'vitest';
import { oldCredentialVerdict } from '@/lib/reports/old-credential-verdict';

const finishedAt = new Date('2026-12-02T10:00:00Z');
const before = new Date('2026-12-02T09:00:00Z');
const after = new Date('2026-12-02T11:00:00Z');

describe('oldCredentialVerdict', () => {
  it('says None only when the sign-in logs were read after the rotation finished', () => {
    expect(oldCredentialVerdict({ usesAfterFinish: 0, finishedAt, lastSignInScanAt: after })).toEqual({
      kind: 'none',
      checkedAt: after,
    });
  });
  it('says not checked when the logs were last read before the rotation finished, or never', () => {
    expect(oldCredentialVerdict({ usesAfterFinish: 0, finishedAt, lastSignInScanAt: before })).toEqual({
      kind: 'not_checked',
      lastCheckedAt: before,
    });
    expect(oldCredentialVerdict({ usesAfterFinish: 0, finishedAt, lastSignInScanAt: null }).kind).toBe('not_checked');
  });
  it('counts uses that were seen, and says nothing for a rotation still running', () => {
    expect(oldCredentialVerdict({ usesAfterFinish: 2, finishedAt, lastSignInScanAt: after })).toEqual({
      kind: 'used',
      uses: 2,
    });
    expect(oldCredentialVerdict({ usesAfterFinish: 0, finishedAt: null, lastSignInScanAt: after }).kind).toBe(
      'not_finished',
    );
  });
});
