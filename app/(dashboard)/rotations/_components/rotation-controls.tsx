'use client';

import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { Alert } from '@/components/ui/alert';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { cancelRotationAction, retryRotationAction } from '../actions';

/** Retry (NEEDS_ATTENTION) and Cancel (only where the machine says it is safe), both confirmed. */
export function RotationControls({
  rotationId,
  canRetry,
  canCancel,
  cancelRefusal,
  connectorName,
}: {
  rotationId: string;
  canRetry: boolean;
  canCancel: boolean;
  cancelRefusal: string | null;
  connectorName: string;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const run = (fn: typeof retryRotationAction) => async (fd: FormData) => {
    setError(null);
    const r = await fn(null, fd);
    if (!r.ok) setError(r.error.message);
    router.refresh();
  };
  if (!canRetry && !canCancel) return cancelRefusal ? <p className="text-xs text-fg-muted">{cancelRefusal}</p> : null;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        {canRetry ? (
          <ConfirmDialog
            triggerLabel="Retry"
            triggerVariant="primary"
            tone="default"
            title="Retry this rotation?"
            description={`Rekey runs the step that stopped again, now, for ${connectorName}. Fix the cause first (consent, permissions, the tenant's policy).`}
            confirmLabel="Retry now"
            action={run(retryRotationAction)}
            hiddenFields={{ rotationId }}
          />
        ) : null}
        {canCancel ? (
          <ConfirmDialog
            triggerLabel="Cancel rotation"
            triggerVariant="secondary"
            title="Cancel this rotation?"
            description="Nothing irreversible has happened yet. If the new key was already added, Rekey removes it again; the current credential stays in place."
            confirmLabel="Cancel rotation"
            action={run(cancelRotationAction)}
            hiddenFields={{ rotationId }}
          />
        ) : null}
      </div>
      {!canCancel && cancelRefusal ? (
        <p className="text-xs text-fg-muted">Cancel is not offered: {cancelRefusal}</p>
      ) : null}
      {error ? (
        <Alert tone="danger" live="alert">
          {error}
        </Alert>
      ) : null}
    </div>
  );
}
