import type { Metadata } from 'next';
import { StatusPage } from '@/components/shell/status-page';

export const metadata: Metadata = { title: 'Signed out', robots: { index: false } };

export default function SignedOutPage() {
  return (
    <StatusPage
      code="Signed out"
      title="You signed out of Rekey"
      description={<p>Your session has ended on this device.</p>}
    >
      <a
        href="/auth/sign-in"
        className="inline-flex h-8 items-center rounded-md bg-inverse px-3 text-sm font-medium text-inverse-fg hover:bg-inverse/85"
      >
        Sign in again
      </a>
    </StatusPage>
  );
}
