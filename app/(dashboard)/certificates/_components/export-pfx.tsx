'use client';

import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Mono } from '@/components/ui/code-block';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import type { ActionError } from '@/lib/auth/action';

/** Shown before sending; the server's check (length + zxcvbn) is the one that decides. */
const MIN_LENGTH = 12;

/**
 * "Export PFX…" (ADR 021): the admin types the start of the SHA-1 thumbprint and chooses the PFX's
 * password; the file is fetched by POST and handed to the browser as a download (a Blob, never
 * put into the page), then the dialog closes. Errors stay on their field; nothing is kept.
 */
export function ExportPfx({ certificateId, confirm }: { certificateId: string; confirm: string }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<ActionError | null>(null);
  const [pending, setPending] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const field = (name: string) => error?.fieldErrors?.[name]?.[0];

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const fd = new FormData(form);
    const password = String(fd.get('password') ?? '');
    const repeat = String(fd.get('repeat') ?? '');
    const confirmText = String(fd.get('confirmText') ?? '');
    setDone(null);
    if (password !== repeat) {
      setError({
        code: 'BAD_INPUT',
        message: 'The passwords differ.',
        fieldErrors: { repeat: ['Type the same password twice.'] },
      });
      return;
    }
    if (password.length < MIN_LENGTH) {
      setError({
        code: 'BAD_INPUT',
        message: 'The password is too short.',
        fieldErrors: { password: [`Use at least ${MIN_LENGTH} characters; a few unrelated words work well.`] },
      });
      return;
    }
    setPending(true);
    setError(null);
    try {
      const res = await fetch(`/certificates/${certificateId}/export`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password, confirmText }),
        cache: 'no-store',
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: ActionError } | null;
        setError(body?.error ?? { code: 'INTERNAL', message: `The export failed (HTTP ${res.status}).` });
        return;
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'certificate.pfx';
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      form.reset();
      setDone(name);
      setOpen(false);
    } catch {
      setError({ code: 'INTERNAL', message: 'The export could not reach Rekey. Check the connection and try again.' });
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="space-y-2">
      <Dialog
        trigger="Export PFX with private key…"
        triggerSize="sm"
        open={open}
        onOpenChange={(v) => {
          setOpen(v);
          if (v) setError(null);
        }}
        closeOnBackdrop={false}
        title="Export the certificate with its private key"
        description="For the vendor’s service. Anyone with this file and its password can sign in as the connector: send the password by another channel. The export is recorded in the audit log."
      >
        <form onSubmit={submit} aria-label="Export PFX" className="space-y-4 pb-5" noValidate>
          <Field
            id="export-confirm"
            label={
              <>
                Type <Mono>{confirm}</Mono>, the start of the SHA-1 thumbprint, to confirm
              </>
            }
            error={field('confirmText')}
            required
          >
            {(p) => <Input {...p} name="confirmText" autoComplete="off" spellCheck={false} autoFocus />}
          </Field>
          <Field
            id="export-password"
            label="PFX password"
            hint={`At least ${MIN_LENGTH} characters and hard to guess; Rekey does not keep it.`}
            error={field('password')}
            required
          >
            {(p) => <Input {...p} name="password" type="password" autoComplete="new-password" />}
          </Field>
          <Field id="export-repeat" label="Password again" error={field('repeat')} required>
            {(p) => <Input {...p} name="repeat" type="password" autoComplete="new-password" />}
          </Field>
          {error && !error.fieldErrors ? (
            <Alert tone="danger" live="alert">
              {error.message}
            </Alert>
          ) : null}
          <div className="flex flex-wrap justify-end gap-2">
            <Button type="submit" variant="primary" disabled={pending}>
              {pending ? 'Exporting…' : 'Export PFX'}
            </Button>
          </div>
        </form>
      </Dialog>
      {done ? (
        <Alert tone="success" live="status">
          Downloaded {done}. Rekey did not keep the file or its password.
        </Alert>
      ) : null}
    </div>
  );
}
