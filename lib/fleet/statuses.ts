/** Connector statuses as stored (Prisma enum ConnectorStatus), most severe first. */
export const CONNECTOR_STATUS_VALUES = [
  'targeted',
  'compromised',
  'expired',
  'drift',
  'expiring',
  'stale',
  'healthy',
] as const;
export type ConnectorStatusValue = (typeof CONNECTOR_STATUS_VALUES)[number];

/** Statuses that mean "exposed": the connector's current credential is known to be in an attacker's hands. */
export const EXPOSED_STATUSES = ['targeted', 'compromised'] as const satisfies readonly ConnectorStatusValue[];

export const ACTIVE_ROTATION_STATES = ['PENDING', 'RUNNING', 'WAITING', 'NEEDS_ATTENTION'] as const;

/** Tenant access states (lib/fleet/tenant-access.ts decides them). */
export const TENANT_ACCESS_VALUES = ['no_access', 'not_scanned_recently', 'ok'] as const;
export type TenantAccess = (typeof TENANT_ACCESS_VALUES)[number];
