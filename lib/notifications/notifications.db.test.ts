import { closeMailPools } from '@/lib/notifications/send-mail';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { db, directTransaction } from '@/lib/db';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { buildCertificate, buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';
import { checkExpiringCertificates } from '@/lib/notifications/check-expiring-certificates';
import type { NotificationEvent } from '@/lib/notifications/notification-event';
import { notificationSendJob, type NotificationSendInput } from '@/lib/notifications/notification-send.job';
import { NOTIFICATION_SETTING_KEY, type NotificationSettingsInput } from '@/lib/notifications/notification-settings';
import { notify } from '@/lib/notifications/notify';
import { notifyRotationNeedsAttention } from '@/lib/notifications/notify-rotation-needs-attention';
import { notifyStatusTransitions } from '@/lib/notifications/notify-status-transitions';
import { sendNotification } from '@/lib/notifications/send-notification';
import { sendTestNotification } from '@/lib/notifications/send-test-notification';
import {
  notificationChannelStatus,
  updateNotificationSettings,
} from '@/lib/notifications/update-notification-settings';
import { principal } from '@/lib/campaigns/testing/campaign-fixture';
import { startSmtpSink, startWebhookReceiver, type SmtpSink, type WebhookReceiver } from '@/lib/testing/test-servers';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const now = new Date('2026-12-01T12:00:00Z');
let sink: SmtpSink;
let hook: WebhookReceiver;
let env: Record<string, string>;

async function configure(s: NotificationSettingsInput) {
  await db.setting.upsert({
    where: { key: NOTIFICATION_SETTING_KEY },
    update: { value: s as never },
    create: { key: NOTIFICATION_SETTING_KEY, value: s as never },
  });
}
async function queued(): Promise<NotificationSendInput[]> {
  const rows = await db.$queryRaw<
    { data: NotificationSendInput }[]
  >`SELECT data FROM pgboss.job WHERE name = 'notification.send' ORDER BY created_on, data->>'channel'`;
  return rows.map((r) => r.data);
}
/** What the worker would do: run each queued job's handler (with the test env), then drop them. */
async function deliverQueued() {
  for (const j of await queued()) await sendNotification(j.channel, j.event, { env });
  await db.$executeRaw`DELETE FROM pgboss.job WHERE name = 'notification.send'`;
}

const finished: NotificationEvent = {
  kind: 'campaign.finished',
  campaignId: '00000000-0000-4000-8000-000000000001',
  name: 'Leak',
  state: 'FINISHED',
  totals: { SUCCEEDED: 5, FAILED: 1, SKIPPED: 0, CANCELLED: 0 },
};

beforeAll(async () => {
  sink = await startSmtpSink();
  hook = await startWebhookReceiver();
  env = { REKEY_SMTP_URL: `smtp://rekey:pw@127.0.0.1:${sink.port}`, REKEY_NOTIFY_WEBHOOK_URL: hook.url };
});
afterAll(async () => {
  closeMailPools();
  await closeJobQueues();
  await sink.close();
  await hook.close();
});
beforeEach(async () => {
  sink.messages.length = 0;
  hook.received.length = 0;
  await db.$executeRaw`DELETE FROM pgboss.job WHERE name = 'notification.send'`.catch(() => undefined);
});

describe('notify', () => {
  it('records nothing when no channel is enabled', async () => {
    await configure({});
    expect(await db.$transaction((tx) => notify(tx, finished, now))).toEqual([]);
  });

  it('queues one job per enabled channel in the caller’s transaction, and none when it rolls back', async () => {
    await configure({
      email: { enabled: true, from: 'rekey@example.test', to: ['sec@example.test'] },
      webhook: { enabled: true },
    });
    await db.$transaction(async (tx) => {
      expect(await notify(tx, finished, now)).toEqual(['email', 'webhook']);
    });
    expect((await queued()).map((j) => j.channel)).toEqual(['email', 'webhook']);
    await db.$executeRaw`DELETE FROM pgboss.job WHERE name = 'notification.send'`;
    await expect(
      db.$transaction(async (tx) => {
        await notify(tx, finished, now);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await queued()).toEqual([]);
  });

  it('respects per-event switches', async () => {
    await configure({ webhook: { enabled: true }, events: { 'campaign.finished': false } });
    expect(await db.$transaction((tx) => notify(tx, finished, now))).toEqual([]);
  });
});

describe('delivery', () => {
  it('sends the email to the local SMTP sink and the JSON to the local webhook receiver', async () => {
    await configure({
      email: { enabled: true, from: 'rekey@example.test', to: ['sec@example.test', 'oncall@example.test'] },
      webhook: { enabled: true },
      dashboardUrl: 'https://rekey.example.test',
    });
    await db.$transaction((tx) => notify(tx, finished, now));
    await deliverQueued();
    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0]).toMatchObject({
      from: 'rekey@example.test',
      to: ['sec@example.test', 'oncall@example.test'],
      auth: { user: 'rekey', pass: 'pw' },
    });
    expect(sink.messages[0]!.subject).toContain('[Rekey] Campaign "Leak" finished');
    expect(sink.messages[0]!.text).toContain(
      'https://rekey.example.test/campaigns/00000000-0000-4000-8000-000000000001',
    );
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.headers['content-type']).toBe('application/json');
    expect(hook.received[0]!.body).toMatchObject({
      text: expect.stringContaining('5 succeeded, 1 failed') as unknown,
      rekey: { kind: 'campaign.finished', name: 'Leak' },
    });
  });

  it('fails (so the job retries) while the webhook answers 5xx, then delivers', async () => {
    await configure({ webhook: { enabled: true, format: 'slack' } });
    vi.stubEnv('REKEY_NOTIFY_WEBHOOK_URL', hook.url);
    const run = () =>
      notificationSendJob.handle(
        { channel: 'webhook', event: finished, at: now.toISOString() },
        { jobId: 'j', retryCount: 0 },
      );
    hook.failNext(1, 503);
    await expect(run()).rejects.toThrow(/Webhook answered 503/);
    await run();
    vi.unstubAllEnvs();
    expect(hook.received[0]!.body).toMatchObject({ blocks: [{ type: 'header' }, { type: 'section' }] });
  });

  it('sends nothing for a channel switched off since the event was recorded', async () => {
    await configure({ email: { enabled: false } });
    expect(await sendNotification('email', finished, { env })).toBe('disabled');
    expect(sink.messages).toHaveLength(0);
  });

  it('says which variable is missing when a channel is on but has no secret', async () => {
    await configure({ webhook: { enabled: true } });
    await expect(sendNotification('webhook', finished, { env: {} })).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining('REKEY_NOTIFY_WEBHOOK_URL') as unknown,
    });
  });
});

