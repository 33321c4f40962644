import type { Metadata } from 'next';
import { PageHeader } from '@/components/shell/page-header';
import { Alert } from '@/components/ui/alert';
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Textarea } from '@/components/ui/textarea';
import { pageContext } from '@/lib/auth/context';
import { getDetectionSettings } from '@/lib/detection/detection-settings';
import { SettingsForm } from '../policy/_components/settings-form';
import { updateVendorCidrsAction } from './actions';

export const metadata: Metadata = { title: 'Detection · Settings' };

export default async function DetectionSettingsPage() {
  const ctx = await pageContext('admin');
  const { vendorCidrs } = await getDetectionSettings(ctx);
  return (
    <>
      <PageHeader
        title="Detection"
        breadcrumbs={[{ href: '/settings', label: 'Settings' }]}
        description="The vendor's known egress addresses. A compromised credential used from anywhere else marks its connector Targeted."
      />
      <Card className="max-w-2xl">
        <CardHeader>
          <CardTitle>Vendor egress ranges</CardTitle>
          <CardDescription>
            IPv4 or IPv6 addresses and CIDR ranges, one per line. Lines starting with # are comments.
          </CardDescription>
        </CardHeader>
        <CardBody className="space-y-4">
          {vendorCidrs.length === 0 ? (
            <Alert tone="warning" live="none" title="No vendor ranges">
              Every sign-in with a compromised credential counts as coming from an unknown address.
            </Alert>
          ) : null}
          <SettingsForm
            action={updateVendorCidrsAction}
            submitLabel="Save and re-classify"
            pendingLabel="Re-classifying connectors…"
            label="Vendor egress ranges"
          >
            <Field
              id="vendor-cidrs"
              label="Ranges"
              hint="Ask the vendor for the addresses their service signs in from. Saving re-classifies every connector."
            >
              {(p) => (
                <Textarea
                  {...p}
                  name="cidrs"
                  rows={8}
                  spellCheck={false}
                  className="font-mono text-xs"
                  defaultValue={vendorCidrs.join('\n')}
                />
              )}
            </Field>
          </SettingsForm>
        </CardBody>
      </Card>
    </>
  );
}
