/**
 * What each status means on screen: its label, tone, icon and description, for every vocabulary
 * (connector status, rotation state, consent state, tenant access). Plain data, no React: the
 * status chip renders it, and the Tailwind plugin components/ui/icon-masks.plugin.ts emits the
 * icon masks of exactly these icons.
 */
import type { IconName } from '@/components/ui/icon-paths';
import type { Tone } from '@/components/ui/tone';

export type ConnectorStatus = 'compromised' | 'expired' | 'expiring' | 'stale' | 'drift' | 'targeted' | 'healthy';
export type RotationState =
  'PENDING' | 'RUNNING' | 'WAITING' | 'NEEDS_ATTENTION' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'ROLLED_BACK';
export type ConsentState = 'unknown' | 'consented' | 'not_consented' | 'missing_permissions' | 'error';
export type StatusKind = 'connector' | 'rotation' | 'consent' | 'access';

export type StatusMeta = { label: string; tone: Tone; icon: IconName; description: string };

export const CONNECTOR_STATUS: Record<ConnectorStatus, StatusMeta> = {
  compromised: {
    label: 'Compromised',
    tone: 'danger',
    icon: 'alertOctagon',
    description: 'Certificate listed in a vendor advisory',
  },
  targeted: {
    label: 'Targeted',
    tone: 'fuchsia',
    icon: 'shield',
    description: 'Compromised credential used from an unknown address',
  },
  expired: { label: 'Expired', tone: 'danger', icon: 'xCircle', description: 'Certificate is past its expiry date' },
  expiring: { label: 'Expiring', tone: 'warning', icon: 'clock', description: 'Expires inside the policy window' },
  stale: { label: 'Stale', tone: 'caution', icon: 'alert', description: 'Older than the policy maximum age' },
  drift: {
    label: 'Drift',
    tone: 'violet',
    icon: 'arrowUpDown',
    description: 'Tenant credentials differ from what Rekey expects',
  },
  healthy: { label: 'Healthy', tone: 'success', icon: 'checkCircle', description: 'No action needed' },
};

export const ROTATION_STATE: Record<RotationState, StatusMeta> = {
  PENDING: { label: 'Pending', tone: 'neutral', icon: 'circle', description: 'Queued, not started' },
  RUNNING: { label: 'Running', tone: 'info', icon: 'rotate', description: 'A step is in progress' },
  WAITING: { label: 'Waiting', tone: 'info', icon: 'clock', description: 'Waiting for propagation or a retry' },
  NEEDS_ATTENTION: {
    label: 'Needs attention',
    tone: 'warning',
    icon: 'alert',
    description: 'Paused until an operator acts',
  },
  SUCCEEDED: {
    label: 'Succeeded',
    tone: 'success',
    icon: 'checkCircle',
    description: 'Rotation completed and verified',
  },
  FAILED: { label: 'Failed', tone: 'danger', icon: 'xCircle', description: 'Stopped with an error' },
  CANCELLED: { label: 'Cancelled', tone: 'neutral', icon: 'minus', description: 'Cancelled by an operator' },
  ROLLED_BACK: { label: 'Rolled back', tone: 'caution', icon: 'undo', description: 'Changes were reverted' },
};

export const CONSENT_STATE: Record<ConsentState, StatusMeta> = {
  unknown: { label: 'Unknown', tone: 'neutral', icon: 'circle', description: 'Consent not checked yet' },
  consented: { label: 'Consented', tone: 'success', icon: 'checkCircle', description: 'Management app consented' },
  not_consented: { label: 'Not consented', tone: 'warning', icon: 'alert', description: 'Admin consent is required' },
  missing_permissions: {
    label: 'Missing permissions',
    tone: 'caution',
    icon: 'key',
    description: 'Consent lacks required permissions',
  },
  error: { label: 'Error', tone: 'danger', icon: 'xCircle', description: 'Consent check failed' },
};

/** Tenant access states (lib/fleet/tenant-access.ts). */
export const TENANT_ACCESS: Record<'no_access' | 'not_scanned_recently' | 'ok', StatusMeta> = {
  no_access: {
    label: 'No access',
    tone: 'danger',
    icon: 'xCircle',
    description: 'Rekey cannot read this tenant: consent missing or the last scan was refused',
  },
  not_scanned_recently: {
    label: 'Not scanned recently',
    tone: 'warning',
    icon: 'clock',
    description: 'Never scanned, or the last successful scan is older than the policy allows',
  },
  ok: {
    label: 'Readable',
    tone: 'success',
    icon: 'checkCircle',
    description: 'Scanned successfully within the policy',
  },
};

const TABLES: Record<StatusKind, Record<string, StatusMeta>> = {
  connector: CONNECTOR_STATUS,
  rotation: ROTATION_STATE,
  consent: CONSENT_STATE,
  access: TENANT_ACCESS,
};

function humanize(s: string): string {
  const t = s.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return t ? t.charAt(0).toUpperCase() + t.slice(1) : 'Unknown';
}

/** Meta for any status string; unknown values fall back to a neutral chip with humanized text. */
export function statusMeta(status: string, kind?: StatusKind): StatusMeta {
  const tables = kind ? [TABLES[kind]] : Object.values(TABLES);
  for (const t of tables) {
    const hit = Object.hasOwn(t, status) ? t[status] : undefined;
    if (hit) return hit;
  }
  return { label: humanize(status), tone: 'neutral', icon: 'dot', description: '' };
}

/** Every icon a status can show (the chips' icon masks). */
export const STATUS_ICONS: ReadonlySet<IconName> = new Set([
  ...Object.values(TABLES).flatMap((t) => Object.values(t).map((m) => m.icon)),
  'dot' as const,
]);
