'use client';

import { useRef, useState, useTransition, type DragEvent, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { DescriptionList } from '@/components/ui/description-list';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Icon } from '@/components/ui/icon';
import { Mono } from '@/components/ui/code-block';
import type { ActionError } from '@/lib/auth/action';
import type { InspectionResult } from '@/lib/certificates/certificate-views';
import { checkSize, formatSize, LIMITS } from '@/lib/limits';
import { cn } from '@/components/ui/cn';
import { importCertificateAction, inspectCertificateAction } from '../actions';

type FieldName = 'file' | 'password' | 'label';
type Errors = Partial<Record<FieldName | 'form', string>>;

const FIELD_LABELS: Record<FieldName, string> = {
  file: 'Certificate file',
  password: 'PFX password',
  label: 'Label',
};

/** Server error → the field it is about (fieldErrors from the action), or the form as a whole. */
function errorsFrom(error: ActionError): Errors {
  const out: Errors = {};
  for (const [key, messages] of Object.entries(error.fieldErrors ?? {})) {
    const field = (key in FIELD_LABELS ? key : 'form') as FieldName | 'form';
    out[field] = [out[field], ...messages].filter(Boolean).join(' ');
  }
  if (!Object.keys(out).length) out.form = error.message;
  return out;
}

/**
 * Drag-and-drop or pick a file → the server parses and validates it (nothing stored) → the admin
 * sees the facts and every check → "Add to inventory" sends the same bytes again to be stored.
 *
 * Every value lives in React state, and the file's bytes are copied into memory when chosen:
 * nothing depends on the browser's form controls, which React 19 resets after a form action, so
 * the check, a wrong password, a refused file and the add step all keep what the admin entered.
 *
 * Uploading never makes a certificate a region's replacement: that is its own confirmed, audited
 * action on the certificate's page. With `onAdded` (the rotation wizard's dialog) the component
 * hands the new — or already held — certificate's id to the caller instead of opening its page.
 */
