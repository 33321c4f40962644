import type { ReactNode } from 'react';
import { cn } from '@/components/ui/cn';
import { TONE_CLASSES } from '@/components/ui/tone';
import { statusMeta, type StatusKind } from './status-meta';

export * from './status-meta';

export type StatusChipProps = {
  /** A connector status, rotation state or consent state (any string accepted). */
  status: string;
  /** Restrict lookup to one vocabulary (needed only if values could collide). */
  kind?: StatusKind;
  size?: 'sm' | 'md';
  /** Override the visible text (e.g. add a count: "Compromised · 12"). */
  children?: ReactNode;
  className?: string;
};

/**
 * Colour + icon + text, so the status never depends on colour alone. The description is the title.
 * One element: the icon is the chip's `::before`, masked by its `ci-<icon>` class (app/globals.css).
 */
export function StatusChip({ status, kind, size = 'md', children, className }: StatusChipProps) {
  const meta = statusMeta(status, kind);
  return (
    <span
      title={meta.description || undefined}
      className={cn(
        'chip',
        size === 'sm' && 'chip-sm',
        TONE_CLASSES[meta.tone],
        `ci-${meta.icon}`,
        status === 'compromised' && 'border-danger',
        className,
      )}
    >
      {children ?? meta.label}
    </span>
  );
}
