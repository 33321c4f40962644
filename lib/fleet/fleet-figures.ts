/**
 * One definition of each fleet number. Every place that shows or exports one of these figures —
 * the overview cards and charts, the list a number links to, the security report and its CSV, the
 * CLI's `--json` — takes the connector set from here, so a number and the list behind it cannot
 * disagree ("Exposed" is targeted + compromised everywhere, never compromised alone).
 */
import { Prisma } from '@/lib/db';
import { CONNECTOR_STATUS_VALUES, EXPOSED_STATUSES, type ConnectorStatusValue } from '@/lib/fleet/statuses';

export { EXPOSED_STATUSES };

/** A connector status filter: one stored status, or a named group of them. */
export const STATUS_FILTER_VALUES = ['exposed', ...CONNECTOR_STATUS_VALUES] as const;
export type StatusFilter = (typeof STATUS_FILTER_VALUES)[number];

/** The stored statuses a filter value stands for. */
export function statusesFor(filter: StatusFilter): ConnectorStatusValue[] {
  return filter === 'exposed' ? [...EXPOSED_STATUSES] : [filter];
}

/** Words for a status filter in a sentence ("… with status …"). */
export function statusFilterLabel(filter: StatusFilter): string {
  return filter === 'exposed' ? 'exposed (targeted or compromised)' : filter;
}

export function isExposedStatus(status: string): boolean {
  return (EXPOSED_STATUSES as readonly string[]).includes(status);
}

/** `('targeted', 'compromised')` for `c.status IN …` in raw SQL (built from constants only). */
export const EXPOSED_SQL = Prisma.raw(`(${EXPOSED_STATUSES.map((s) => `'${s}'`).join(', ')})`);

/** The count of `filter` among a tenant summary row's per-status columns (alias `s`). */
export function summaryCountSql(filter: StatusFilter): Prisma.Sql {
  // Each value is one of the enum's values, so it names a column of TenantConnectorSummary.
  return Prisma.raw(
    statusesFor(filter)
      .map((st) => `coalesce(s."${st}", 0)`)
      .join(' + '),
  );
}

/** The number of connectors a per-status count says match `filter`. */
export function countFor(byStatus: Record<ConnectorStatusValue, number>, filter: StatusFilter): number {
  return statusesFor(filter).reduce((a, s) => a + byStatus[s], 0);
}
