'use client';

import { Button } from '@/components/ui/button';

/** Opens the browser's print dialog (where "Save as PDF" lives). */
export function PrintButton() {
  return (
    <Button size="sm" variant="secondary" onClick={() => window.print()} className="print:hidden">
      Print / save as PDF
    </Button>
  );
}
