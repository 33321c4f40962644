import type { ReactNode } from 'react';
import { Brand } from './brand';

/** Full-page message outside the dashboard shell (404, 403). */
export function StatusPage({
  code,
  title,
  description,
  children,
}: {
  code: string;
  title: ReactNode;
  description: ReactNode;
  children?: ReactNode;
}) {
  return (
    <main id="main" className="flex min-h-dvh flex-col items-center justify-center px-6 py-16">
      <div className="w-full max-w-md space-y-6">
        <Brand />
        <div className="space-y-2">
          <p className="font-mono text-sm text-fg-muted">{code}</p>
          <h1 className="text-2xl font-semibold tracking-tight text-fg">{title}</h1>
          <div className="text-sm text-fg-muted">{description}</div>
        </div>
        {children ? <div className="flex flex-wrap gap-2">{children}</div> : null}
      </div>
    </main>
  );
}
