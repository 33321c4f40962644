'use client';

import { useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { formatDateTime } from '@/lib/utils';
import type { FirstUseView } from '@/lib/rotation/check-first-use';
import { checkFirstUseAction } from '../actions';

/** Optional verification: asks the tenant's sign-in logs whether the vendor used the new key yet. */
export function FirstUseCheck({ rotationId }: { rotationId: string }) {
  const [result, setResult] = useState<FirstUseView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const check = () =>
    start(async () => {
      setError(null);
      const r = await checkFirstUseAction(null, { rotationId });
      if (r.ok) setResult(r.data);
      else setError(r.error.message);
    });
  return (
    <div className="space-y-2" aria-live="polite">
      <Button size="sm" variant="secondary" onClick={check} disabled={pending}>
        {pending ? 'Reading sign-in logs…' : result ? 'Check again' : 'Check the vendor’s first sign-in'}
      </Button>
      {error ? <Alert tone="danger">{error}</Alert> : null}
      {result?.status === 'used' ? (
        <Alert
          tone={result.fromVendorRange ? 'success' : 'danger'}
          title={
            result.fromVendorRange
              ? 'The vendor’s service uses the new key'
              : 'The new key was used from an unknown address'
          }
        >
          First sign-in at {formatDateTime(result.at)} from {result.ipAddress || 'an unknown address'}
          {result.resource ? ` to ${result.resource}` : ''}.
          {result.fromVendorRange
            ? ''
            : ' This address is outside the vendor’s known ranges: someone else may hold the new key.'}
        </Alert>
      ) : null}
      {result?.status === 'not_yet' ? (
        <Alert tone="info">
          No sign-in with the new key yet ({result.checkedSignIns} sign-in{result.checkedSignIns === 1 ? '' : 's'}{' '}
          checked at {formatDateTime(result.checkedAt)}). The vendor’s service may only pick it up at its next scheduled
          run.
        </Alert>
      ) : null}
      {result?.status === 'unavailable' ? <Alert tone="warning">{result.message}</Alert> : null}
    </div>
  );
}
