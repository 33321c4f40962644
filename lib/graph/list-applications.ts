/**
 * Applications matching a connector type: a fixed appId (`$filter=appId eq`), or a display-name
 * pattern (case-insensitive, `*` wildcard). Patterns with a literal prefix use
 * `startswith(displayName,'prefix')` on the server; the full pattern is always re-checked here.
 */
import { ApplicationSchema, type Application } from '@/lib/graph/graph-types';
import { APP_SELECT, odataString } from '@/lib/graph/odata';

export interface ApplicationMatch {
  appId?: string | null;
  displayNamePattern?: string | null;
}

export function patternToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i');
}

export function matchesApplication(app: Pick<Application, 'appId' | 'displayName'>, m: ApplicationMatch): boolean {
  if (m.appId) return app.appId.toLowerCase() === m.appId.toLowerCase();
  if (m.displayNamePattern) return patternToRegExp(m.displayNamePattern).test(app.displayName ?? '');
  return false;
}

export function filterFor(m: ApplicationMatch): string | null {
  if (m.appId) return `appId eq ${odataString(m.appId)}`;
  const prefix = (m.displayNamePattern ?? '').split('*')[0] ?? '';
  return prefix ? `startswith(displayName,${odataString(prefix)})` : null;
}

/** The list request for a match (relative to the version). */
export function applicationListPath(m: ApplicationMatch): string {
  const filter = filterFor(m);
  // keyCredentials in lists come without `key` (and $select of them on lists has its own
  // 150/min limit), so discovery reads them per object afterwards.
  const select = 'id,appId,displayName,signInAudience,createdDateTime,requiredResourceAccess';
  return `/applications?${filter ? `$filter=${filter}&` : ''}$select=${select}&$top=999`;
}

/** A list's items that match (the server's filter is a prefix at most: the pattern is re-checked). */
export function applicationsMatching(items: unknown[], m: ApplicationMatch): Application[] {
  return items.map((i) => ApplicationSchema.parse(i)).filter((a) => matchesApplication(a, m));
}

export { APP_SELECT };
