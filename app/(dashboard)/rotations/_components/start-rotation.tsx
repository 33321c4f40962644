'use client';

import Link from 'next/link';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { startRotationAction } from '../actions';

/**
 * The wizard's Start: a confirmation dialog; delete-first (re-establish) needs the connector's
 * name typed, which the server checks again. On success the action redirects to the rotation.
 */
export function StartRotation({
  connectorId,
  connectorName,
  toCertificateId,
  mode,
  recreate,
  destructiveSteps,
  preflightId,
  activeRotationId,
}: {
  connectorId: string;
  connectorName: string;
  toCertificateId: string;
  mode: 'rotate' | 'reestablish';
  recreate: boolean;
  destructiveSteps: string[];
  /** The stored passing preflight that arms Start (the server checks it again). */
  preflightId: string;
  /** A rotation of this connector already running: Start stays disabled and links to it. */
  activeRotationId?: string | null;
}) {
  const [error, setError] = useState<string | null>(null);
  const deleteFirst = mode === 'reestablish';
  if (activeRotationId)
    return (
      <div className="flex flex-wrap items-center gap-3">
        <Button variant={deleteFirst ? 'danger' : 'primary'} disabled aria-describedby="start-blocked">
          Start rotation
        </Button>
        <p id="start-blocked" className="text-sm text-fg-muted">
          This connector is already rotating:{' '}
          <Link prefetch={false} href={`/rotations/${activeRotationId}`} className="underline">
            open that rotation
          </Link>
          .
        </p>
      </div>
    );
  return (
    <div className="space-y-3">
      <ConfirmDialog
        triggerLabel="Start rotation"
        triggerVariant={deleteFirst ? 'danger' : 'primary'}
        tone={deleteFirst ? 'danger' : 'default'}
        title={deleteFirst ? `Re-establish ${connectorName}?` : `Rotate the key of ${connectorName}?`}
        description={
          deleteFirst
            ? 'The current credential is removed before the new one is added: the vendor’s service cannot sign in until it uses the new certificate.'
            : 'The new key is added and verified before the old one is removed.'
        }
        confirmLabel="Start rotation"
        requireText={deleteFirst ? connectorName : undefined}
        action={async (fd) => {
          setError(null);
          // On success the action redirects to the rotation (no result comes back).
          const r = await startRotationAction(null, fd);
          if (r && !r.ok) setError(r.error.message);
        }}
        hiddenFields={{ connectorId, toCertificateId, mode, recreate: recreate ? '1' : '0', preflightId }}
      >
        <p className="font-medium">Steps that cannot be undone:</p>
        <ul className="mt-1 list-disc pl-5 text-fg-muted">
          {destructiveSteps.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      </ConfirmDialog>
      {error ? (
        <Alert tone="danger" live="alert" title="The rotation did not start">
          {error}
        </Alert>
      ) : null}
    </div>
  );
}
