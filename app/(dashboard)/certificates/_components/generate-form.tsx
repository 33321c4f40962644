'use client';

import { useActionState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CodeBlock } from '@/components/ui/code-block';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import type { ActionResult } from '@/lib/auth/action';
import { createCsrAction, generateCertificateAction } from '../actions';

type R = ActionResult<unknown> | null;
const keySizes = [
  { value: '2048', label: 'RSA 2048' },
  { value: '3072', label: 'RSA 3072' },
  { value: '4096', label: 'RSA 4096' },
];

/** Self-signed certificate generated and stored in Rekey (key sealed at once). */
export function GenerateForm() {
  const [state, action, pending] = useActionState<R, FormData>(
    generateCertificateAction as (p: R, f: FormData) => Promise<R>,
    null,
  );
  const err = state && !state.ok ? state.error : null;
  return (
    <form action={action} className="space-y-4">
      <Field
        id="gen-subject"
        label="Subject"
        required
        hint='e.g. "CN=Litware Connect 2027 EU, O=Litware"'
        error={err?.fieldErrors?.subject?.[0]}
      >
        {(p) => <Input {...p} name="subject" required defaultValue="CN=" />}
      </Field>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field
          id="gen-days"
          label="Valid for (days)"
          hint="Entra ID policies often cap credentials at 1–2 years."
          error={err?.fieldErrors?.days?.[0]}
        >
          {(p) => <Input {...p} name="days" type="number" min={1} max={3650} defaultValue={365} />}
        </Field>
        <Field id="gen-size" label="Key" error={err?.fieldErrors?.keySize?.[0]}>
          {(p) => <Select {...p} name="keySize" options={keySizes} defaultValue="2048" />}
        </Field>
      </div>
      {err && !err.fieldErrors ? (
        <Alert tone="danger" live="alert">
          {err.message}
        </Alert>
      ) : null}
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? 'Generating…' : 'Generate certificate'}
      </Button>
    </form>
  );
}

/** A key pair kept (sealed) in Rekey and a CSR to send to the vendor's CA. */
export function CsrForm() {
  const [state, action, pending] = useActionState<R, FormData>(
    createCsrAction as (p: R, f: FormData) => Promise<R>,
    null,
  );
  const err = state && !state.ok ? state.error : null;
  const done = state?.ok ? (state.data as { id: string; csrPem: string }) : null;
  return (
    <form action={action} className="space-y-4">
      <Field id="csr-subject" label="Subject" required error={err?.fieldErrors?.subject?.[0]}>
        {(p) => <Input {...p} name="subject" required defaultValue="CN=" />}
      </Field>
      <Field id="csr-size" label="Key">
        {(p) => <Select {...p} name="keySize" options={keySizes} defaultValue="2048" />}
      </Field>
      {err && !err.fieldErrors ? (
        <Alert tone="danger" live="alert">
          {err.message}
        </Alert>
      ) : null}
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? 'Creating…' : 'Create CSR'}
      </Button>
      {done ? (
        <div className="space-y-2">
          <Alert tone="success" title="CSR created">
            Send it to the vendor&apos;s CA. When the certificate comes back, import it from the pending request on the
            Certificates page.
          </Alert>
          <CodeBlock title="Certificate signing request" code={done.csrPem} />
        </div>
      ) : null}
    </form>
  );
}
