'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import type { ActionError } from '@/lib/auth/action';
import { checkSize } from '@/lib/limits';
import { completeCsrAction } from '../actions';

/**
 * Brings the CA-issued certificate back for a pending CSR: Rekey checks that it was issued for the
 * key it holds and adds it to the inventory (then shows its page). A certificate for another key,
 * or any other refusal, is the file field's error; nothing is written. The chosen file stays
 * chosen (the submit is not a form action, so React does not reset the form).
 */
export function CompleteCsr({ requestId }: { requestId: string }) {
  const [error, setError] = useState<ActionError | null>(null);
  const [pending, startTransition] = useTransition();
  const fileError = error?.fieldErrors?.file?.[0];

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    const file = fd.get('file');
    if (!(file instanceof File) || file.size === 0) {
      setError({
        code: 'BAD_INPUT',
        message: 'Choose a file.',
        fieldErrors: { file: ['Choose the certificate the CA issued.'] },
      });
      return;
    }
    const tooLarge = checkSize('certificate', file.size);
    if (tooLarge) {
      setError({
        code: 'PAYLOAD_TOO_LARGE',
        message: tooLarge,
        fieldErrors: { file: [`"${file.name}": ${tooLarge}.`] },
      });
      return;
    }
    fd.set('requestId', requestId);
    setError(null);
    startTransition(async () => {
      const r = await completeCsrAction(null, fd);
      if (r && !r.ok) setError(r.error);
    });
  }

  return (
    <form onSubmit={submit} aria-label="Upload the issued certificate" className="space-y-4" noValidate>
      <Field
        id="issued-file"
        label="Certificate the CA issued"
        hint="PEM, DER (.cer/.crt) or a P7B chain. Rekey checks that it was issued for this request’s key."
        error={fileError}
        required
      >
        {(p) => (
          <Input
            {...p}
            name="file"
            type="file"
            accept=".cer,.crt,.pem,.der,.p7b,.p7c"
            onChange={() => setError(null)}
          />
        )}
      </Field>
      {error && !error.fieldErrors ? (
        <Alert tone="danger" live="alert">
          {error.message}
        </Alert>
      ) : null}
      {fileError ? (
        <Alert tone="danger" live="alert">
          Nothing was added. {fileError}
        </Alert>
      ) : null}
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? 'Checking…' : 'Check and add to inventory'}
      </Button>
    </form>
  );
}
