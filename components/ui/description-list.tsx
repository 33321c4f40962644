import type { ReactNode } from 'react';
import { cn } from '@/components/ui/cn';

export type DescriptionItem = { term: ReactNode; value: ReactNode; key?: string };

/** Key/value pairs (certificate details, tenant facts). Two columns when there is room. */
export function DescriptionList({
  items,
  columns = 1,
  className,
}: {
  items: DescriptionItem[];
  columns?: 1 | 2;
  className?: string;
}) {
  return (
    <dl className={cn('grid gap-x-6 text-sm', columns === 2 && 'sm:grid-cols-2', className)}>
      {items.map((item, i) => (
        <div
          key={item.key ?? i}
          className={cn(
            'grid grid-cols-[minmax(7rem,38%)_1fr] gap-3 border-t border-border py-2 first:border-t-0',
            columns === 2 && 'sm:[&:nth-child(2)]:border-t-0',
          )}
        >
          <dt className="text-fg-muted">{item.term}</dt>
          <dd className="min-w-0 break-words text-fg">{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
