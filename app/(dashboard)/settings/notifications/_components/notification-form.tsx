'use client';

import { useActionState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import type { ActionResult } from '@/lib/auth/action';
import { saveNotificationSettingsAction, sendTestNotificationAction } from '../actions';

type R = ActionResult<unknown> | null;

export type NotificationFormValues = {
  email: { enabled: boolean; from: string; to: string[] };
  webhook: { enabled: boolean; format: 'generic' | 'slack' | 'teams' };
  events: Record<string, boolean>;
  dashboardUrl: string;
};

export function NotificationForm({
  values,
  events,
}: {
  values: NotificationFormValues;
  events: { kind: string; label: string; hint: string }[];
}) {
  const [state, action, pending] = useActionState<R, FormData>(
    saveNotificationSettingsAction as (p: R, f: FormData) => Promise<R>,
    null,
  );
  const err = state && !state.ok ? state.error : null;
  const fe = err?.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-6" aria-label="Notification settings">
      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold">Email</legend>
        <Checkbox name="emailEnabled" defaultChecked={values.email.enabled} label="Send notifications by email" />
        <div className="grid gap-4 md:grid-cols-2">
          <Field id="n-from" label="From" error={fe.emailFrom?.[0]}>
            {(p) => <Input {...p} name="emailFrom" type="email" defaultValue={values.email.from} />}
          </Field>
          <Field
            id="n-to"
            label="To"
            hint="One or more addresses, separated by commas or new lines (up to 50)."
            error={fe.emailTo?.[0] ?? Object.entries(fe).find(([k]) => k.startsWith('emailTo.'))?.[1]?.[0]}
          >
            {(p) => <Textarea {...p} name="emailTo" rows={2} defaultValue={values.email.to.join(', ')} />}
          </Field>
        </div>
      </fieldset>
      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold">Webhook</legend>
        <Checkbox
          name="webhookEnabled"
          defaultChecked={values.webhook.enabled}
          label="Post notifications to the webhook"
        />
        <Field
          id="n-format"
          label="Format"
          hint="Generic JSON ({text, rekey}) also works with Slack and Teams incoming webhooks."
        >
          {(p) => (
            <Select
              {...p}
              name="webhookFormat"
              defaultValue={values.webhook.format}
              options={[
                { value: 'generic', label: 'Generic JSON' },
                { value: 'slack', label: 'Slack' },
                { value: 'teams', label: 'Microsoft Teams' },
              ]}
              className="max-w-xs"
            />
          )}
        </Field>
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-sm font-semibold">Events</legend>
        <div className="grid gap-2 md:grid-cols-2">
          {events.map((e) => (
            <Checkbox
              key={e.kind}
              name="events"
              value={e.kind}
              defaultChecked={values.events[e.kind] ?? true}
              label={e.label}
              hint={e.hint}
            />
          ))}
        </div>
      </fieldset>
      <Field id="n-url" label="Dashboard URL" hint="Base URL used for links in messages." error={fe.dashboardUrl?.[0]}>
        {(p) => (
          <Input
            {...p}
            name="dashboardUrl"
            type="url"
            placeholder="https://rekey.example.com"
            defaultValue={values.dashboardUrl}
            className="max-w-md"
          />
        )}
      </Field>
      {err ? (
        <Alert tone="danger" live="alert">
          {err.fieldErrors ? 'Some fields are not valid.' : err.message}
        </Alert>
      ) : null}
      {state?.ok ? (
        <Alert tone="success" live="status">
          Notification settings saved.
        </Alert>
      ) : null}
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? 'Saving…' : 'Save settings'}
      </Button>
    </form>
  );
}

/** "Send test notification" for one channel: delivers at once and shows the outcome. */
export function TestNotificationButton({ channel, disabled }: { channel: 'email' | 'webhook'; disabled?: boolean }) {
  const [state, action, pending] = useActionState<R, FormData>(
    sendTestNotificationAction as (p: R, f: FormData) => Promise<R>,
    null,
  );
  const data = state?.ok ? (state.data as { result: 'sent' | 'disabled' }) : null;
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="channel" value={channel} />
      <Button type="submit" size="sm" variant="secondary" disabled={pending || disabled}>
        {pending ? 'Sending…' : `Send test ${channel === 'email' ? 'email' : 'webhook'}`}
      </Button>
      {state && !state.ok ? (
        <Alert tone="danger" live="alert">
          {state.error.message}
        </Alert>
      ) : null}
      {data ? (
        <Alert tone={data.result === 'sent' ? 'success' : 'warning'} live="status">
          {data.result === 'sent'
            ? 'Test notification sent.'
            : `The ${channel} channel is turned off: enable and save it first.`}
        </Alert>
      ) : null}
    </form>
  );
}
