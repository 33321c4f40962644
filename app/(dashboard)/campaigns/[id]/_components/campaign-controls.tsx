'use client';

import { useActionState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button, type ButtonVariant } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { LinkButton } from '@/components/ui/link-button';
import type { ActionResult } from '@/lib/auth/action';
import {
  approveCampaignAction,
  cancelCampaignAction,
  pauseCampaignAction,
  resumeCampaignAction,
  retryFailedAction,
  startCampaignAction,
} from '../../actions';

type R = ActionResult<unknown> | null;
type Fn = (p: R, f: FormData) => Promise<R>;

function useAct(fn: unknown) {
  return useActionState<R, FormData>(fn as Fn, null);
}

function SimpleButton({
  campaignId,
  label,
  pendingLabel,
  dispatch,
  pending,
  variant = 'secondary',
}: {
  campaignId: string;
  label: string;
  pendingLabel: string;
  dispatch: (f: FormData) => void;
  pending: boolean;
  variant?: ButtonVariant;
}) {
  return (
    <form action={dispatch}>
      <input type="hidden" name="campaignId" value={campaignId} />
      <Button type="submit" size="sm" variant={variant} disabled={pending}>
        {pending ? pendingLabel : label}
      </Button>
    </form>
  );
}

export type CampaignControlsProps = {
  campaignId: string;
  state: string;
  canOperate: boolean;
  canApprove: boolean;
  failed: number;
  total: number;
  /** When set, starting needs this text typed (re-establish or fleet-wide). */
  startConfirmText?: string;
};

/** Start / approve / pause / resume / cancel / retry failed, as the campaign's state allows. */
export function CampaignControls({
  campaignId,
  state,
  canOperate,
  canApprove,
  failed,
  total,
  startConfirmText,
}: CampaignControlsProps) {
  const [startState, start] = useAct(startCampaignAction);
  const [approveState, approve, approving] = useAct(approveCampaignAction);
  const [pauseState, pause, pausing] = useAct(pauseCampaignAction);
  const [resumeState, resume, resuming] = useAct(resumeCampaignAction);
  const [cancelState, cancel] = useAct(cancelCampaignAction);
  const [retryState, retry, retrying] = useAct(retryFailedAction);
  const errors = [startState, approveState, pauseState, resumeState, cancelState, retryState].flatMap((s) =>
    s && !s.ok ? [s.error.message] : [],
  );
  if (!canOperate) return null;
  const hidden = { campaignId };
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex flex-wrap items-center justify-end gap-2">
        {state === 'AWAITING_APPROVAL' && canApprove ? (
          <ConfirmDialog
            triggerLabel={approving ? 'Approving…' : 'Approve'}
            triggerVariant="primary"
            triggerSize="sm"
            title="Approve this campaign?"
            description={`Once approved, an operator can start it: ${total} connector${total === 1 ? '' : 's'} will be rotated.`}
            confirmLabel="Approve"
            action={approve}
            hiddenFields={hidden}
          />
        ) : null}
        {state === 'DRAFT' || state === 'AWAITING_APPROVAL' ? (
          <LinkButton href={`/campaigns/new/setup?from=${campaignId}`} size="sm" variant="secondary">
            Edit settings
          </LinkButton>
        ) : null}
        {state === 'DRAFT' || state === 'APPROVED' ? (
          <ConfirmDialog
            triggerLabel="Start campaign"
            triggerVariant="primary"
            triggerSize="sm"
            tone={startConfirmText ? 'danger' : 'default'}
            title="Start this campaign?"
            description={`Rotations start on the job queue, canary wave first: ${total} connector${total === 1 ? '' : 's'} in all.`}
            confirmLabel="Start"
            requireText={startConfirmText}
            action={start}
            hiddenFields={hidden}
          />
        ) : null}
        {state === 'RUNNING' ? (
          <SimpleButton
            campaignId={campaignId}
            label="Pause"
            pendingLabel="Pausing…"
            dispatch={pause}
            pending={pausing}
          />
        ) : null}
        {state === 'PAUSED' ? (
          <SimpleButton
            campaignId={campaignId}
            label="Resume"
            pendingLabel="Resuming…"
            dispatch={resume}
            pending={resuming}
            variant="primary"
          />
        ) : null}
        {failed > 0 && (state === 'RUNNING' || state === 'PAUSED' || state === 'FINISHED') ? (
          <SimpleButton
            campaignId={campaignId}
            label={`Retry ${failed} failed or cancelled`}
            pendingLabel="Retrying…"
            dispatch={retry}
            pending={retrying}
          />
        ) : null}
        {state === 'DRAFT' ||
        state === 'AWAITING_APPROVAL' ||
        state === 'APPROVED' ||
        state === 'RUNNING' ||
        state === 'PAUSED' ? (
          <ConfirmDialog
            triggerLabel={
              state === 'DRAFT' || state === 'AWAITING_APPROVAL' || state === 'APPROVED' ? 'Discard' : 'Cancel campaign'
            }
            triggerSize="sm"
            title="Cancel this campaign?"
            description="Queued connectors are not started. Rotations already running are offered a cancel where it is safe; the rest finish."
            confirmLabel="Cancel campaign"
            action={cancel}
            hiddenFields={hidden}
          />
        ) : null}
      </div>
      {errors.length ? (
        <Alert tone="danger" live="alert" className="max-w-md">
          {errors[errors.length - 1]}
        </Alert>
      ) : null}
    </div>
  );
}
