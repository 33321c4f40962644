import type { HTMLAttributes } from 'react';

/** Content for screen readers only (Tailwind `sr-only`). */
export function VisuallyHidden({
  as: As = 'span',
  ...rest
}: HTMLAttributes<HTMLElement> & { as?: 'span' | 'div' | 'h2' | 'p' }) {
  return <As className="sr-only" {...rest} />;
}
