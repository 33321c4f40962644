'use client';

import { useActionState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import type { ActionResult } from '@/lib/auth/action';
import { createInvitationsAction, type CreatedView } from '../actions';

type Result = ActionResult<CreatedView> | null;

export function CreateInvitationsForm({
  certificates,
  connectorId,
  advisoryId,
  campaignId,
}: {
  certificates: { id: string; label: string }[];
  connectorId?: string;
  /** Invite every affected connector of this advisory (or campaign) Rekey knows of. */
  advisoryId?: string;
  campaignId?: string;
}) {
  const [state, dispatch, pending] = useActionState<Result, FormData>(
    createInvitationsAction as (p: Result, f: FormData) => Promise<Result>,
    null,
  );
  return (
    <div className="space-y-4">
      <form action={dispatch} className="space-y-3" aria-label="Create invitations">
        {connectorId || advisoryId || campaignId ? (
          <>
            {connectorId ? <input type="hidden" name="connectorId" value={connectorId} /> : null}
            {advisoryId ? <input type="hidden" name="advisoryId" value={advisoryId} /> : null}
            {campaignId ? <input type="hidden" name="campaignId" value={campaignId} /> : null}
          </>
        ) : (
          <Field id="tenants" label="Tenants (id or domain, optional e-mail after a comma), one per line">
            {(p) => (
              <Textarea {...p} name="tenants" rows={4} placeholder="contoso.onmicrosoft.com,it@contoso.example" />
            )}
          </Field>
        )}
        <Field id="certificateId" label="Certificate to install">
          {(p) => (
            <Select {...p} name="certificateId" options={certificates.map((c) => ({ value: c.id, label: c.label }))} />
          )}
        </Field>
        <Field id="expiresInDays" label="Links work for (days)">
          {(p) => <Input {...p} name="expiresInDays" type="number" min={1} max={90} defaultValue={14} />}
        </Field>
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? 'Creating…' : 'Create invitation links'}
        </Button>
      </form>
      {state && !state.ok ? (
        <Alert tone="danger" title="No invitation was created">
          <p>{state.error.message}</p>
        </Alert>
      ) : null}
      {state && state.ok ? (
        <section aria-label="Created links" className="space-y-2">
          <p>
            {state.data.created.length} link(s) created. Copy them now: Rekey stores only their hashes.
            {state.data.skipped.map((s) => ` Skipped ${s.target}: ${s.reason}.`).join('')}
          </p>
          <ul className="space-y-1">
            {state.data.created.map((c) => (
              <li key={c.id} className="flex items-center gap-2">
                <span>{c.target}</span>
                <code className="break-all" data-testid="invitation-link">
                  {c.link}
                </code>
                <CopyButton text={c.link} label="Copy link" />
              </li>
            ))}
          </ul>
          <a
            className="underline"
            download="invitations.csv"
            href={`data:text/csv;charset=utf-8,${encodeURIComponent(state.data.csv)}`}
          >
            Export these links as CSV
          </a>
        </section>
      ) : null}
    </div>
  );
}
