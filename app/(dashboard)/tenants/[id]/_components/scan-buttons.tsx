'use client';

import { useActionState, useEffect } from 'react';
import { useRouter } from 'next/navigation';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/action';
import { scanSignInsAction, scanTenantAction } from '../../actions';

type ScanResult = ActionResult<{
  connectors: number;
  created: number;
  updated: number;
  missing: number;
  credentials: number;
  certificatesDiscovered: number;
  driftedConnectors: number;
  changes: { displayName: string; change: string }[];
}> | null;
type SignInResult = ActionResult<{
  state: string;
  detail: string | null;
  signInsRead: number;
  evidenceStored: number;
  unknownAddressUses: number;
  nonCertificateSignIns: number;
}> | null;

const CHANGE: Record<string, string> = {
  new: 'new',
  credentials_changed: 'credentials changed',
  missing: 'gone from the tenant',
  returned: 'back in the tenant',
};

/** "Scan now": discovery (connectors and their credentials) plus the drift check, then the summary. */
export function ScanNowButton({ tenantId }: { tenantId: string }) {
  const router = useRouter();
  const [state, action, pending] = useActionState<ScanResult, FormData>(
    scanTenantAction as (p: ScanResult, f: FormData) => Promise<ScanResult>,
    null,
  );
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="tenantId" value={tenantId} />
      <Button type="submit" size="sm" disabled={pending}>
        {pending ? 'Scanning the tenant…' : 'Scan now'}
      </Button>
      <div aria-live="polite">
        {state?.ok ? (
          <Alert tone={state.data.driftedConnectors ? 'warning' : 'success'} title="Scan finished" live="none">
            <p>
              {state.data.connectors} connector{state.data.connectors === 1 ? '' : 's'} found ({state.data.created} new,{' '}
              {state.data.missing} missing), {state.data.credentials} credential
              {state.data.credentials === 1 ? '' : 's'}, {state.data.certificatesDiscovered} certificate
              {state.data.certificatesDiscovered === 1 ? '' : 's'} new to the inventory, {state.data.driftedConnectors}{' '}
              with drift.
            </p>
            {state.data.changes.length ? (
              <ul className="mt-1 list-disc pl-5">
                {state.data.changes.slice(0, 10).map((c, i) => (
                  <li key={i}>
                    {c.displayName}: {CHANGE[c.change] ?? c.change}
                  </li>
                ))}
              </ul>
            ) : null}
          </Alert>
        ) : null}
        {state && !state.ok ? (
          <Alert tone="danger" title="The scan failed" live="none">
            {state.error.message}
          </Alert>
        ) : null}
      </div>
    </form>
  );
}

/** "Read sign-in logs": fetches the connector apps' service-principal sign-ins and classifies them. */
export function ScanSignInsButton({ tenantId }: { tenantId: string }) {
  const router = useRouter();
  const [state, action, pending] = useActionState<SignInResult, FormData>(
    scanSignInsAction as (p: SignInResult, f: FormData) => Promise<SignInResult>,
    null,
  );
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="tenantId" value={tenantId} />
      <Button type="submit" variant="secondary" size="sm" disabled={pending}>
        {pending ? 'Reading sign-in logs…' : 'Read sign-in logs'}
      </Button>
      <div aria-live="polite">
        {state?.ok ? (
          state.data.state === 'available' ? (
            <p className="text-sm text-fg-muted">
              {state.data.signInsRead} sign-ins read, {state.data.evidenceStored} stored as evidence,{' '}
              {state.data.unknownAddressUses} compromised-credential use{state.data.unknownAddressUses === 1 ? '' : 's'}{' '}
              from unknown addresses.
              {state.data.nonCertificateSignIns > 0 ? (
                <strong className="block text-danger">
                  {state.data.nonCertificateSignIns} sign-in{state.data.nonCertificateSignIns === 1 ? '' : 's'} of a
                  connector with a client secret or federated credential — a credential the vendor does not use. See the
                  evidence below.
                </strong>
              ) : null}
            </p>
          ) : (
            <p className="text-sm text-warning">{state.data.detail ?? 'Evidence unavailable.'}</p>
          )
        ) : null}
        {state && !state.ok ? <p className="text-sm text-danger">{state.error.message}</p> : null}
      </div>
    </form>
  );
}
