/**
 * Renders an event as an email (subject + text) and as webhook JSON (pure).
 * - generic: `{ text, rekey }` — Slack and Teams incoming webhooks both show `text` (Slack ignores
 *   unknown fields; Teams' classic connector does too); `rekey` is the event for other receivers.
 * - slack: `{ text, blocks }` (a header and a section in mrkdwn).
 * - teams: `{ type: 'message', attachments: [Adaptive Card] }` (Teams Workflows webhooks).
 */
import type { NotificationEvent } from '@/lib/notifications/notification-event';

export interface RenderedNotification {
  subject: string;
  text: string;
  link: string | null;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function renderNotification(e: NotificationEvent, dashboardUrl?: string): RenderedNotification {
  const base = dashboardUrl?.replace(/\/+$/, '') ?? null;
  switch (e.kind) {
    case 'campaign.finished': {
      const t = e.totals;
      const summary = `${t.SUCCEEDED ?? 0} succeeded, ${t.FAILED ?? 0} failed, ${t.SKIPPED ?? 0} skipped, ${t.CANCELLED ?? 0} cancelled`;
      return {
        subject: `Campaign "${e.name}" ${e.state === 'FINISHED' ? 'finished' : 'was cancelled'}`,
        text: `Campaign "${e.name}" ${e.state === 'FINISHED' ? 'finished' : 'was cancelled'}: ${summary}.`,
        link: base && `${base}/campaigns/${e.campaignId}`,
      };
    }
    case 'campaign.paused':
      return {
        subject: `Campaign "${e.name}" paused after wave ${e.wave + 1}`,
        text: `Campaign "${e.name}" paused after wave ${e.wave + 1}: ${plural(e.failures, 'rotation')} failed or need attention (allowed: ${e.maxFailures}). Review them, then retry the failed or resume to continue.`,
        link: base && `${base}/campaigns/${e.campaignId}`,
      };
    case 'rotation.needs_attention':
      return {
        subject: `Rotation needs attention: ${e.connectorName} in ${e.tenantName}`,
        text: `The rotation of ${e.connectorName} in ${e.tenantName} needs attention: ${e.message}`,
        link: base && `${base}/rotations/${e.rotationId}`,
      };
    case 'compromise.detected':
      return {
        subject: `Compromised certificate: ${e.title} (${e.severity})`,
        text: `${e.title} (${e.severity}): ${plural(e.connectors, 'connector')} in ${plural(e.tenants, 'tenant')} use a compromised certificate.${e.targetedTenants?.length ? ` Used from unknown addresses in: ${e.targetedTenants.join(', ')}.` : ''}`,
        link: base && (e.advisoryId ? `${base}/advisories/${e.advisoryId}` : `${base}/`),
      };
    case 'drift.detected':
      return {
        subject: `Credential drift in ${plural(e.connectors.length, 'connector')}`,
        text: `Credentials changed outside Rekey:\n${e.connectors.map((c) => `- ${c.connectorName} in ${c.tenantName}: ${c.detail}`).join('\n')}`,
        link: base && `${base}/connectors?status=drift`,
      };
    case 'certificate.expiring':
      return {
        subject: `${plural(e.certificates.length, 'certificate')} entered the ${e.windowDays}-day expiry window`,
        text: `Certificates expiring within ${e.windowDays} days:\n${e.certificates.map((c) => `- ${c.subject} (${c.sha1Thumbprint}) expires ${c.notAfter.slice(0, 10)}; used by ${plural(c.connectors, 'connector')}`).join('\n')}`,
        link: base && `${base}/certificates`,
      };
  }
}

export function emailBody(r: RenderedNotification): string {
  return `${r.text}\n${r.link ? `\n${r.link}\n` : ''}\n-- \nRekey\n`;
}

export function webhookPayload(
  e: NotificationEvent,
  r: RenderedNotification,
  format: 'generic' | 'slack' | 'teams',
): Record<string, unknown> {
  const text = r.link ? `${r.text}\n${r.link}` : r.text;
  if (format === 'slack') {
    return {
      text,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: r.subject.slice(0, 150) } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: (r.link ? `${r.text}\n<${r.link}|Open in Rekey>` : r.text).slice(0, 3000) },
        },
      ],
    };
  }
  if (format === 'teams') {
    return {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              { type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, text: r.subject },
              { type: 'TextBlock', wrap: true, text: r.text },
            ],
            ...(r.link ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in Rekey', url: r.link }] } : {}),
          },
        },
      ],
    };
  }
  return { text, rekey: e };
}
