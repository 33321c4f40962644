/** What Rekey tells people about (the payload of a notification, kept as job data). */
import { z } from 'zod';

const Totals = z.record(z.string(), z.number());

export const NotificationEventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('campaign.finished'),
    campaignId: z.string(),
    name: z.string(),
    state: z.enum(['FINISHED', 'CANCELLED']),
    totals: Totals,
  }),
  z.object({
    kind: z.literal('campaign.paused'),
    campaignId: z.string(),
    name: z.string(),
    wave: z.number(),
    failures: z.number(),
    maxFailures: z.number(),
  }),
  z.object({
    kind: z.literal('rotation.needs_attention'),
    rotationId: z.string(),
    connectorName: z.string(),
    tenantName: z.string(),
    message: z.string(),
    campaignId: z.string().nullable().optional(),
  }),
  z.object({
    kind: z.literal('compromise.detected'),
    title: z.string(),
    severity: z.string(),
    advisoryId: z.string().nullable().optional(),
    connectors: z.number(),
    tenants: z.number(),
    targetedTenants: z.array(z.string()).optional(),
  }),
  z.object({
    kind: z.literal('drift.detected'),
    connectors: z
      .array(
        z.object({ connectorId: z.string(), connectorName: z.string(), tenantName: z.string(), detail: z.string() }),
      )
      .min(1),
  }),
  z.object({
    kind: z.literal('certificate.expiring'),
    windowDays: z.number(),
    certificates: z
      .array(
        z.object({
          id: z.string(),
          sha1Thumbprint: z.string(),
          subject: z.string(),
          notAfter: z.string(),
          connectors: z.number(),
        }),
      )
      .min(1),
  }),
]);
export type NotificationEvent = z.infer<typeof NotificationEventSchema>;
export type NotificationKind = NotificationEvent['kind'];

export const NOTIFICATION_KINDS = [
  'campaign.finished',
  'campaign.paused',
  'rotation.needs_attention',
  'compromise.detected',
  'drift.detected',
  'certificate.expiring',
] as const satisfies readonly NotificationKind[];
