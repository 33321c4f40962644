'use client';

import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Button, type ButtonVariant } from '@/components/ui/button';
import { CHECKBOX_CLASSES } from '@/components/ui/checkbox';

/** Row checkboxes live in table cells and join the bulk form through the `form` attribute. */
function rowBoxes(formId: string, name: string): HTMLInputElement[] {
  return [
    ...document.querySelectorAll<HTMLInputElement>(
      `input[type="checkbox"][form="${CSS.escape(formId)}"][name="${CSS.escape(name)}"]`,
    ),
  ];
}

function useSelection(formId: string, name: string) {
  const [state, setState] = useState({ checked: 0, total: 0 });
  useEffect(() => {
    const update = () => {
      const boxes = rowBoxes(formId, name);
      setState({ checked: boxes.filter((b) => b.checked).length, total: boxes.length });
    };
    update();
    const onChange = (e: Event) => {
      const t = e.target;
      if (t instanceof HTMLInputElement && t.getAttribute('form') === formId) update();
    };
    document.addEventListener('change', onChange);
    // The bulk form resets after a successful server action; recount then.
    const form = document.getElementById(formId);
    const onReset = () => setTimeout(update, 0);
    form?.addEventListener('reset', onReset);
    return () => {
      document.removeEventListener('change', onChange);
      form?.removeEventListener('reset', onReset);
    };
  }, [formId, name]);
  return state;
}

/** "Select all on this page" header checkbox (tri-state). */
export function SelectAllCheckbox({ formId, name }: { formId: string; name: string }) {
  const { checked, total } = useSelection(formId, name);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = checked > 0 && checked < total;
  }, [checked, total]);
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label="Select all rows on this page"
      className={CHECKBOX_CLASSES}
      checked={total > 0 && checked === total}
      disabled={total === 0}
      onChange={(e) => {
        for (const box of rowBoxes(formId, name)) {
          if (box.checked !== e.target.checked) {
            box.checked = e.target.checked;
            box.dispatchEvent(new Event('change', { bubbles: true }));
          }
        }
      }}
    />
  );
}

/** Live count of selected rows for the bulk action bar. */
export function SelectionCount({ formId, name }: { formId: string; name: string }) {
  const { checked } = useSelection(formId, name);
  return (
    <span role="status" className="tabular text-xs text-fg-muted">
      {checked === 0 ? 'No rows selected' : `${checked} selected`}
    </span>
  );
}

/** A bulk action's submit button: disabled until at least one row is selected. */
export function BulkActionButton({
  formId,
  name,
  value,
  variant,
  children,
}: {
  formId: string;
  name: string;
  value: string;
  variant?: ButtonVariant;
  children: ReactNode;
}) {
  const { checked } = useSelection(formId, name);
  return (
    <Button
      type="submit"
      size="sm"
      variant={variant ?? 'secondary'}
      name="intent"
      value={value}
      disabled={checked === 0}
    >
      {children}
    </Button>
  );
}
