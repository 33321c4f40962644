'use client';

import { useEffect } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { LinkButton } from '@/components/ui/link-button';

/** Segment error boundary: the shell stays usable; the user can retry or go to the overview. */
export default function DashboardError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = typeof error === 'object' && error !== null && 'digest' in error ? String(error.digest) : undefined;

  return (
    <div className="mx-auto max-w-xl py-10">
      <Alert
        tone="danger"
        title="This page failed to load"
        action={
          <div className="flex gap-2">
            <Button size="sm" variant="secondary" onClick={() => retry()}>
              Try again
            </Button>
            <LinkButton size="sm" variant="ghost" href="/">
              Overview
            </LinkButton>
          </div>
        }
      >
        <p>Nothing was changed. Running rotations continue in the background.</p>
        {digest ? <p className="mt-1 font-mono text-xs text-fg-muted">Reference: {digest}</p> : null}
      </Alert>
    </div>
  );
}
