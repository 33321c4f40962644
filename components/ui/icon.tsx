import type { SVGProps } from 'react';
import { ICON_PATHS as PATHS, type IconName } from './icon-paths';

export type { IconName };

type IconProps = Omit<SVGProps<SVGSVGElement>, 'children'> & { name: IconName; size?: number; label?: string };

/**
 * The fixed stroke styling (no fill, currentColor, round caps and joins) comes from `svg.icon` in
 * globals.css rather than five attributes on every icon: a table page has a hundred of them, each
 * written twice (HTML and page payload). A caller's className replaces `shrink-0`, as before.
 */
export function Icon({ name, size = 16, label, strokeWidth = 1.5, className, ...rest }: IconProps) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      strokeWidth={strokeWidth}
      // Only the attributes that apply: undefined props still cost bytes in the page payload.
      {...(label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true })}
      className={`icon ${className ?? 'shrink-0'}`}
      {...rest}
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
