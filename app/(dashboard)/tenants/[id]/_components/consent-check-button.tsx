'use client';

import { useActionState, useEffect } from 'react';
import { useRouter } from 'next/navigation';
import { StatusChip } from '@/components/status/status-chip';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/action';
import { checkConsentAction } from '../../actions';

type Result = ActionResult<{
  state: string;
  detail: string;
  grantedRoles: string[];
  missing: string[];
  signInLogState: string;
  changed: boolean;
}> | null;

/** "Check consent": asks Entra ID now (never a cached token) and shows the state it found. */
export function ConsentCheckButton({ tenantId, size = 'sm' }: { tenantId: string; size?: 'sm' | 'md' }) {
  const router = useRouter();
  const [state, action, pending] = useActionState<Result, FormData>(
    checkConsentAction as (p: Result, f: FormData) => Promise<Result>,
    null,
  );
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="tenantId" value={tenantId} />
      <Button type="submit" variant="secondary" size={size} disabled={pending}>
        {pending ? 'Checking consent…' : 'Check consent'}
      </Button>
      <div role="status" aria-live="polite" className="text-sm">
        {state?.ok ? (
          <p className="flex flex-wrap items-center gap-2">
            <span>Consent check:</span>
            <StatusChip kind="consent" status={state.data.state} />
            <span className="text-fg-muted">{state.data.detail}</span>
          </p>
        ) : null}
        {state && !state.ok ? <p className="text-danger">{state.error.message}</p> : null}
      </div>
    </form>
  );
}
