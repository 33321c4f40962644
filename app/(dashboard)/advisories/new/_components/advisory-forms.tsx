'use client';

import { useActionState, useState, useTransition, type FormEvent, type ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import type { ActionFn, ActionResult } from '@/lib/auth/action';
import { LIMITS, formatSize, oversizeFields, type InputKind } from '@/lib/limits';
import { createAdvisoryAction, importAdvisoryAction, markCompromisedAction } from '../../actions';

type Result = ActionResult<never> | null;

const SEVERITY_OPTIONS = [
  { value: 'critical', label: 'Critical' },
  { value: 'high', label: 'High' },
  { value: 'medium', label: 'Medium' },
  { value: 'low', label: 'Low' },
];

/**
 * useActionState, dispatched from onSubmit so the form is NOT reset when the server refuses it:
 * a long paste with one bad row stays in place to be fixed. Success redirects to the advisory.
 */
function useAdvisoryForm(action: ActionFn<never>, limits: Record<string, InputKind> = {}) {
  const [state, dispatch, pending] = useActionState<Result, FormData>(
    action as (p: Result, f: FormData) => Promise<Result>,
    null,
  );
  const [, startTransition] = useTransition();
  // Size limits are checked here before anything is sent (lib/limits.ts; the server checks again).
  const [tooLarge, setTooLarge] = useState<Record<string, string[]> | null>(null);
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    const oversize = oversizeFields(fd, limits);
    setTooLarge(oversize);
    if (oversize) return;
    startTransition(() => dispatch(fd));
  };
  const error = tooLarge
    ? { message: Object.values(tooLarge).flat().join(' '), fieldErrors: tooLarge }
    : state && !state.ok
      ? state.error
      : null;
  return { onSubmit, pending, error, fe: error?.fieldErrors ?? {} };
}

function FormError({ error, title }: { error: { message: string } | null; title: string }) {
  if (!error) return null;
  return (
    <Alert tone="danger" title={title}>
      <p className="whitespace-pre-line">{error.message}</p>
    </Alert>
  );
}

function MetaFields({
  prefix,
  fe,
  requireTitle = true,
  children,
}: {
  prefix: string;
  fe: Record<string, string[]>;
  requireTitle?: boolean;
  children?: ReactNode;
}) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field
        id={`${prefix}-title`}
        label="Title"
        required={requireTitle}
        className="sm:col-span-2"
        error={fe.title?.join(' ')}
        hint={requireTitle ? undefined : 'Optional: the file’s title is used otherwise.'}
      >
        {(p) => <Input {...p} name="title" maxLength={200} />}
      </Field>
      <Field id={`${prefix}-severity`} label="Severity" error={fe.severity?.join(' ')}>
        {(p) => (
          <Select
            {...p}
            name="severity"
            defaultValue={requireTitle ? 'critical' : ''}
            options={requireTitle ? SEVERITY_OPTIONS : [{ value: '', label: 'From the file' }, ...SEVERITY_OPTIONS]}
          />
        )}
      </Field>
      <Field
        id={`${prefix}-published`}
        label="Published (UTC)"
        hint="Defaults to now."
        error={fe.publishedAt?.join(' ')}
      >
        {(p) => <Input {...p} name="publishedAt" type="datetime-local" />}
      </Field>
      <Field
        id={`${prefix}-start`}
        label="Compromise window start (UTC)"
        hint="Sign-ins since then are read as evidence."
        error={fe.compromiseStart?.join(' ')}
      >
        {(p) => <Input {...p} name="compromiseStart" type="datetime-local" />}
      </Field>
      <Field
        id={`${prefix}-end`}
        label="Compromise window end (UTC)"
        hint="Empty: still open."
        error={fe.compromiseEnd?.join(' ')}
      >
        {(p) => <Input {...p} name="compromiseEnd" type="datetime-local" />}
      </Field>
      {children}
      <Field
        id={`${prefix}-guidance`}
        label="Guidance"
        className="sm:col-span-2"
        hint="What to do, e.g. “Delete the existing connection and create a new one”."
        error={fe.guidance?.join(' ')}
      >
        {(p) => <Textarea {...p} name="guidance" rows={3} />}
      </Field>
    </div>
  );
}

