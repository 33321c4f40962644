import type { Metadata } from 'next';
import { StatusPage } from '@/components/shell/status-page';
import { getPrincipal } from '@/lib/auth/context';

export const metadata: Metadata = { title: 'No access yet', robots: { index: false } };

/** Signed in, but no role assigned yet (REKEY_ADMINS decides the first admins). */
export default async function NoAccessPage() {
  const principal = await getPrincipal();
  return (
    <StatusPage
      code="403"
      title="No access yet"
      description={
        <div className="space-y-3">
          <p>
            {principal ? (
              <>
                You are signed in as <strong className="text-fg">{principal.email}</strong>, but no role has been
                assigned to you.
              </>
            ) : (
              'Your account has no role in Rekey yet.'
            )}
          </p>
          <p>
            Ask a Rekey admin to assign you a role in Settings → Users (Viewer to look, Operator to rotate), optionally
            limited to the tenants you manage. Then sign in again.
          </p>
        </div>
      }
    >
      <form action="/auth/sign-out" method="post">
        <button
          type="submit"
          className="inline-flex h-8 items-center rounded-md border border-border-strong bg-surface px-3 text-sm font-medium text-fg hover:bg-surface-2"
        >
          Sign out
        </button>
      </form>
    </StatusPage>
  );
}
