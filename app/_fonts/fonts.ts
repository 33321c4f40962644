import localFont from 'next/font/local';

/*
 * Geist, self-hosted by next/font from the `geist` package's files (same faces the package's
 * GeistSans/GeistMono use) with `display: swap` and a metric-matched fallback, so text paints at
 * once and does not shift when the face arrives (fallback face: globals.css). Only the UI face is preloaded: the mono face is
 * for ids and thumbprints, rarely above the fold, and preloading it put ~70 kB on every page's
 * critical path.
 */
export const geistSans = localFont({
  src: '../../node_modules/geist/dist/fonts/geist-sans/Geist-Variable.woff2',
  variable: '--font-geist-sans',
  weight: '100 900',
  display: 'swap',
  preload: true,
  // The metric-matched fallback face is declared in globals.css ('Geist Sans Fallback'), with
  // Arial's metric twins (Liberation Sans, Arimo) as sources too: next/font's own fallback only
  // names Arial, which Linux lacks, so text there reflowed when Geist arrived (layout shift).
  adjustFontFallback: false,
});

export const geistMono = localFont({
  src: '../../node_modules/geist/dist/fonts/geist-mono/GeistMono-Variable.woff2',
  variable: '--font-geist-mono',
  weight: '100 900',
  display: 'swap',
  preload: false,
  adjustFontFallback: false,
  fallback: [
    'ui-monospace',
    'SFMono-Regular',
    'Roboto Mono',
    'Menlo',
    'Monaco',
    'Liberation Mono',
    'DejaVu Sans Mono',
    'Courier New',
    'monospace',
  ],
});
