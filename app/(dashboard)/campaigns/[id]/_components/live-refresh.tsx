'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

/** Re-renders the server page every `intervalMs` while mounted (a running campaign). */
export function LiveRefresh({ intervalMs = 2000 }: { intervalMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') router.refresh();
    }, intervalMs);
    return () => clearInterval(t);
  }, [router, intervalMs]);
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-fg-muted print:hidden" role="status">
      <span className="size-2 animate-pulse rounded-full bg-info" aria-hidden="true" />
      Live — updates every {Math.round(intervalMs / 1000)} s
    </span>
  );
}
