/**
 * Class joining for components, kept apart from `@/lib/utils` on purpose: that module builds its
 * Intl formatters when it loads, and anything a client component imports is evaluated in the
 * browser before hydration (~50 ms of main thread on a throttled phone for three formatters that
 * the navigation never uses). Same contract as `cn` in lib/utils.
 */
export type ClassValue = string | number | false | null | undefined | ClassValue[];

/** Join class names, skipping falsy values. (No tailwind-merge: callers avoid conflicting classes.) */
export function cn(...values: ClassValue[]): string {
  const out: string[] = [];
  for (const v of values) {
    if (!v) continue;
    if (Array.isArray(v)) {
      const inner = cn(...v);
      if (inner) out.push(inner);
    } else out.push(String(v));
  }
  return out.join(' ');
}
