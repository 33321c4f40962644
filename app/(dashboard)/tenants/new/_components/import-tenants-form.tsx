'use client';

import Link from 'next/link';
import { useActionState, useState, useTransition, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { CopyButton } from '@/components/ui/copy-button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Table, TableContainer, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { Textarea } from '@/components/ui/textarea';
import type { Tone } from '@/components/ui/tone';
import type { ActionResult } from '@/lib/auth/action';
import { formatSize, LIMITS, oversizeFields } from '@/lib/limits';
import { importTenantsAction } from '../../actions';

type RowStatus = 'ok' | 'invalid' | 'duplicate' | 'unknown_domain' | 'already_onboarded';
type Report = {
  ok: boolean;
  imported: number;
  fileError: string | null;
  dryRun: boolean;
  rows: {
    line: number;
    tenant: string;
    name: string;
    status: RowStatus;
    entraTenantId: string | null;
    messages: string[];
  }[];
  tenantIds: string[];
  consentUrls: { id: string; url: string | null }[];
};
type Result = ActionResult<Report> | null;

const STATUS: Record<RowStatus, { label: string; tone: Tone }> = {
  ok: { label: 'OK', tone: 'success' },
  invalid: { label: 'Invalid', tone: 'danger' },
  duplicate: { label: 'Duplicate', tone: 'warning' },
  unknown_domain: { label: 'Unknown domain', tone: 'danger' },
  already_onboarded: { label: 'Already onboarded', tone: 'caution' },
};

const EXAMPLE =
  'tenant,name,region,group\ncontoso.onmicrosoft.com,Contoso Ltd,EU,EU customers\n72f988bf-86f1-41af-91ab-2d7cd011db47,Fabrikam,US,';

function Summary({ r }: { r: Report }) {
  if (r.fileError)
    return (
      <Alert tone="danger" title="Nothing was imported">
        {r.fileError}
      </Alert>
    );
  const bad = r.rows.filter((x) => x.status !== 'ok');
  if (bad.length) {
    return (
      <Alert
        tone="danger"
        title={`Nothing was imported: ${bad.length} of ${r.rows.length} row${r.rows.length === 1 ? '' : 's'} ${bad.length === 1 ? 'has a problem' : 'have problems'}`}
      >
        <ul className="list-disc pl-5">
          {bad.slice(0, 10).map((x) => (
            <li key={x.line}>
              Line {x.line}: {x.messages.join('; ')}
            </li>
          ))}
          {bad.length > 10 ? <li>… and {bad.length - 10} more (see the table)</li> : null}
        </ul>
        <p className="mt-1">
          {bad.length === r.rows.length
            ? 'No row can be imported as it is: fix them and import the file again.'
            : `Fix these rows and import the file again; the other ${r.rows.length - bad.length} row${r.rows.length - bad.length === 1 ? ' is' : 's are'} fine.`}
        </p>
      </Alert>
    );
  }
  if (r.dryRun)
    return (
      <Alert tone="success" title="Every row passed the check">
        {r.rows.length} tenant{r.rows.length === 1 ? '' : 's'} would be imported. Nothing was written (check only).
      </Alert>
    );
  return (
    <Alert tone="success" title={`Imported ${r.imported} tenant${r.imported === 1 ? '' : 's'}`}>
      Each tenant&apos;s Global Administrator now consents Rekey&apos;s management app with the link below; then check
      consent on the tenant&apos;s page.
    </Alert>
  );
}

/** Bulk onboarding from CSV: every row is checked first; any bad row means nothing is written. */
export function ImportTenantsForm() {
  const [, startTransition] = useTransition();
  // Checked before anything is sent (lib/limits.ts); the server checks the same limit again.
  const [tooLarge, setTooLarge] = useState<Record<string, string[]> | null>(null);
  const [state, action, pending] = useActionState<Result, FormData>(
    importTenantsAction as (p: Result, f: FormData) => Promise<Result>,
    null,
  );
  const report = state?.ok ? state.data : null;
  const serverErrors = state && !state.ok ? state.error.fieldErrors : undefined;
  const linkFor = new Map(report?.consentUrls.map((c) => [c.id, c.url]) ?? []);
  return (
    <div className="space-y-4">
      <form
        onSubmit={(e: FormEvent<HTMLFormElement>) => {
          e.preventDefault();
          const fd = new FormData(e.currentTarget);
          const oversize = oversizeFields(fd, { csv: 'csv', file: 'csv' });
          setTooLarge(oversize);
          if (oversize) return;
          startTransition(() => action(fd));
        }}
        className="space-y-4"
        aria-label="Import tenants from CSV"
      >
        <Field
          id="import-csv"
          label="CSV"
          hint={
            <>
              Columns <code>tenant,name,region,group</code> (region and group optional); <code>tenant</code> is a tenant
              id or a domain. Or choose a file below.
            </>
          }
          error={tooLarge?.csv?.join(' ') ?? serverErrors?.csv?.join(' ')}
        >
          {(p) => (
            <Textarea
              {...p}
              name="csv"
              rows={6}
              spellCheck={false}
              className="font-mono text-xs"
              placeholder={EXAMPLE}
            />
          )}
        </Field>
        <Field
          id="import-file"
          label="CSV file"
          hint={`Up to 10,000 rows, ${formatSize(LIMITS.csv)}. A file replaces the text above.`}
          error={tooLarge?.file?.join(' ') ?? serverErrors?.file?.join(' ')}
        >
          {(p) => <Input {...p} name="file" type="file" accept=".csv,text/csv,text/plain" className="h-auto py-1" />}
        </Field>
        <Checkbox
          name="dryRun"
          label="Check only (dry run)"
          hint="Validate every row and resolve domains without importing anything."
        />
        <div>
          <Button type="submit" variant="primary" disabled={pending}>
            {pending ? 'Checking rows…' : 'Import tenants'}
          </Button>
        </div>
      </form>
      {state && !state.ok ? (
        <Alert tone="danger" title="Nothing was imported">
          {state.error.message}
          {state.error.fieldErrors ? ` ${Object.values(state.error.fieldErrors).flat().join(' ')}` : ''}
        </Alert>
      ) : null}
      {report ? (
        <section aria-label="Import report" className="min-w-0 space-y-3">
          <Summary r={report} />
          {report.rows.length ? (
            <TableContainer label="Per-row results" maxHeight="28rem">
              <Table>
                <caption className="sr-only">Per-row import report</caption>
                <THead>
                  <TR>
                    <TH align="right">Line</TH>
                    <TH>Tenant</TH>
                    <TH>Name</TH>
                    <TH>Result</TH>
                    <TH>Details</TH>
                  </TR>
                </THead>
                <TBody>
                  {report.rows.map((r) => {
                    const created = report.tenantIds[report.rows.indexOf(r)];
                    const url = created ? linkFor.get(created) : null;
                    return (
                      <TR key={r.line}>
                        <TD align="right">{r.line}</TD>
                        <TD className="font-mono text-xs">{r.tenant || '—'}</TD>
                        <TD>
                          {created ? (
                            <Link className="underline" href={`/tenants/${created}`}>
                              {r.name}
                            </Link>
                          ) : (
                            r.name || '—'
                          )}
                        </TD>
                        <TD>
                          <Badge tone={STATUS[r.status].tone}>{STATUS[r.status].label}</Badge>
                        </TD>
                        <TD className="text-xs text-fg-muted">
                          {r.messages.length
                            ? r.messages.join('; ')
                            : r.entraTenantId
                              ? `Tenant id ${r.entraTenantId}`
                              : ''}
                          {url ? <CopyButton text={url} label="Copy consent link" className="ml-2" /> : null}
                        </TD>
                      </TR>
                    );
                  })}
                </TBody>
              </Table>
            </TableContainer>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
