import Link from 'next/link';
import { Icon } from '@/components/ui/icon';

export function Brand() {
  return (
    <Link
      href="/"
      prefetch={false}
      className="flex items-center gap-2 rounded-md px-1 text-sm font-semibold tracking-tight text-fg"
    >
      <span className="grid size-6 place-items-center rounded-md bg-inverse text-inverse-fg">
        <Icon name="key" size={14} strokeWidth={1.75} />
      </span>
      Rekey
    </Link>
  );
}
