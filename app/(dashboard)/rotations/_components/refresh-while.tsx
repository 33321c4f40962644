'use client';

import { useEffect } from 'react';
import { useRouter } from 'next/navigation';

/**
 * Re-renders the server page every `intervalMs` while `active` (the worker advances the rotation;
 * the page reads the new RotationStep rows). Renders a polite status line for screen readers.
 */
export function RefreshWhile({
  active,
  intervalMs = 2000,
  label,
}: {
  active: boolean;
  intervalMs?: number;
  label: string;
}) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => router.refresh(), intervalMs);
    return () => clearInterval(t);
  }, [active, intervalMs, router]);
  return active ? (
    <p className="flex items-center gap-2 text-xs text-fg-muted" role="status">
      <span className="size-2 animate-pulse rounded-full bg-info" aria-hidden="true" />
      {label}
    </p>
  ) : null;
}
