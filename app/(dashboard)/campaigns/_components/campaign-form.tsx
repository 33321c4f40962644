'use client';

import { useActionState, useEffect, useRef } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select, type SelectOption } from '@/components/ui/select';
import { Table, TableContainer, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import type { ActionResult } from '@/lib/auth/action';
import { createCampaignAction } from '../actions';
import { DEFAULT_CUTOVER_WAIT_HOURS, MAX_CUTOVER_WAIT_HOURS } from '@/lib/rotation/machine';

type R = ActionResult<unknown> | null;

export type RegionRow = { region: string; eligible: number; skipped: number; defaultCertificateId: string };

export type CampaignFormProps = {
  /** The selection, posted as hidden fields (filters or fromCampaignId). */
  hidden: Record<string, string>;
  regions: RegionRow[];
  certificateOptions: SelectOption[];
  defaults: {
    name: string;
    mode: 'rotate' | 'reestablish';
    concurrency: number;
    canarySize: number;
    requiresApproval: boolean;
  };
  total: number;
  approvalThreshold: number;
};

/** The campaign plan: region → certificate, mode, concurrency, canary wave, deadline, approval. */
export function CampaignForm({
  hidden,
  regions,
  certificateOptions,
  defaults,
  total,
  approvalThreshold,
}: CampaignFormProps) {
  const [state, action, pending] = useActionState<R, FormData>(
    createCampaignAction as (p: R, f: FormData) => Promise<R>,
    null,
  );
  const err = state && !state.ok ? state.error : null;
  const fe = err?.fieldErrors ?? {};
  // The deadline is typed in the browser's time zone; the server gets the offset to convert it.
  const tzRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (tzRef.current) tzRef.current.value = String(new Date().getTimezoneOffset());
  }, []);
  const fleetWide = total > approvalThreshold;
  return (
    <form action={action} className="space-y-6" aria-label="Campaign plan">
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <input ref={tzRef} type="hidden" name="tzOffset" defaultValue="" />
      <Field id="camp-name" label="Name" required error={fe.name?.[0]}>
        {(p) => <Input {...p} name="name" required maxLength={200} defaultValue={defaults.name} />}
      </Field>

      <fieldset className="min-w-0 space-y-2">
        <legend className="text-sm font-medium">New certificate per region</legend>
        <p className="text-xs text-fg-muted">
          Each region&apos;s connectors move to the certificate mapped here. The default is the region&apos;s
          replacement certificate.
        </p>
        <TableContainer label="Region to certificate mapping">
          <Table>
            <THead>
              <tr>
                <TH>Region</TH>
                <TH align="right">Connectors</TH>
                <TH>Certificate</TH>
              </tr>
            </THead>
            <TBody>
              {regions.map((r) => (
                <TR key={r.region}>
                  <TD className="font-medium">{r.region}</TD>
                  <TD align="right">
                    {r.eligible}
                    {r.skipped ? <span className="text-fg-muted"> (+{r.skipped} skipped)</span> : null}
                  </TD>
                  <TD>
                    <label className="sr-only" htmlFor={`cert-${r.region}`}>
                      Certificate for {r.region}
                    </label>
                    <Select
                      id={`cert-${r.region}`}
                      name={`cert:${r.region}`}
                      defaultValue={r.defaultCertificateId}
                      options={[{ value: '', label: 'Choose a certificate…' }, ...certificateOptions]}
                      className="min-w-72"
                    />
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </TableContainer>
      </fieldset>

      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Field
          id="camp-mode"
          label="Mode"
          hint="Re-establish removes the old credential first (for targeted tenants)."
          error={fe.mode?.[0]}
        >
          {(p) => (
            <Select
              {...p}
              name="mode"
              defaultValue={defaults.mode}
              options={[
                { value: 'rotate', label: 'Rotate (add new, then remove old)' },
                { value: 'reestablish', label: 'Re-establish (delete first)' },
              ]}
            />
          )}
        </Field>
        <Field id="camp-concurrency" label="Concurrency" hint="Rotations running at once." error={fe.concurrency?.[0]}>
          {(p) => (
            <Input {...p} name="concurrency" type="number" min={1} max={500} defaultValue={defaults.concurrency} />
          )}
        </Field>
        <Field
          id="camp-canary"
          label="Canary wave size"
          hint="Connectors in the first wave; 0 = a single wave. A failure in the canary pauses the campaign."
          error={fe.canarySize?.[0]}
        >
          {(p) => (
            <Input {...p} name="canarySize" type="number" min={0} max={100000} defaultValue={defaults.canarySize} />
          )}
        </Field>
        <Field
          id="camp-deadline"
          label="Deadline (optional)"
          hint="Your local time. Shown as at-risk when the ETA passes it."
          error={fe.deadline?.[0]}
        >
          {(p) => <Input {...p} name="deadline" type="datetime-local" />}
        </Field>
      </div>

      <div className="grid gap-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Checkbox
          name="cutoverWait"
          defaultChecked
          label="Rotate key: keep each old key until the vendor’s service uses the new one"
          hint="Rekey watches the sign-in logs for the new key from the vendor’s addresses (or someone confirms on the rotation’s page). Compromised or targeted connectors never wait: their old key goes at once."
        />
        <Field id="camp-cutover-hours" label="Remove the old key anyway after (hours)" error={fe.cutoverWaitHours?.[0]}>
          {(p) => (
            <Input
              {...p}
              name="cutoverWaitHours"
              type="number"
              min={1}
              max={MAX_CUTOVER_WAIT_HOURS}
              defaultValue={DEFAULT_CUTOVER_WAIT_HOURS}
            />
          )}
        </Field>
      </div>

      <Checkbox
        name="requiresApproval"
        defaultChecked={defaults.requiresApproval || fleetWide}
        disabled={fleetWide}
        label="Require approval by a second admin before it can start"
        hint={
          fleetWide
            ? `Required: the selection has more than ${approvalThreshold} connectors.`
            : 'Optional for selections of up to ' + approvalThreshold + ' connectors.'
        }
      />

      {err && !err.fieldErrors ? (
        <Alert tone="danger" live="alert">
          {err.message}
        </Alert>
      ) : err ? (
        <Alert tone="danger" live="alert">
          Some fields are not valid.
        </Alert>
      ) : null}
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" disabled={pending || total === 0}>
          {pending ? 'Creating…' : 'Create campaign'}
        </Button>
        <span className="text-sm text-fg-muted">Nothing runs until you start it.</span>
      </div>
    </form>
  );
}
