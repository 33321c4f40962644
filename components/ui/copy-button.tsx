'use client';

import { useEffect, useState } from 'react';
import { cn } from '@/components/ui/cn';
import { Icon } from './icon';

/** Copies `text` to the clipboard and announces the result politely. */
export function CopyButton({ text, label = 'Copy', className }: { text: string; label?: string; className?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(t);
  }, [state]);

  return (
    <button
      type="button"
      onClick={() => {
        navigator.clipboard.writeText(text).then(
          () => setState('copied'),
          () => setState('failed'),
        );
      }}
      className={cn(
        'inline-flex h-6 items-center gap-1 rounded-md border border-border bg-surface px-1.5 text-xs font-medium text-fg-muted transition-colors hover:bg-surface-2 hover:text-fg',
        className,
      )}
    >
      <Icon name={state === 'copied' ? 'check' : 'copy'} size={12} />
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}</span>
    </button>
  );
}
