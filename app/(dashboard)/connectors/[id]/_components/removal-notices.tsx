'use client';

import { createContext, useContext, useState, type ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';

export type RemovalNotice = { tone: 'danger' | 'success'; text: string };

const NoticeContext = createContext<(n: RemovalNotice | null) => void>(() => {});

/**
 * Holds the outcome of "Remove unknown credential" above the list it came from. A removed
 * credential leaves the list when the page re-renders, taking its row (and anything the row held)
 * with it; this component sits outside the list, so the confirmation outlives the row.
 * The polite live region is always in the page, so screen readers announce what is put into it.
 */
export function RemovalNotices({ children }: { children: ReactNode }) {
  const [notice, setNotice] = useState<RemovalNotice | null>(null);
  return (
    <NoticeContext.Provider value={setNotice}>
      <div role="status" aria-live="polite">
        {notice?.tone === 'success' ? (
          <Alert tone="success" live="none">
            {notice.text}
          </Alert>
        ) : null}
      </div>
      {notice?.tone === 'danger' ? (
        <Alert tone="danger" live="alert">
          {notice.text}
        </Alert>
      ) : null}
      {children}
    </NoticeContext.Provider>
  );
}

export function useRemovalNotice(): (n: RemovalNotice | null) => void {
  return useContext(NoticeContext);
}
