'use client';

import { useActionState, useRef, useState, useTransition, type DragEvent } from 'react';
import { useRouter } from 'next/navigation';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { DescriptionList } from '@/components/ui/description-list';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Icon } from '@/components/ui/icon';
import { Mono } from '@/components/ui/code-block';
import type { ActionResult } from '@/lib/auth/action';
import type { InspectionResult } from '@/lib/certificates/certificate-views';
import { cn } from '@/components/ui/cn';
import { importCertificateAction, inspectCertificateAction } from '../actions';

type Inspect = ActionResult<InspectionResult> | null;

/**
 * Drag-and-drop or pick a file → the server parses and validates it (nothing stored) → the admin
 * sees the facts and every check → "Add to inventory" sends the same file again to be stored.
 */
export function CertificateUpload({ regions }: { regions: string[] }) {
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, startSaving] = useTransition();
  const formRef = useRef<HTMLFormElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [inspection, inspect, inspecting] = useActionState<Inspect, FormData>(
    inspectCertificateAction as (p: Inspect, f: FormData) => Promise<Inspect>,
    null,
  );

  function choose(f: File | null) {
    setFile(f);
    setSaveError(null);
    if (f && inputRef.current) {
      const dt = new DataTransfer();
      dt.items.add(f);
      inputRef.current.files = dt.files;
    }
  }
  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    choose(e.dataTransfer.files[0] ?? null);
  }
  function save() {
    if (!formRef.current) return;
    const fd = new FormData(formRef.current);
    startSaving(async () => {
      const r = await importCertificateAction(null, fd);
      if (r.ok) router.push(`/certificates/${r.data.id}?created=1`);
      else setSaveError(r.error.message);
    });
  }
  const result = inspection?.ok ? inspection.data : null;
  const error = inspection && !inspection.ok ? inspection.error : null;

  return (
    <form ref={formRef} action={inspect} className="space-y-4" aria-describedby="upload-help">
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={cn(
          'flex flex-col items-center justify-center gap-2 rounded-lg border-2 border-dashed p-8 text-center',
          dragging ? 'border-accent bg-accent/5' : 'border-border',
        )}
      >
        <Icon name="upload" size={24} />
        <p id="upload-help" className="text-sm text-fg-muted">
          Drop the vendor&apos;s certificate here, or choose a file: .cer/.crt (PEM or DER), .pem with key, .pfx/.p12,
          .p7b. Up to 256 KiB.
        </p>
        <label className="cursor-pointer text-sm font-medium text-accent underline">
          Choose a file
          <input
            ref={inputRef}
            type="file"
            name="file"
            className="sr-only"
            accept=".cer,.crt,.pem,.der,.pfx,.p12,.p7b,.txt"
            onChange={(e) => choose(e.target.files?.[0] ?? null)}
          />
        </label>
        {file ? (
          <p className="text-sm">
            <span className="font-medium">{file.name}</span> · {(file.size / 1024).toFixed(1)} KiB
          </p>
        ) : null}
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field id="cert-password" label="PFX password" hint="Only for .pfx/.p12 files.">
          {(p) => <Input {...p} name="password" type="password" autoComplete="off" />}
        </Field>
        <Field id="cert-label" label="Label" hint="Optional, e.g. “Litware 2027 EU”.">
          {(p) => <Input {...p} name="label" />}
        </Field>
        <Field id="cert-region" label="Region" hint={regions.length ? `Known: ${regions.join(', ')}` : 'Optional.'}>
          {(p) => <Input {...p} name="region" list="cert-regions" />}
        </Field>
        <datalist id="cert-regions">
          {regions.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
      </div>
      <Button type="submit" variant="secondary" disabled={!file || inspecting}>
        {inspecting ? 'Checking…' : 'Check certificate'}
      </Button>

      {error ? (
        <Alert tone="danger" title="This file cannot be used" live="alert">
          {error.message}
        </Alert>
      ) : null}
      {result ? (
        <div className="space-y-3 rounded-lg border border-border p-4" aria-live="polite">
          <h2 className="text-base font-semibold">{result.leaf.subject}</h2>
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
          {saveError ? (
            <Alert tone="danger" live="alert">
              {saveError}
            </Alert>
          ) : null}
          <Button
            variant="primary"
            onClick={save}
            disabled={
              !result.validation.ok ||
              saving ||
              Boolean(result.existing && (result.existing.hasPrivateKey || !result.hasPrivateKey))
            }
          >
            {saving ? 'Saving…' : result.existing ? 'Attach private key' : 'Add to inventory'}
          </Button>
        </div>
      ) : null}
    </form>
  );
}
