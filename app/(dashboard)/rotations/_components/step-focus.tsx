'use client';

import { useEffect } from 'react';

/**
 * Moves keyboard focus to the wizard step's heading when the step appears (each step is its own
 * page load), so a keyboard user starts at the step and not at the top of the page.
 */
export function StepFocus({ headingId }: { headingId: string }) {
  useEffect(() => {
    const h = document.getElementById(headingId);
    if (h && !h.contains(document.activeElement)) h.focus({ preventScroll: false });
  }, [headingId]);
  return null;
}
