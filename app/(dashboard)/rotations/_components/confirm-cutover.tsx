'use client';

import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { Alert } from '@/components/ui/alert';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { confirmCutoverAction } from '../actions';

/** "The vendor has switched": ends a rotation's wait for the cutover (confirmed, audited). */
export function ConfirmCutover({ rotationId, connectorName }: { rotationId: string; connectorName: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="space-y-2">
      <ConfirmDialog
        triggerLabel="The vendor has switched — remove the old key"
        triggerVariant="primary"
        tone="default"
        title="Remove the old key now?"
        description={`Confirm only if the vendor's service for ${connectorName} already uses the new certificate: once the old key is removed, a service still using it stops working. Your confirmation is recorded in the audit log.`}
        confirmLabel="Remove the old key"
        action={async (fd: FormData) => {
          setError(null);
          const r = await confirmCutoverAction(null, fd);
          if (!r.ok) setError(r.error.message);
          router.refresh();
        }}
        hiddenFields={{ rotationId }}
      />
      {error ? (
        <Alert tone="danger" live="alert">
          {error}
        </Alert>
      ) : null}
    </div>
  );
}