export function PasteAdvisoryForm() {
  const { onSubmit, pending, error, fe } = useAdvisoryForm(createAdvisoryAction);
  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="New advisory from pasted indicators">
      <Field
        id="adv-indicators"
        label="Thumbprints or serial numbers"
        required
        hint="One per line: SHA-1 (40 hex digits), SHA-256 (64) or a serial number. Colons and spaces are ignored; lines starting with # are skipped."
        error={fe.indicators?.join(' ')}
      >
        {(p) => <Textarea {...p} name="indicators" rows={6} spellCheck={false} className="font-mono text-xs" />}
      </Field>
      <MetaFields prefix="adv" fe={fe} />
      <FormError error={error} title="The advisory was not saved" />
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? 'Saving and re-classifying…' : 'Create advisory'}
      </Button>
    </form>
  );
}

export function ImportAdvisoryForm() {
  const { onSubmit, pending, error, fe } = useAdvisoryForm(importAdvisoryAction, { file: 'advisory' });
  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="Import an advisory file">
      <Field
        id="imp-file"
        label="Advisory file"
        required
        hint={`The vendor’s JSON advisory, or a CSV with columns kind,value,issuer (kind: sha1, sha256 or serial). Up to ${formatSize(LIMITS.advisory)}. Any bad row refuses the whole file.`}
        error={fe.file?.join(' ')}
      >
        {(p) => (
          <Input
            {...p}
            name="file"
            type="file"
            accept=".json,.csv,.txt,application/json,text/csv,text/plain"
            className="h-auto py-1"
          />
        )}
      </Field>
      <MetaFields prefix="imp" fe={fe} requireTitle={false} />
      <FormError error={error} title="The advisory was not imported" />
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? 'Importing and re-classifying…' : 'Import advisory'}
      </Button>
    </form>
  );
}

export function MarkCompromisedForm({ defaultCertificate }: { defaultCertificate?: string }) {
  const { onSubmit, pending, error, fe } = useAdvisoryForm(markCompromisedAction);
  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="Mark a certificate compromised">
      <Field
        id="mark-cert"
        label="Certificate"
        required
        hint="Its Rekey id, or its SHA-1 or SHA-256 thumbprint (see Certificates)."
        error={fe.certificate?.join(' ')}
      >
        {(p) => (
          <Input {...p} name="certificate" defaultValue={defaultCertificate} spellCheck={false} className="font-mono" />
        )}
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="mark-severity" label="Severity" error={fe.severity?.join(' ')}>
          {(p) => <Select {...p} name="severity" defaultValue="critical" options={SEVERITY_OPTIONS} />}
        </Field>
        <Field
          id="mark-title"
          label="Title"
          hint="Optional: defaults to the certificate’s subject."
          error={fe.title?.join(' ')}
        >
          {(p) => <Input {...p} name="title" maxLength={200} />}
        </Field>
        <Field id="mark-start" label="Compromise window start (UTC)" error={fe.compromiseStart?.join(' ')}>
          {(p) => <Input {...p} name="compromiseStart" type="datetime-local" />}
        </Field>
        <Field id="mark-end" label="Compromise window end (UTC)" error={fe.compromiseEnd?.join(' ')}>
          {(p) => <Input {...p} name="compromiseEnd" type="datetime-local" />}
        </Field>
        <Field
          id="mark-guidance"
          label="Guidance"
          className="sm:col-span-2"
          hint="Defaults to: rotate every connector that uses it and remove the credential from each tenant."
          error={fe.guidance?.join(' ')}
        >
          {(p) => <Textarea {...p} name="guidance" rows={2} />}
        </Field>
      </div>
      <p className="text-sm text-fg-muted">
        Every connector that uses this certificate or still holds it as a credential becomes Compromised, in every
        tenant.
      </p>
      <FormError error={error} title="The certificate was not marked" />
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? 'Marking and re-classifying…' : 'Mark compromised'}
      </Button>
    </form>
  );
}
