import type { ReactNode } from 'react';
import { cn } from '@/components/ui/cn';
import { Icon } from './icon';

export type StepState = 'pending' | 'current' | 'done' | 'failed';
export type Step = { id: string; title: ReactNode; description?: ReactNode; state: StepState };

const STATE_TEXT: Record<StepState, string> = {
  pending: 'Not started',
  current: 'In progress',
  done: 'Completed',
  failed: 'Failed',
};

function Marker({ state, index }: { state: StepState; index: number }) {
  const base =
    'relative z-10 grid size-6 shrink-0 place-items-center rounded-full border text-xs font-semibold tabular';
  if (state === 'done')
    return (
      <span className={cn(base, 'border-success bg-success-bg text-success')}>
        <Icon name="check" size={13} strokeWidth={2.25} />
      </span>
    );
  if (state === 'failed')
    return (
      <span className={cn(base, 'border-danger bg-danger-bg text-danger')}>
        <Icon name="x" size={12} strokeWidth={2.25} />
      </span>
    );
  if (state === 'current')
    return (
      <span className={cn(base, 'border-inverse bg-inverse text-inverse-fg ring-4 ring-inverse/15')}>{index + 1}</span>
    );
  return <span className={cn(base, 'border-border-strong bg-surface text-fg-muted')}>{index + 1}</span>;
}

/**
 * A stepper (rotation wizard). An ordered list; the current step gets aria-current="step", and
 * each step's state is spelled out for screen readers (not conveyed by colour alone).
 */
export function Steps({
  steps,
  orientation = 'vertical',
  label = 'Progress',
  className,
}: {
  steps: Step[];
  orientation?: 'vertical' | 'horizontal';
  label?: string;
  className?: string;
}) {
  const vertical = orientation === 'vertical';
  return (
    <ol aria-label={label} className={cn(vertical ? 'flex flex-col' : 'flex items-start', className)}>
      {steps.map((step, i) => {
        const last = i === steps.length - 1;
        const connectorDone = step.state === 'done';
        return (
          <li
            key={step.id}
            aria-current={step.state === 'current' ? 'step' : undefined}
            className={cn('relative flex', vertical ? 'gap-3 pb-5 last:pb-0' : 'flex-1 flex-col gap-2 pr-3')}
          >
            {!last ? (
              <span
                aria-hidden="true"
                className={cn(
                  'absolute',
                  vertical ? 'top-6 left-3 -ml-px h-[calc(100%-1.5rem)] w-0.5' : 'top-3 right-0 left-6 -mt-px h-0.5',
                  connectorDone ? 'bg-success' : 'bg-border',
                )}
              />
            ) : null}
            <Marker state={step.state} index={i} />
            <div className={cn('min-w-0', vertical ? 'pt-0.5' : 'pr-2')}>
              <p
                className={cn(
                  'text-sm font-medium',
                  step.state === 'pending' ? 'text-fg-muted' : 'text-fg',
                  step.state === 'failed' && 'text-danger',
                )}
              >
                {step.title}
                <span className="sr-only"> — {STATE_TEXT[step.state]}</span>
              </p>
              {step.description ? <div className="mt-0.5 text-xs text-fg-muted">{step.description}</div> : null}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
