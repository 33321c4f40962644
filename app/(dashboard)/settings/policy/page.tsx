import type { Metadata } from 'next';
import { PageHeader } from '@/components/shell/page-header';
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { pageContext } from '@/lib/auth/context';
import { loadDetectionSettings } from '@/lib/detection/detection-settings';
import { SettingsForm } from './_components/settings-form';
import { updateStatusPolicyAction } from './actions';

export const metadata: Metadata = { title: 'Status policy · Settings' };

export default async function StatusPolicyPage() {
  const { db } = await pageContext('admin');
  const { policy } = await loadDetectionSettings(db);
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
              <Field
                id="policy-expiring"
                label="Expiring window (days)"
                required
                hint="Expiring when the certificate ends within this many days."
              >
                {(p) => (
                  <Input
                    {...p}
                    name="expiringWithinDays"
                    type="number"
                    min={0}
                    max={3650}
                    step={1}
                    defaultValue={policy.expiringWithinDays}
                  />
                )}
              </Field>
              <Field
                id="policy-maxage"
                label="Maximum age (days)"
                required
                hint="Stale when the certificate is older than this (since its start date)."
              >
                {(p) => (
                  <Input
                    {...p}
                    name="maxAgeDays"
                    type="number"
                    min={1}
                    max={36500}
                    step={1}
                    defaultValue={policy.maxAgeDays}
                  />
                )}
              </Field>
              <Field
                id="policy-maxscanage"
                label="Maximum scan age (hours)"
                required
                hint="A tenant whose last successful scan is older than this is “Not scanned recently”."
              >
                {(p) => (
                  <Input
                    {...p}
                    name="maxScanAgeHours"
                    type="number"
                    min={1}
                    max={8760}
                    step={1}
                    defaultValue={policy.maxScanAgeHours}
                  />
                )}
              </Field>
            </div>
          </SettingsForm>
        </CardBody>
      </Card>
    </>
  );
}
