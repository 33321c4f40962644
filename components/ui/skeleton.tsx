import type { HTMLAttributes } from 'react';
import { cn } from '@/components/ui/cn';

/** Placeholder block while content loads. Decorative: announce loading elsewhere (e.g. aria-busy). */
export function Skeleton({ className, ...rest }: HTMLAttributes<HTMLDivElement>) {
  return <div aria-hidden="true" className={cn('animate-shimmer rounded-md bg-surface-3', className)} {...rest} />;
}