describe('certificates entering the expiry window', () => {
  it('announces each certificate once per entry into the window (policy: 30 days)', async () => {
    await configure({ webhook: { enabled: true } });
    await db.setting.upsert({
      where: { key: 'policy.status' },
      update: { value: { expiringWithinDays: 30, maxAgeDays: 365 } },
      create: { key: 'policy.status', value: { expiringWithinDays: 30, maxAgeDays: 365 } },
    });
    const type = await buildConnectorType(db, 'Archive');
    const soon = await buildCertificate(db, { notAfter: new Date('2026-12-20T00:00:00Z'), subject: 'CN=soon' });
    const later = await buildCertificate(db, { notAfter: new Date('2027-01-15T00:00:00Z'), subject: 'CN=later' });
    await buildCertificate(db, { notAfter: new Date('2026-12-10T00:00:00Z'), subject: 'CN=unused' });
    const tenant = await buildTenant(db, {
      connectors: [
        { status: 'healthy', typeId: type.id },
        { status: 'healthy', typeId: type.id },
        { status: 'healthy', typeId: type.id },
      ],
    });
    await db.connector.update({ where: { id: tenant.connectors[0]!.id }, data: { currentCertificateId: soon.id } });
    await db.connector.update({ where: { id: tenant.connectors[1]!.id }, data: { currentCertificateId: soon.id } });
    await db.connector.update({ where: { id: tenant.connectors[2]!.id }, data: { currentCertificateId: later.id } });

    // Dec 1: only "soon" (Dec 20) is within 30 days; "unused" has no connector.
    expect(await checkExpiringCertificates(now)).toMatchObject({ windowDays: 30, inWindow: 1, announced: [soon.id] });
    const [job] = await queued();
    expect(job?.event).toMatchObject({
      kind: 'certificate.expiring',
      windowDays: 30,
      certificates: [{ subject: 'CN=soon', connectors: 2 }],
    });
    await deliverQueued();
    expect(hook.received).toHaveLength(1);
    // The next day: nothing new.
    expect((await checkExpiringCertificates(new Date('2026-12-02T12:00:00Z'))).announced).toEqual([]);
    expect(await queued()).toEqual([]);
    // Dec 20: "later" (Jan 15) enters the window; "soon" is still in it and not announced again.
    expect((await checkExpiringCertificates(new Date('2026-12-19T12:00:00Z'))).announced).toEqual([later.id]);
  });
});