export function CertificateUpload({ onAdded }: { onAdded?: (certificateId: string) => void } = {}) {
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [label, setLabel] = useState('');
  const [dragging, setDragging] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [result, setResult] = useState<InspectionResult | null>(null);
  const [checking, startChecking] = useTransition();
  const [saving, startSaving] = useTransition();
  const inputRef = useRef<HTMLInputElement>(null);

  async function choose(f: File | null) {
    setResult(null);
    setErrors({});
    if (!f) return;
    // The limit is checked before anything is read or sent (the server checks it again).
    const tooLarge = checkSize('certificate', f.size);
    if (tooLarge) {
      setFile(null);
      setErrors({ file: `"${f.name}": ${tooLarge}. A certificate, PFX or chain is a few KiB: check the file.` });
      return;
    }
    // Keep the bytes, not the browser's handle on the file: the later steps send exactly these.
    setFile(new File([await f.arrayBuffer()], f.name, { type: f.type }));
  }
  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    void choose(e.dataTransfer.files[0] ?? null);
  }
  function formData(): FormData {
    const fd = new FormData();
    if (file) fd.set('file', file, file.name);
    if (password) fd.set('password', password);
    if (label.trim()) fd.set('label', label);
    return fd;
  }
  function check(e: FormEvent) {
    e.preventDefault();
    if (!file) {
      setErrors({ file: 'Choose a certificate file first.' });
      return;
    }
    const fd = formData();
    startChecking(async () => {
      const r = await inspectCertificateAction(null, fd);
      if (r.ok) {
        setResult(r.data);
        setErrors({});
      } else {
        setResult(null);
        setErrors(errorsFrom(r.error));
      }
    });
  }
  function save() {
    const fd = formData();
    startSaving(async () => {
      const r = await importCertificateAction(null, fd);
      if (!r.ok) setErrors(errorsFrom(r.error));
      else if (onAdded) onAdded(r.data.id);
      else router.push(`/certificates/${r.data.id}?created=1`);
    });
  }
  function clearError(field: FieldName) {
    setErrors((prev) => {
      const next = { ...prev };
      delete next[field];
      return next;
    });
  }
  const fieldErrors = (Object.keys(FIELD_LABELS) as FieldName[]).filter((k) => errors[k]);

  return (
    <form onSubmit={check} noValidate className="space-y-4" aria-label="Upload a certificate">
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={cn(
          'flex flex-col items-center justify-center gap-2 rounded-lg border-2 border-dashed p-6 text-center sm:p-8',
          errors.file ? 'border-danger' : dragging ? 'border-accent bg-accent/5' : 'border-border',
        )}
      >
        <Icon name="upload" size={24} />
        <p id="upload-help" className="text-sm text-fg-muted">
          Drop the vendor&apos;s certificate here, or choose a file: .cer/.crt (PEM or DER), .pem with key, .pfx/.p12,
          .p7b. Up to {formatSize(LIMITS.certificate)}.
        </p>
        <label className="cursor-pointer text-sm font-medium text-accent underline">
          Choose a file
          <input
            ref={inputRef}
            id="cert-file"
            type="file"
            className="sr-only"
            accept=".cer,.crt,.pem,.der,.pfx,.p12,.p7b,.txt"
            aria-describedby={errors.file ? 'upload-help cert-file-error' : 'upload-help'}
            aria-invalid={errors.file ? true : undefined}
            onChange={(e) => {
              const f = e.target.files?.[0] ?? null;
              // Cleared so that choosing the same file again (after fixing it) is noticed.
              e.target.value = '';
              void choose(f);
            }}
          />
        </label>
        {file ? (
          <p className="text-sm" data-testid="chosen-file">
            <span className="font-medium break-all">{file.name}</span> · {(file.size / 1024).toFixed(1)} KiB
          </p>
        ) : null}
        {errors.file ? (
          <p id="cert-file-error" className="flex items-center gap-1 text-xs font-medium text-danger">
            <Icon name="alert" size={12} />
            {errors.file}
          </p>
        ) : null}
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="cert-password" label="PFX password" hint="Only for .pfx/.p12 files." error={errors.password}>
          {(p) => (
            <Input
              {...p}
              type="password"
              autoComplete="off"
              value={password}
              onChange={(e) => {
                setPassword(e.target.value);
                setResult(null);
                clearError('password');
              }}
            />
          )}
        </Field>
        <Field id="cert-label" label="Label" hint="Optional, e.g. “Litware 2027 EU”." error={errors.label}>
          {(p) => (
            <Input
              {...p}
              value={label}
              onChange={(e) => {
                setLabel(e.target.value);
                clearError('label');
              }}
            />
          )}
        </Field>
      </div>
      <Button type="submit" variant="secondary" disabled={!file || checking || saving}>
        {checking ? 'Checking…' : 'Check certificate'}
      </Button>

      {errors.form || fieldErrors.length ? (
        <Alert tone="danger" title="Fix what is marked" live="alert">
          {errors.form ? <p>{errors.form}</p> : null}
          {fieldErrors.length ? (
            <ul>
              {fieldErrors.map((k) => (
                <li key={k}>
                  <span className="font-medium">{FIELD_LABELS[k]}:</span> {errors[k]}
                </li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
      {result ? (
        <div className="space-y-3 rounded-lg border border-border p-4" aria-live="polite">
          <h2 className="text-base font-semibold break-all">{result.leaf.subject}</h2>
          <DescriptionList
            columns={2}
            items={[
              { term: 'Issuer', value: result.leaf.issuer },
              { term: 'Valid', value: `${result.leaf.notBefore.slice(0, 10)} → ${result.leaf.notAfter.slice(0, 10)}` },
              {
                term: 'Key',
                value: `${result.leaf.keyType}${result.leaf.keySize ? ` ${result.leaf.keySize}` : ''}${result.leaf.curve ? ` ${result.leaf.curve}` : ''}`,
              },
              { term: 'Signature', value: result.leaf.signatureAlgorithm },
              { term: 'SHA-1 thumbprint', value: <Mono>{result.leaf.sha1Thumbprint}</Mono> },
              { term: 'SHA-256 thumbprint', value: <Mono>{result.leaf.sha256Thumbprint}</Mono> },
              { term: 'Serial', value: <Mono>{result.leaf.serialNumber}</Mono> },
              {
                term: 'Contains',
                value: `${result.kinds.join(', ')}${result.hasPrivateKey ? ' · private key (will be encrypted at rest)' : ''}${result.chain.length ? ` · ${result.chain.length} chain certificate(s)` : ''}`,
              },
            ]}
          />
          <ul className="space-y-1 text-sm" aria-label="Validation results">
            {result.validation.errors.map((e) => (
              <li key={e.code} className="flex gap-2 text-danger">
                <Icon name="xCircle" size={16} label="Error" />
                {e.message}
              </li>
            ))}
            {result.validation.warnings.map((w) => (
              <li key={w.code} className="flex gap-2 text-warning">
                <Icon name="alert" size={16} label="Warning" />
                {w.message}
              </li>
            ))}
            {result.validation.ok && !result.validation.warnings.length ? (
              <li className="flex gap-2 text-success">
                <Icon name="checkCircle" size={16} label="Passed" />
                Every check passed: Entra ID accepts this certificate as an application credential.
              </li>
            ) : null}
          </ul>
          {result.existing ? (
            <Alert tone="info">
              Already in the inventory{result.existing.hasPrivateKey ? ' with its private key' : ''}.
            </Alert>
          ) : null}
          {onAdded && result.existing && (result.existing.hasPrivateKey || !result.hasPrivateKey) ? (
            <Button variant="primary" onClick={() => onAdded(result.existing!.id)}>
              Use this certificate
            </Button>
          ) : null}
          {onAdded && result.existing && (result.existing.hasPrivateKey || !result.hasPrivateKey) ? null : (
            <Button
              variant="primary"
              onClick={save}
              disabled={
                !result.validation.ok ||
                saving ||
                checking ||
                Boolean(result.existing && (result.existing.hasPrivateKey || !result.hasPrivateKey))
              }
            >
              {saving ? 'Saving…' : result.existing ? 'Attach private key' : 'Add to inventory'}
            </Button>
          )}
        </div>
      ) : null}
    </form>
  );
}
