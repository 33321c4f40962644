/**
 * The icon set's path data, with no React: <Icon> (icon.tsx) draws them as inline SVG, and the
 * Tailwind plugin icon-masks.plugin.ts turns each into a CSS mask (`ci-<name>`), which a status chip
 * shows through `::before` with no SVG element in the page.
 */
/** A small set of 16px stroke icons (Lucide-style paths), drawn with round caps and joins. */
export const ICON_PATHS = {
  search: 'M11 11l3.5 3.5M7 12.5A5.5 5.5 0 1 0 7 1.5a5.5 5.5 0 0 0 0 11Z',
  menu: 'M2.5 4h11M2.5 8h11M2.5 12h11',
  x: 'M4 4l8 8M12 4l-8 8',
  check: 'M3 8.5l3.2 3L13 4.5',
  chevronRight: 'M6 3.5L10.5 8 6 12.5',
  chevronLeft: 'M10 3.5L5.5 8 10 12.5',
  chevronDown: 'M3.5 6L8 10.5 12.5 6',
  arrowUp: 'M8 13V3M4 7l4-4 4 4',
  arrowDown: 'M8 3v10M4 9l4 4 4-4',
  arrowUpDown: 'M5 6l3-3 3 3M5 10l3 3 3-3',
  info: 'M8 14.5A6.5 6.5 0 1 0 8 1.5a6.5 6.5 0 0 0 0 13ZM8 7.5v4M8 5h.01',
  alert: 'M8 1.8l6.6 11.7H1.4L8 1.8ZM8 6.5v3M8 11.5h.01',
  alertOctagon: 'M5.3 1.5h5.4l3.8 3.8v5.4l-3.8 3.8H5.3l-3.8-3.8V5.3l3.8-3.8ZM8 5v3.5M8 11h.01',
  checkCircle: 'M8 14.5A6.5 6.5 0 1 0 8 1.5a6.5 6.5 0 0 0 0 13ZM5.2 8.2l2 1.9 3.6-3.9',
  xCircle: 'M8 14.5A6.5 6.5 0 1 0 8 1.5a6.5 6.5 0 0 0 0 13ZM5.8 5.8l4.4 4.4M10.2 5.8l-4.4 4.4',
  clock: 'M8 14.5A6.5 6.5 0 1 0 8 1.5a6.5 6.5 0 0 0 0 13ZM8 4.5V8l2.5 1.5',
  copy: 'M5.5 5.5V3a1 1 0 0 1 1-1H13a1 1 0 0 1 1 1v6.5a1 1 0 0 1-1 1h-2.5M3 5.5h6.5a1 1 0 0 1 1 1V13a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6.5a1 1 0 0 1 1-1Z',
  sun: 'M8 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6ZM8 1v1.5M8 13.5V15M1 8h1.5M13.5 8H15M3 3l1 1M12 12l1 1M3 13l1-1M12 4l1-1',
  moon: 'M13.5 9.5A5.5 5.5 0 0 1 6.5 2.5a5.5 5.5 0 1 0 7 7Z',
  monitor: 'M2 3h12v8H2zM5.5 14h5M8 11v3',
  columns: 'M2 3h12v10H2zM6 3v10M10 3v10',
  inbox: 'M1.5 9l2-5.5h9l2 5.5v4h-13v-4ZM1.5 9h4l1 1.5h3l1-1.5h4',
  logOut: 'M6 14H3a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1h3M10.5 11.5L14 8l-3.5-3.5M14 8H6',
  shield: 'M8 1.5l5.5 2v4.2c0 3.2-2.3 5.8-5.5 6.8-3.2-1-5.5-3.6-5.5-6.8V3.5L8 1.5Z',
  key: 'M10 6a4 4 0 1 0-3.5 3.97L6 10.5V12h1.5v1.5H9V15h3v-2.5l-2.4-2.4A4 4 0 0 0 10 6ZM4.5 5.5h.01',
  lock: 'M4 7V5a4 4 0 0 1 8 0v2M3 7h10v7H3z',
  minus: 'M3.5 8h9',
  circle: 'M8 13.5A5.5 5.5 0 1 0 8 2.5a5.5 5.5 0 0 0 0 11Z',
  dot: 'M8 10a2 2 0 1 0 0-4 2 2 0 0 0 0 4Z',
  pause: 'M5.5 3.5v9M10.5 3.5v9',
  rotate: 'M13.5 8A5.5 5.5 0 1 1 11.8 4M13.5 2v3h-3',
  undo: 'M5 3L2 6l3 3M2 6h7.5a4.5 4.5 0 0 1 0 9H7',
  home: 'M2 7.5L8 2l6 5.5V14H2V7.5ZM6.5 14v-4h3v4',
  building: 'M3 14V2.5h7V14M10 6h3v8M1.5 14h13M5.5 5h2M5.5 8h2M5.5 11h2',
  plug: 'M6 1.5V5M10 1.5V5M4 5h8v3a4 4 0 0 1-8 0V5ZM8 12v2.5',
  layers: 'M8 1.5l6.5 3.5L8 8.5 1.5 5 8 1.5ZM1.5 8L8 11.5 14.5 8M1.5 11L8 14.5 14.5 11',
  fileText: 'M9.5 1.5H4a1 1 0 0 0-1 1v11a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V5L9.5 1.5ZM9.5 1.5V5H13M5.5 8.5h5M5.5 11h5',
  megaphone: 'M2 6.5v3h2l5 3v-9l-5 3H2ZM11.5 6a2.5 2.5 0 0 1 0 4M4 9.5l1 4h2',
  list: 'M5.5 4h8M5.5 8h8M5.5 12h8M2.5 4h.01M2.5 8h.01M2.5 12h.01',
  settings:
    'M8 10a2 2 0 1 0 0-4 2 2 0 0 0 0 4ZM13 8l1.3-1-1-2.2-1.6.4-1.2-1L10 2.5H7.5L7 4.2l-1.2 1-1.6-.4-1 2.2L3 8l-1.3 1 1 2.2 1.6-.4 1.2 1 .5 1.7h2.5l.5-1.7 1.2-1 1.6.4 1-2.2L13 8Z',
  external: 'M9.5 2.5h4v4M13.5 2.5L7.5 8.5M12 9.5V13a.5.5 0 0 1-.5.5h-8A.5.5 0 0 1 3 13V4.5a.5.5 0 0 1 .5-.5H7',
  upload: 'M8 10.5V2.5M4.5 6L8 2.5 11.5 6M2.5 10.5v2a1 1 0 0 0 1 1h9a1 1 0 0 0 1-1v-2',
} as const;

export type IconName = keyof typeof ICON_PATHS;

/**
 * The icon as a CSS `url()` of an SVG data URL, stroked in black: as a mask its alpha is the icon's
 * shape, and the element's background colour (the text colour) shows through it.
 */
export function iconMaskUrl(name: IconName, strokeWidth = 2): string {
  const svg =
    `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16' fill='none' stroke='black' ` +
    `stroke-width='${strokeWidth}' stroke-linecap='round' stroke-linejoin='round'><path d='${ICON_PATHS[name]}'/></svg>`;
  return `url("data:image/svg+xml,${svg.replace(/[<>#%"]/g, (c) => encodeURIComponent(c))}")`;
}
