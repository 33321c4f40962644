import { describe, expect, it } from 'vitest';
import { NotificationEventSchema, type NotificationEvent } from '@/lib/notifications/notification-event';
import { renderNotification, webhookPayload } from '@/lib/notifications/format-notification';
import { NotificationSettingsSchema } from '@/lib/notifications/notification-settings';

const finished: NotificationEvent = {
  kind: 'campaign.finished',
  campaignId: 'c1',
  name: 'Leak',
  state: 'FINISHED',
  totals: { SUCCEEDED: 3600, FAILED: 2, SKIPPED: 5, CANCELLED: 0 },
};

describe('rendering notifications', () => {
  it.each<[string, NotificationEvent, RegExp]>([
    ['campaign finished', finished, /Campaign "Leak" finished: 3600 succeeded, 2 failed, 5 skipped, 0 cancelled\./],
    [
      'campaign paused at its gate',
      { kind: 'campaign.paused', campaignId: 'c1', name: 'Leak', wave: 0, failures: 1, maxFailures: 0 },
      /paused after wave 1: 1 rotation failed/,
    ],
    [
      'rotation needs attention',
      {
        kind: 'rotation.needs_attention',
        rotationId: 'r1',
        connectorName: 'Archive',
        tenantName: 'Contoso',
        message: 'Consent missing',
      },
      /Archive in Contoso needs attention: Consent missing/,
    ],
    [
      'compromise detected',
      {
        kind: 'compromise.detected',
        title: 'Key leak',
        severity: 'critical',
        connectors: 12,
        tenants: 3,
        targetedTenants: ['Contoso'],
      },
      /12 connectors in 3 tenants .* unknown addresses in: Contoso/,
    ],
    [
      'drift detected',
      {
        kind: 'drift.detected',
        connectors: [
          { connectorId: 'x', connectorName: 'Archive', tenantName: 'Contoso', detail: 'unknown credential' },
        ],
      },
      /- Archive in Contoso: unknown credential/,
    ],
    [
      'certificates expiring',
      {
        kind: 'certificate.expiring',
        windowDays: 30,
        certificates: [
          { id: 'c', sha1Thumbprint: 'AB', subject: 'CN=x', notAfter: '2027-01-02T00:00:00.000Z', connectors: 1 },
        ],
      },
      /CN=x \(AB\) expires 2027-01-02; used by 1 connector$/,
    ],
  ])('%s', (_n, e, text) => {
    expect(NotificationEventSchema.safeParse(e).success).toBe(true);
    expect(renderNotification(e).text).toMatch(text);
  });

  it('links to the dashboard when its URL is set', () => {
    expect(renderNotification(finished, 'https://rekey.example.test/').link).toBe(
      'https://rekey.example.test/campaigns/c1',
    );
  });
});

describe('webhook payloads', () => {
  const r = renderNotification(finished, 'https://rekey.example.test');
  it('generic: text for Slack and Teams, plus the event', () => {
    expect(webhookPayload(finished, r, 'generic')).toEqual({
      text: `${r.text}\nhttps://rekey.example.test/campaigns/c1`,
      rekey: finished,
    });
  });
  it('slack: text with blocks', () => {
    const p = webhookPayload(finished, r, 'slack') as { text: string; blocks: { type: string }[] };
    expect(p.blocks.map((b) => b.type)).toEqual(['header', 'section']);
  });
  it('teams: an Adaptive Card message', () => {
    expect(webhookPayload(finished, r, 'teams')).toMatchObject({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: { type: 'AdaptiveCard', actions: [{ url: 'https://rekey.example.test/campaigns/c1' }] },
        },
      ],
    });
  });
});

describe('notification settings', () => {
  it('default to nothing enabled and every event on', () => {
    const s = NotificationSettingsSchema.parse({});
    expect(s.email.enabled).toBe(false);
    expect(s.webhook).toEqual({ enabled: false, format: 'generic' });
    expect(Object.values(s.events).every(Boolean)).toBe(true);
  });
});
