import type { Metadata } from 'next';
import { PageHeader } from '@/components/shell/page-header';
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Mono } from '@/components/ui/code-block';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import { pageContext } from '@/lib/auth/context';
import { formatNumber } from '@/lib/utils';
import { SettingsForm } from '../policy/_components/settings-form';
import { listConnectorTypes } from '@/lib/settings/save-connector-type';
import { saveConnectorTypeAction } from './actions';

export const metadata: Metadata = { title: 'Connector types · Settings' };

type TypeRow = {
  id: string;
  name: string;
  vendor: string;
  description: string;
  displayNamePattern: string | null;
  appId: string | null;
  requiredResourceAccess: unknown;
};

const EXAMPLE_PERMISSIONS =
  '[{"resourceAppId": "00000003-0000-0000-c000-000000000000", "resourceAccess": [{"id": "810c84a8-4a9e-49e6-bf7d-12d183f40d01", "type": "Role"}]}]';

function TypeFields({ t, prefix }: { t?: TypeRow; prefix: string }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {t ? <input type="hidden" name="id" value={t.id} /> : null}
      <Field id={`${prefix}-name`} label="Name" required>
        {(p) => <Input {...p} name="name" defaultValue={t?.name} maxLength={100} />}
      </Field>
      <Field id={`${prefix}-vendor`} label="Vendor">
        {(p) => <Input {...p} name="vendor" defaultValue={t?.vendor} maxLength={200} />}
      </Field>
      <Field
        id={`${prefix}-pattern`}
        label="Display-name pattern"
        hint="Matches app names, case-insensitive; * is a wildcard, e.g. “Mailbox Archive Sync*”."
      >
        {(p) => <Input {...p} name="displayNamePattern" defaultValue={t?.displayNamePattern ?? ''} maxLength={200} />}
      </Field>
      <Field
        id={`${prefix}-appid`}
        label="Or a fixed appId"
        hint="For a multi-tenant vendor app (a GUID). Takes precedence over patterns."
      >
        {(p) => (
          <Input
            {...p}
            name="appId"
            defaultValue={t?.appId ?? ''}
            maxLength={36}
            spellCheck={false}
            className="font-mono"
          />
        )}
      </Field>
      <Field id={`${prefix}-description`} label="Description" className="sm:col-span-2">
        {(p) => <Input {...p} name="description" defaultValue={t?.description} maxLength={1000} />}
      </Field>
      <Field
        id={`${prefix}-rra`}
        label="Required permissions (JSON)"
        className="sm:col-span-2"
        hint="Graph requiredResourceAccess: what a re-established connection must be granted again."
      >
        {(p) => (
          <Textarea
            {...p}
            name="requiredResourceAccess"
            rows={4}
            spellCheck={false}
            className="font-mono text-xs"
            defaultValue={t ? JSON.stringify(t.requiredResourceAccess, null, 2) : '[]'}
            placeholder={EXAMPLE_PERMISSIONS}
          />
        )}
      </Field>
    </div>
  );
}

export default async function ConnectorTypesPage() {
  const types = await listConnectorTypes(await pageContext('admin'));
  return (
    <>
      <PageHeader
        title="Connector types"
        breadcrumbs={[{ href: '/settings', label: 'Settings' }]}
        description="The vendor connectors Rekey looks for in each tenant, and the permissions a re-established connection must get again."
      />
      <div className="space-y-4">
        {types.length === 0 ? (
          <EmptyState
            title="No connector types"
            description="Add one below; discovery finds nothing without them."
            icon="plug"
          />
        ) : null}
        {types.map((t) => (
          <Card key={t.id}>
            <CardHeader>
              <CardTitle>{t.name}</CardTitle>
              <CardDescription>
                {t.vendor || 'No vendor'} · matches{' '}
                {t.appId ? (
                  <>
                    appId <Mono>{t.appId}</Mono>
                  </>
                ) : (
                  <>
                    names like <Mono>{t.displayNamePattern ?? ''}</Mono>
                  </>
                )}{' '}
                · {formatNumber(t._count.connectors)} connector{t._count.connectors === 1 ? '' : 's'}
              </CardDescription>
            </CardHeader>
            <CardBody>
              <details>
                <summary className="cursor-pointer text-sm font-medium text-fg">Edit {t.name}</summary>
                <div className="pt-4">
                  <SettingsForm action={saveConnectorTypeAction} submitLabel="Save" label={`Edit ${t.name}`}>
                    <TypeFields t={t} prefix={`ct-${t.id}`} />
                  </SettingsForm>
                </div>
              </details>
            </CardBody>
          </Card>
        ))}
        <Card>
          <CardHeader>
            <CardTitle>Add a connector type</CardTitle>
            <CardDescription>The next scan of each tenant discovers the matching apps.</CardDescription>
          </CardHeader>
          <CardBody>
            <SettingsForm
              action={saveConnectorTypeAction}
              submitLabel="Add connector type"
              label="Add a connector type"
              resetOnSuccess
            >
              <TypeFields prefix="ct-new" />
            </SettingsForm>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