describe('settings', () => {
  it('are saved by an admin with an audit event, refused for an operator, validated', async () => {
    const admin = principal('admin');
    const ctx = createUseCaseContext({ actor: { id: admin.userId, label: admin.email }, now, principal: admin });
    await updateNotificationSettings(ctx, {
      email: { enabled: true, from: 'rekey@example.test', to: ['sec@example.test'] },
    });
    expect((await db.setting.findUnique({ where: { key: NOTIFICATION_SETTING_KEY } }))?.value).toMatchObject({
      email: { enabled: true, to: ['sec@example.test'] },
      webhook: { enabled: false },
    });
    expect(await db.auditEvent.count({ where: { action: 'settings.notifications.updated' } })).toBe(1);
    await expect(
      updateNotificationSettings(createUseCaseContext({ ...ctx, principal: principal('operator') }), {}),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      updateNotificationSettings(ctx, { email: { enabled: true, to: ['not an address'] } } as never),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    // a test message goes out at once
    expect(await sendTestNotification(ctx, 'email', { env })).toBe('sent');
    expect(sink.messages[0]!.text).toContain('Test notification from');
  });

  it('reports which channels have their secret in the environment, without the secret', () => {
    const s = notificationChannelStatus({
      REKEY_SMTP_URL: 'smtp://u:secret@mail.example.test:2525',
      REKEY_NOTIFY_WEBHOOK_URL: 'nope',
    });
    expect(s.email).toEqual({ configured: true, host: 'mail.example.test:2525', error: null });
    expect(s.webhook).toMatchObject({
      configured: false,
      error: expect.stringContaining('REKEY_NOTIFY_WEBHOOK_URL') as unknown,
    });
    expect(JSON.stringify(s)).not.toContain('secret');
  });
});

describe('status transitions from detection', () => {
  it('announces new exposure once (worst advisory, counts, targeted tenants) and new drift', async () => {
    await configure({ webhook: { enabled: true } });
    const type = await buildConnectorType(db, 'Transitions');
    const cert = await buildCertificate(db);
    await db.advisory.create({
      data: {
        title: 'Low one',
        severity: 'low',
        publishedAt: now,
        indicators: { create: [{ kind: 'sha1', value: cert.sha1Thumbprint }] },
      },
    });
    await db.advisory.create({
      data: {
        title: 'Vendor key leak',
        severity: 'high',
        publishedAt: now,
        indicators: { create: [{ kind: 'sha256', value: cert.sha256Thumbprint }] },
      },
    });
    const a = await buildTenant(db, {
      name: 'Contoso',
      connectors: [
        { status: 'targeted', typeId: type.id },
        { status: 'compromised', typeId: type.id },
      ],
    });
    const b = await buildTenant(db, {
      name: 'Fabrikam',
      connectors: [
        { status: 'compromised', typeId: type.id },
        { status: 'drift', typeId: type.id },
      ],
    });
    await db.connector.updateMany({
      where: { tenantId: { in: [a.id, b.id] } },
      data: { currentCertificateId: cert.id },
    });
    const [a1, a2] = a.connectors;
    const [b1, b2] = b.connectors;
    // In a direct transaction, as the rotation engine's commit runs it (raw statements only).
    await directTransaction(db, (tx) =>
      notifyStatusTransitions(
        tx,
        [
          { connectorId: a1!.id, from: 'compromised', to: 'targeted' },
          { connectorId: a2!.id, from: 'healthy', to: 'compromised' },
          { connectorId: b1!.id, from: 'compromised', to: 'compromised' },
          { connectorId: b2!.id, from: 'healthy', to: 'drift' },
        ],
        now,
      ),
    );
    const events = (await queued()).map((j) => j.event).sort((x, y) => x.kind.localeCompare(y.kind));
    expect(events).toEqual([
      {
        kind: 'compromise.detected',
        title: 'Vendor key leak (and 1 more advisories)',
        severity: 'high',
        advisoryId: expect.any(String) as unknown,
        connectors: 2,
        tenants: 1,
        targetedTenants: ['Contoso'],
      },
      {
        kind: 'drift.detected',
        connectors: [
          {
            connectorId: b2!.id,
            connectorName: b2!.displayName,
            tenantName: 'Fabrikam',
            detail: expect.any(String) as unknown,
          },
        ],
      },
    ]);
  });
});

describe('a rotation that stops for a person', () => {
  it("is announced with its connector, tenant and reason, from the engine's direct transaction", async () => {
    await configure({ webhook: { enabled: true } });
    const type = await buildConnectorType(db, 'Attention');
    const from = await buildCertificate(db);
    const to = await buildCertificate(db);
    const t = await buildTenant(db, { name: 'Northwind', connectors: [{ status: 'compromised', typeId: type.id }] });
    const connector = t.connectors[0]!;
    const rotation = await db.rotation.create({
      data: {
        connectorId: connector.id,
        mode: 'rotate',
        state: 'NEEDS_ATTENTION',
        step: 'add_new',
        startStatus: 'compromised',
        fromCertificateId: from.id,
        toCertificateId: to.id,
        errorMessage: 'Consent was revoked; grant it again.',
        actorLabel: 'test',
      },
    });
    await directTransaction(db, (tx) => notifyRotationNeedsAttention(tx, rotation.id, now));
    expect((await queued()).map((j) => j.event)).toEqual([
      {
        kind: 'rotation.needs_attention',
        rotationId: rotation.id,
        campaignId: null,
        connectorName: connector.displayName,
        tenantName: 'Northwind',
        message: 'Consent was revoked; grant it again.',
      },
    ]);
  });
});
