/** Semantic tones shared by Badge, Alert and chips. Colour is never the only signal: pair with text/icon. */
export type Tone = 'neutral' | 'accent' | 'info' | 'success' | 'warning' | 'caution' | 'danger' | 'violet' | 'fuchsia';

export const TONE_CLASSES: Record<Tone, string> = {
  neutral: 'bg-surface-2 text-fg-muted border-border',
  accent: 'bg-accent-bg text-accent border-accent-border',
  info: 'bg-info-bg text-info border-info-border',
  success: 'bg-success-bg text-success border-success-border',
  warning: 'bg-warning-bg text-warning border-warning-border',
  caution: 'bg-caution-bg text-caution border-caution-border',
  danger: 'bg-danger-bg text-danger border-danger-border',
  violet: 'bg-violet-bg text-violet border-violet-border',
  fuchsia: 'bg-fuchsia-bg text-fuchsia border-fuchsia-border',
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
