import type { Metadata } from 'next';
import { StatusPage } from '@/components/shell/status-page';
import { SIGN_IN_ERRORS, type SignInErrorReason } from '@/lib/auth/sign-in-errors';
import { firstParam, type SearchParams } from '@/lib/utils';

export const metadata: Metadata = { title: 'Sign-in problem', robots: { index: false } };

const MESSAGES: Record<SignInErrorReason, { title: string; text: string }> = {
  rate_limited: { title: 'Too many sign-in attempts', text: 'Wait a minute, then try again.' },
  config: {
    title: 'Sign-in is not set up',
    text: 'Rekey’s sign-in configuration is incomplete. The server log says which setting is missing (see the Configuration table in README.md).',
  },
  expired: {
    title: 'The sign-in attempt expired',
    text: 'It took longer than ten minutes, or it was started in another browser. Start again.',
  },
  mismatch: {
    title: 'The sign-in response did not match',
    text: 'The answer from Microsoft does not belong to this browser’s sign-in attempt. Start again.',
  },
  denied: { title: 'Sign-in was cancelled', text: 'Microsoft reported that sign-in was cancelled or not consented.' },
  rejected: {
    title: 'The sign-in response was rejected',
    text: 'Rekey could not verify the answer from Microsoft. Start again; if it keeps happening, ask an admin to check the server log.',
  },
  conflict: {
    title: 'This account cannot be linked',
    text: 'A Rekey user with the same sign-in name belongs to another account. Ask an admin to check Settings → Users.',
  },
  disabled: { title: 'Your Rekey account is disabled', text: 'Ask a Rekey admin to enable it again.' },
  unavailable: {
    title: 'Microsoft sign-in is unavailable',
    text: 'Rekey could not reach the sign-in service. Try again shortly.',
  },
  internal: { title: 'Something went wrong', text: 'The error was logged. Try again.' },
};

export default async function SignInErrorPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const raw = firstParam((await searchParams).reason);
  const reason: SignInErrorReason =
    raw && (SIGN_IN_ERRORS as readonly string[]).includes(raw) ? (raw as SignInErrorReason) : 'internal';
  const m = MESSAGES[reason];
  return (
    <StatusPage code="Sign-in" title={m.title} description={<p>{m.text}</p>}>
      <a
        href="/auth/sign-in"
        className="inline-flex h-8 items-center rounded-md bg-inverse px-3 text-sm font-medium text-inverse-fg hover:bg-inverse/85"
      >
        Sign in
      </a>
    </StatusPage>
  );
}
