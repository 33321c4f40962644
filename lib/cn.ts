/**
 * Class joining, in a module of its own: client components import it, and anything they import is
 * evaluated in the browser before hydration — this one costs nothing there (lib/utils builds Intl
 * formatters when it loads, which the navigation never uses).
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
