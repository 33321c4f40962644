import Link from 'next/link';
import type { ComponentProps } from 'react';
import { buttonClasses, type ButtonSize, type ButtonVariant } from './button';

export type LinkButtonProps = ComponentProps<typeof Link> & { variant?: ButtonVariant; size?: ButtonSize };

/**
 * A link styled as a button (navigation, not an action). No prefetch unless asked for: these are
 * page actions (export, add, cancel, next step), and prefetching each one on every page view costs
 * a server request apiece for a route the user rarely takes. The click navigates just the same.
 */
export function LinkButton({ variant, size, className, prefetch = false, ...rest }: LinkButtonProps) {
  return <Link className={buttonClasses(variant, size, className)} prefetch={prefetch} {...rest} />;
}
