/**
 * Tailwind plugin (loaded by `@plugin` in app/globals.css at build time): one rule per icon,
 * `.ci-<name> { --ci: url(data:…) }` for each icon a status can show (status-meta.ts), from the
 * same path data as <Icon>. A status chip
 * (`.chip`, components/status/status-chip.tsx) draws `var(--ci)` as the mask of its `::before`,
 * so a chip is one element with a short class list instead of a span, an svg and a path, which a
 * fleet table repeats a hundred times in its HTML and again in its page payload.
 *
 * The rules go to the base layer so they are always emitted: chips build the class name from
 * their status, which Tailwind's source scan cannot see.
 */
import plugin from 'tailwindcss/plugin';
import { STATUS_ICONS } from '../status/status-meta';
import { iconMaskUrl } from './icon-paths';

export default plugin(({ addBase }) => {
  const rules: Record<string, Record<string, string>> = {};
  // Only the icons a status can show: every rule is sent with the stylesheet.
  for (const name of STATUS_ICONS) rules[`.ci-${name}`] = { '--ci': iconMaskUrl(name) };
  addBase(rules);
});
