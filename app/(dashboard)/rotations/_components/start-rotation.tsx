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
  cutover,
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
  /**
   * Offer to wait for the vendor's cutover (rotate mode): checked by default for a routine
   * rotation, unchecked for a compromised or targeted connector. Absent: not offered.
   */
  cutover?: { defaultOn: boolean; defaultHours: number; maxHours: number };
}) {
  const [error, setError] = useState<string | null>(null);
  const [wait, setWait] = useState(cutover?.defaultOn ?? false);
  const [hours, setHours] = useState(String(cutover?.defaultHours ?? 72));
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
        hiddenFields={{
          connectorId,
          toCertificateId,
          mode,
          recreate: recreate ? '1' : '0',
          preflightId,
          ...(cutover ? { cutoverWait: wait ? '1' : '0', cutoverWaitHours: hours } : {}),
        }}
      >
        {cutover ? (
          <p className="mb-2" data-testid="start-cutover-summary">
            {wait
              ? `The old key stays until the vendor’s service signs in with the new one, you confirm, or ${hours} hours pass.`
              : 'The old key is removed as soon as the new one is verified.'}
          </p>
        ) : null}
        <p className="font-medium">Steps that cannot be undone:</p>
        <ul className="mt-1 list-disc pl-5 text-fg-muted">
          {destructiveSteps.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      </ConfirmDialog>
      {cutover ? (
        <fieldset className="min-w-0 space-y-2 text-sm">
          <legend className="sr-only">Vendor cutover</legend>
          <label className="flex items-start gap-2">
            <input
              type="checkbox"
              className="mt-1"
              checked={wait}
              onChange={(e) => setWait(e.target.checked)}
              aria-describedby="cutover-help"
            />
            <span>Keep the old key until the vendor’s service uses the new one</span>
          </label>
          <p id="cutover-help" className="text-xs text-fg-muted">
            Rekey watches the tenant’s sign-in logs for the new key from the vendor’s known addresses; you can also
            confirm the switch on the rotation page.{' '}
            {cutover.defaultOn
              ? ''
              : 'Off by default: this connector’s key is compromised or targeted, so it should go at once.'}
          </p>
          {wait ? (
            <label className="flex flex-wrap items-center gap-2">
              <span>Remove it anyway after</span>
              <input
                type="number"
                name="cutoverHoursInput"
                min={1}
                max={cutover.maxHours}
                value={hours}
                onChange={(e) => setHours(e.target.value)}
                className="w-20 rounded-md border border-border-strong bg-surface px-2 py-1"
              />
              <span>hours</span>
            </label>
          ) : null}
        </fieldset>
      ) : null}
      {error ? (
        <Alert tone="danger" live="alert" title="The rotation did not start">
          {error}
        </Alert>
      ) : null}
    </div>
  );
}
