import type { Metadata } from 'next';
import { PageHeader } from '@/components/shell/page-header';
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { pageContext } from '@/lib/auth/context';
import { getDetectionSettings } from '@/lib/detection/detection-settings';
import { SettingsForm } from './_components/settings-form';
import { updateStatusPolicyAction } from './actions';

export const metadata: Metadata = { title: 'Status policy · Settings' };

type PolicyNumber = 'expiringWithinDays' | 'maxAgeDays' | 'maxScanAgeHours';

interface NumberFieldProps {
  id: string;
  name: PolicyNumber;
  label: string;
  hint: string;
  min: number;
  max: number;
}

/** The policy's whole-number thresholds, in the order the form shows them. */
const POLICY_FIELDS: NumberFieldProps[] = [
  {
    id: 'policy-expiring',
    name: 'expiringWithinDays',
    label: 'Expiring window (days)',
    hint: 'Expiring when the certificate ends within this many days.',
    min: 0,
    max: 3650,
  },
  {
    id: 'policy-maxage',
    name: 'maxAgeDays',
    label: 'Maximum age (days)',
    hint: 'Stale when the certificate is older than this (since its start date).',
    min: 1,
    max: 36500,
  },
  {
    id: 'policy-maxscanage',
    name: 'maxScanAgeHours',
    label: 'Maximum scan age (hours)',
    hint: 'A tenant whose last successful scan is older than this is “Not scanned recently”.',
    min: 1,
    max: 8760,
  },
];

function NumberField({ id, name, label, hint, min, max, value }: NumberFieldProps & { value: number }) {
  return (
    <Field id={id} label={label} required hint={hint}>
      {(p) => <Input {...p} name={name} type="number" min={min} max={max} step={1} defaultValue={value} />}
    </Field>
  );
}

export default async function StatusPolicyPage() {
  const ctx = await pageContext('admin');
  const { policy } = await getDetectionSettings(ctx);
  return (
    <>
      <PageHeader
        title="Status policy"
        breadcrumbs={[{ href: '/settings', label: 'Settings' }]}
        description="When a connector's certificate counts as expiring or stale, and a tenant as not scanned recently. Saving re-classifies every connector and says how many changed."
      />
      <Card className="max-w-2xl">
        <CardHeader>
          <CardTitle>Thresholds</CardTitle>
          <CardDescription>
            Compromised, targeted, expired and drift do not depend on these: they always win.
          </CardDescription>
        </CardHeader>
        <CardBody>
          <SettingsForm
            action={updateStatusPolicyAction}
            submitLabel="Save and re-classify"
            pendingLabel="Re-classifying connectors…"
            label="Status policy"
          >
            <div className="grid gap-4 sm:grid-cols-2">
              {POLICY_FIELDS.map((f) => (
                <NumberField key={f.name} {...f} value={policy[f.name]} />
              ))}
            </div>
          </SettingsForm>
        </CardBody>
      </Card>
    </>
  );
}
