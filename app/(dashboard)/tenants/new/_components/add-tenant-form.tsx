'use client';

import Link from 'next/link';
import { useActionState, useTransition, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CodeBlock } from '@/components/ui/code-block';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import type { ActionResult } from '@/lib/auth/action';
import { addTenantAction } from '../../actions';
import { ConsentCheckButton } from '../../[id]/_components/consent-check-button';

type Result = ActionResult<{
  id: string;
  displayName: string;
  entraTenantId: string;
  consentUrl: string | null;
}> | null;

/** Add one tenant by its id (GUID) or a verified domain, then hand its administrator the consent link. */
export function AddTenantForm({ regions, groups }: { regions: string[]; groups: string[] }) {
  const [, startTransition] = useTransition();
  const [state, action, pending] = useActionState<Result, FormData>(
    addTenantAction as (p: Result, f: FormData) => Promise<Result>,
    null,
  );
  const fe = state && !state.ok ? (state.error.fieldErrors ?? {}) : {};
  return (
    <div className="space-y-4">
      <form
        onSubmit={(e: FormEvent<HTMLFormElement>) => {
          e.preventDefault();
          const fd = new FormData(e.currentTarget);
          startTransition(() => action(fd));
        }}
        className="space-y-4"
        aria-label="Add one tenant"
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            id="add-tenant"
            label="Tenant id or domain"
            required
            hint="The directory (tenant) id, e.g. 72f988bf-…, or a domain such as contoso.onmicrosoft.com."
            error={fe.tenant?.join(' ')}
          >
            {(p) => <Input {...p} name="tenant" autoComplete="off" spellCheck={false} />}
          </Field>
          <Field id="add-name" label="Name" hint="Defaults to the domain or id." error={fe.name?.join(' ')}>
            {(p) => <Input {...p} name="name" />}
          </Field>
          <Field
            id="add-region"
            label="Region"
            hint={regions.length ? `Known: ${regions.join(', ')}` : 'Defaults to “global”.'}
            error={fe.region?.join(' ')}
          >
            {(p) => <Input {...p} name="region" list="tenant-regions" />}
          </Field>
          <Field
            id="add-group"
            label="Group"
            hint="Optional, e.g. a customer segment; roles can be scoped to groups."
            error={fe.group?.join(' ')}
          >
            {(p) => <Input {...p} name="group" list="tenant-groups" />}
          </Field>
          <datalist id="tenant-regions">
            {regions.map((r) => (
              <option key={r} value={r} />
            ))}
          </datalist>
          <datalist id="tenant-groups">
            {groups.map((g) => (
              <option key={g} value={g} />
            ))}
          </datalist>
        </div>
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? 'Adding…' : 'Add tenant'}
        </Button>
      </form>
      {state && !state.ok ? (
        <Alert tone="danger" title="The tenant was not added">
          {state.error.message}
        </Alert>
      ) : null}
      {state?.ok ? (
        <div className="space-y-3">
          <Alert tone="success" title={`Tenant added: ${state.data.displayName}`}>
            <p>
              Directory id {state.data.entraTenantId}. <Link href={`/tenants/${state.data.id}`}>Open the tenant</Link>.
              Next: its Global Administrator consents Rekey&apos;s management app with the link below, then check
              consent.
            </p>
          </Alert>
          {state.data.consentUrl ? <CodeBlock code={state.data.consentUrl} title="Admin consent link" wrap /> : null}
          <ConsentCheckButton tenantId={state.data.id} />
        </div>
      ) : null}
    </div>
  );
}
