import type { Metadata } from 'next';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { pageContext } from '@/lib/auth/context';
import { getNotificationSettingsFor } from '@/lib/notifications/notification-settings';
import { NOTIFICATION_KINDS } from '@/lib/notifications/notification-event';
import { notificationChannelStatus } from '@/lib/notifications/update-notification-settings';
import { NotificationForm, TestNotificationButton } from './_components/notification-form';

export const metadata: Metadata = { title: 'Notifications · Settings · Rekey' };

const EVENT_TEXT: Record<(typeof NOTIFICATION_KINDS)[number], { label: string; hint: string }> = {
  'campaign.finished': { label: 'Campaign finished', hint: 'Completed or cancelled, with its totals.' },
  'campaign.paused': { label: 'Campaign paused', hint: 'A wave gate tripped or someone paused it.' },
  'rotation.needs_attention': { label: 'Rotation needs attention', hint: 'A rotation waits for an admin.' },
  'compromise.detected': { label: 'Compromise detected', hint: 'Connectors found on a compromised certificate.' },
  'drift.detected': { label: 'Drift detected', hint: 'Unknown credentials appeared on a connector.' },
  'certificate.expiring': { label: 'Certificate expiring', hint: 'Certificates in use close to expiry.' },
};

export default async function NotificationSettingsPage() {
  const ctx = await pageContext('admin');
  const [settings, status] = [await getNotificationSettingsFor(ctx), notificationChannelStatus()];
  const channel = (c: { configured: boolean; host: string | null; error: string | null }, envName: string) => (
    <div className="space-y-1 text-sm">
      <div className="flex items-center gap-2">
        <code className="font-mono text-xs">{envName}</code>
        {c.error ? (
          <Badge tone="danger">Invalid</Badge>
        ) : c.configured ? (
          <Badge tone="success">Configured</Badge>
        ) : (
          <Badge tone="neutral">Not set</Badge>
        )}
      </div>
      <p className="text-xs text-fg-muted">
        {c.error
          ? c.error
          : c.configured
            ? `Sends through ${c.host}. The value itself is never shown.`
            : 'Set it in the server environment to use this channel.'}
      </p>
    </div>
  );
  return (
    <>
      <PageHeader
        title="Notifications"
        description="Who hears about campaigns, rotations that need attention, compromises, drift and expiring certificates."
        breadcrumbs={[{ href: '/settings', label: 'Settings' }]}
      />
      <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_20rem]">
        <Card>
          <CardHeader>
            <CardTitle>What to send where</CardTitle>
          </CardHeader>
          <CardBody>
            <NotificationForm
              values={{
                email: settings.email,
                webhook: settings.webhook,
                events: settings.events,
                dashboardUrl: settings.dashboardUrl ?? '',
              }}
              events={NOTIFICATION_KINDS.map((k) => ({ kind: k, ...EVENT_TEXT[k] }))}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Channels</CardTitle>
            <CardDescription>Secrets come from the server&apos;s environment only.</CardDescription>
          </CardHeader>
          <CardBody className="space-y-5">
            <section aria-label="Email channel" className="space-y-2">
              {channel(status.email, 'REKEY_SMTP_URL')}
              <TestNotificationButton channel="email" disabled={!status.email.configured} />
            </section>
            <section aria-label="Webhook channel" className="space-y-2">
              {channel(status.webhook, 'REKEY_NOTIFY_WEBHOOK_URL')}
              <TestNotificationButton channel="webhook" disabled={!status.webhook.configured} />
            </section>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
