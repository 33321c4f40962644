import { cn } from '@/components/ui/cn';
import { CopyButton } from './copy-button';

export type CodeBlockProps = {
  code: string;
  /** Shown in the header bar, e.g. "PowerShell" or "SHA-256 thumbprint". */
  title?: string;
  copyable?: boolean;
  /** Wrap long lines (thumbprints, PEM) instead of scrolling. */
  wrap?: boolean;
  className?: string;
};

export function CodeBlock({ code, title, copyable = true, wrap, className }: CodeBlockProps) {
  return (
    <div className={cn('overflow-hidden rounded-lg border border-border bg-surface-2', className)}>
      {title || copyable ? (
        <div className="flex h-9 items-center justify-between gap-2 border-b border-border px-3">
          <span className="truncate text-xs font-medium text-fg-muted">{title}</span>
          {copyable ? <CopyButton text={code} label={title ? `Copy` : 'Copy'} /> : null}
        </div>
      ) : null}
      <pre
        tabIndex={0}
        aria-label={title}
        className={cn(
          'overflow-x-auto p-3 font-mono text-[12.5px] leading-relaxed text-fg',
          wrap ? 'break-all whitespace-pre-wrap' : 'whitespace-pre',
        )}
      >
        <code>{code}</code>
      </pre>
    </div>
  );
}

/** Inline mono text (ids, thumbprints) that truncates gracefully. */
export function Mono({ children, className }: { children: string; className?: string }) {
  return (
    <code className={cn('rounded bg-surface-2 px-1 py-0.5 font-mono text-[12px] text-fg', className)}>{children}</code>
  );
}
