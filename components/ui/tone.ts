/** Semantic tones shared by Badge, Alert and chips. Colour is never the only signal: pair with text/icon. */
export type Tone = 'neutral' | 'accent' | 'info' | 'success' | 'warning' | 'caution' | 'danger' | 'violet' | 'fuchsia';

/** One class per tone (app/globals.css): background, text and border colour. */
export const TONE_CLASSES: Record<Tone, string> = {
  neutral: 'tone-neutral',
  accent: 'tone-accent',
  info: 'tone-info',
  success: 'tone-success',
  warning: 'tone-warning',
  caution: 'tone-caution',
  danger: 'tone-danger',
  violet: 'tone-violet',
  fuchsia: 'tone-fuchsia',
};

/** CSS colour for chart marks in a tone. */
export const TONE_CHART_COLOR: Record<Tone, string> = {
  neutral: 'var(--chart-neutral)',
  accent: 'var(--chart-1)',
  info: 'var(--chart-info)',
  success: 'var(--chart-success)',
  warning: 'var(--chart-warning)',
  caution: 'var(--chart-caution)',
  danger: 'var(--chart-danger)',
  violet: 'var(--chart-violet)',
  fuchsia: 'var(--chart-fuchsia)',
};
