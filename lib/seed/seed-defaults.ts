/**
 * Data every installation starts with: the connector types of the demo vendor and the default
 * status policy. Idempotent (upserts), so `rekey db seed` can run any number of times.
 */
import type { Db } from '@/lib/db';

export const DEFAULT_CONNECTOR_TYPES = [
  {
    name: 'Mailbox Archive Sync',
    vendor: 'Mimecast-style email security vendor',
    displayNamePattern: 'Mailbox Archive Sync*',
    description: 'Reads mailboxes to archive mail (Exchange app-only, certificate credential).',
    requiredResourceAccess: [
      {
        resourceAppId: '00000003-0000-0000-c000-000000000000',
        resourceAccess: [{ id: '810c84a8-4a9e-49e6-bf7d-12d183f40d01', type: 'Role' }],
      },
    ],
  },
  {
    name: 'Continuity Monitor',
    vendor: 'Mimecast-style email security vendor',
    displayNamePattern: 'Continuity Monitor*',
    description: 'Watches mail flow and service health for continuity failover.',
    requiredResourceAccess: [
      {
        resourceAppId: '00000003-0000-0000-c000-000000000000',
        resourceAccess: [{ id: '7ab1d382-f21e-4acd-a863-ba3e13f7da61', type: 'Role' }],
      },
    ],
  },
  {
    name: 'Internal Mail Protection',
    vendor: 'Mimecast-style email security vendor',
    displayNamePattern: 'Internal Mail Protection*',
    description: 'Scans internal mail and remediates threats in mailboxes.',
    requiredResourceAccess: [
      {
        resourceAppId: '00000003-0000-0000-c000-000000000000',
        resourceAccess: [{ id: 'e2a3a72e-5f79-4c64-b1b1-878b674786c9', type: 'Role' }],
      },
    ],
  },
  {
    // The vendor's own multi-tenant app (ADR 032): in a customer's tenant only its service principal
    // exists, and that holds the connection's certificate. Matched by the service principal's name.
    name: 'Litware Relay',
    vendor: 'Litware (multi-tenant app of the vendor)',
    displayNamePattern: 'Litware Relay*',
    description:
      'Relays mail for the vendor’s service: its certificate sits on the service principal of the vendor’s multi-tenant app.',
    requiredResourceAccess: [
      {
        resourceAppId: '00000003-0000-0000-c000-000000000000',
        resourceAccess: [{ id: '810c84a8-4a9e-49e6-bf7d-12d183f40d01', type: 'Role' }],
      },
    ],
  },
] as const;

export const DEFAULT_SETTINGS: Record<string, unknown> = {
  'policy.status': { expiringWithinDays: 30, maxAgeDays: 365, maxScanAgeHours: 24 },
  'detection.vendorCidrs': ['198.51.100.0/24'],
};

export async function seedDefaults(db: Db): Promise<{ connectorTypes: number; settings: number }> {
  for (const t of DEFAULT_CONNECTOR_TYPES) {
    await db.connectorType.upsert({
      where: { name: t.name },
      update: {},
      create: { ...t, requiredResourceAccess: t.requiredResourceAccess as never },
    });
  }
  for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) {
    await db.setting.upsert({ where: { key }, update: {}, create: { key, value: value as never } });
  }
  return { connectorTypes: DEFAULT_CONNECTOR_TYPES.length, settings: Object.keys(DEFAULT_SETTINGS).length };
}
