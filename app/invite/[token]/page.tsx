import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { publicWebContext } from '@/lib/runtime/web-runtime';
import { env } from '@/lib/env';
import { isRekeyError } from '@/lib/errors';
import { clientIpFrom } from '@/lib/http/request-context';
import { getCustomerPage, type CustomerPage } from '@/lib/invitations/get-customer-page';
import { customerActor } from '@/lib/invitations/open-invitation';
import { firstParam, type SearchParams } from '@/lib/utils';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Replace your connection’s certificate', robots: { index: false } };

// Label and value side by side from 390 px up; values wrap anywhere (thumbprints, UPNs, ids).
const GRID =
  'grid grid-cols-[minmax(0,7rem)_minmax(0,1fr)] gap-x-3 gap-y-1 sm:grid-cols-[10rem_minmax(0,1fr)] [&_dd]:[overflow-wrap:anywhere]';

/** The rotation's steps in the customer's words (the engine's names otherwise). */
const STEP: Record<string, string> = {
  preflight: 'Checked the connection and your permissions',
  add_new: 'Added the new certificate',
  verify_new: 'Checked the new certificate is registered',
  remove_old: 'Removed the old certificate',
  verify_old_gone: 'Checked the old certificate is gone',
};
const stepName = (s: string) => STEP[s] ?? s;

const fmt = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

function Shell({ children }: { children: React.ReactNode }) {
  return <main className="mx-auto max-w-2xl space-y-6 p-6 text-sm leading-6 print:p-0">{children}</main>;
}

function Message({ text }: { text: string }) {
  return (
    <p role="alert" id="message" className="rounded border border-amber-400 bg-amber-50 p-3 text-amber-950">
      {text}
    </p>
  );
}

function Certificate({ c }: { c: CustomerPage['invitation']['certificate'] }) {
  return (
    <dl className={GRID} id="new-certificate">
      <dt>Subject</dt>
      <dd>{c.subject}</dd>
      <dt>Issuer</dt>
      <dd>{c.issuer}</dd>
      <dt>SHA-1 thumbprint</dt>
      <dd className="font-mono break-all">{c.sha1Thumbprint}</dd>
      <dt>SHA-256 thumbprint</dt>
      <dd className="font-mono break-all">{c.sha256Thumbprint}</dd>
      <dt>Valid</dt>
      <dd>
        {fmt(c.notBefore)} – {fmt(c.notAfter)}
      </dd>
    </dl>
  );
}

/** The public page of an invitation link: who asks and why → sign in → confirm → progress → receipt. */
export default async function InvitationPage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { token } = await params;
  const message = firstParam((await searchParams).message)?.slice(0, 600);
  const h = await headers();
  let data: CustomerPage;
  try {
    const ctx = publicWebContext(customerActor({ clientIp: clientIpFrom(h, env().REKEY_TRUST_PROXY) }));
    data = await getCustomerPage(ctx, { token });
  } catch (e) {
    if (!isRekeyError(e)) throw e;
    return (
      <Shell>
        <h1 className="text-xl font-semibold">This link does not work</h1>
        <Message text={e.message} />
      </Shell>
    );
  }
  const { invitation: inv, rotation } = data;
  const tenant = inv.tenantName ?? inv.tenantDomain ?? inv.entraTenantId ?? 'your tenant';
  const base = `/invite/${encodeURIComponent(token)}`;
  const shown =
    message ??
    (['WRONG_TENANT', 'INSUFFICIENT_ROLE', 'CONSENT_DECLINED', 'FAILED'].includes(inv.view) ? inv.stateDetail : null);

  if (inv.view === 'EXPIRED' || inv.view === 'REVOKED')
    return (
      <Shell>
        <h1 className="text-xl font-semibold">
          {inv.view === 'EXPIRED' ? 'This invitation has expired' : 'This invitation was withdrawn'}
        </h1>
        <p id="status">
          {inv.view === 'EXPIRED'
            ? `It was valid until ${fmt(inv.expiresAt)}. Nothing was changed in ${tenant}. Ask the sender for a new link.`
            : `The sender withdrew it. Nothing was changed in ${tenant}.`}
        </p>
      </Shell>
    );

  if (inv.view === 'ROTATING' && rotation)
    return (
      <Shell>
        <meta httpEquiv="refresh" content="2" />
        <h1 className="text-xl font-semibold">Rotating {inv.connector?.displayName}</h1>
        <p id="status">
          Step: {stepName(rotation.step)} ({rotation.state.toLowerCase()}). You may close this page: the rotation
          continues, and this link shows its progress.
        </p>
        <ol className="list-decimal pl-6" id="steps">
          {rotation.steps.map((s, i) => (
            <li key={i}>
              {stepName(s.step)}: {s.outcome}
              {s.message ? ` — ${s.message}` : ''}
            </li>
          ))}
        </ol>
      </Shell>
    );

  if (inv.view === 'ROTATED' && rotation)
    return (
      <Shell>
        <h1 className="text-xl font-semibold" id="status">
          Done: {inv.connector?.displayName} now uses the new certificate
        </h1>
        {message ? <Message text={message} /> : null}
        <section aria-labelledby="receipt" className="space-y-2 rounded border p-4" id="receipt-section">
          <h2 id="receipt" className="font-semibold">
            Receipt
          </h2>
          <dl className={GRID}>
            <dt>Tenant</dt>
            <dd>{tenant}</dd>
            <dt>Connection</dt>
            <dd>{inv.connector?.displayName}</dd>
            <dt>Confirmed by</dt>
            <dd>{inv.customerUpn}</dd>
            <dt>Finished</dt>
            <dd>{rotation.finishedAt ? fmt(rotation.finishedAt) : '—'}</dd>
            <dt>Before (SHA-1)</dt>
            <dd className="font-mono break-all" id="before">
              {rotation.fromSha1 ?? 'unknown'} — removed
            </dd>
            <dt>After (SHA-1)</dt>
            <dd className="font-mono break-all" id="after">
              {rotation.toSha1} — present and verified
            </dd>
            <dt>Rotation id</dt>
            <dd className="font-mono break-all">{rotation.id}</dd>
          </dl>
          <ol className="list-decimal pl-6 text-xs">
            {rotation.steps.map((s, i) => (
              <li key={i}>
                {fmt(s.at)} {stepName(s.step)}: {s.outcome}
              </li>
            ))}
          </ol>
          <p className="text-xs">Print this page (Ctrl+P) to keep the receipt. Rekey keeps no token for {tenant}.</p>
        </section>
        <section className="space-y-2 print:hidden">
          <h2 className="font-semibold">Remove Rekey’s access from your tenant</h2>
          <p>
            Rekey holds no token. Its delegated consent stays in your tenant until you remove it: sign in once more and
            Rekey deletes the permission grant (and, if you choose, its app) through Microsoft Graph.
          </p>
          <p className="flex gap-3">
            <a className="underline" href={`${base}/sign-in?purpose=remove`}>
              Remove the permission grant
            </a>
            <a className="underline" href={`${base}/sign-in?purpose=remove&sp=1`}>
              Remove the grant and Rekey’s app
            </a>
          </p>
        </section>
      </Shell>
    );

  const intro = (
    <>
      <h1 className="text-xl font-semibold">{inv.vendorName} asks you to replace a connection’s certificate</h1>
      <p id="reason">{inv.reason}</p>
      <p>
        Tenant: <strong>{tenant}</strong>. This link works until {fmt(inv.expiresAt)}. You sign in with your own
        Microsoft administrator account; Rekey uses that sign-in only for this change and deletes it when the change
        ends.
      </p>
    </>
  );

  if (inv.view === 'SIGNED_IN' && data.holdsToken)
    return (
      <Shell>
        {intro}
        {shown ? <Message text={shown} /> : null}
        <section className="space-y-2">
          <h2 className="font-semibold">What Rekey found in {tenant}</h2>
          {inv.connector ? (
            <p id="found">
              The connection <strong>{inv.connector.displayName}</strong> (application id{' '}
              <span className="font-mono">{inv.connector.appId}</span>) holds these credentials, as Rekey read them from
              your tenant:
            </p>
          ) : (
            <p id="found">Rekey did not find the connection in your tenant; there is nothing to rotate.</p>
          )}
          {inv.connector && data.found.length ? (
            <ul className="space-y-1" id="credentials" aria-label="Credentials of the connection">
              {data.found.map((f, i) => (
                <li key={i} className="rounded border p-2">
                  <span className="font-mono break-all">{f.label}</span>: {f.kind} on the{' '}
                  {f.on === 'application' ? 'application' : 'service principal'}
                  {f.endDateTime ? `, valid until ${fmt(new Date(f.endDateTime))}` : ''}.
                  {f.compromised ? (
                    <strong className="block text-red-800">
                      Compromised: named in a security advisory. Anyone holding its key can sign in as this connection.
                    </strong>
                  ) : null}
                  {f.replaced ? <span className="block">The rotation replaces this certificate.</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
          <h2 className="font-semibold">The new certificate</h2>
          <Certificate c={inv.certificate} />
          <h2 className="font-semibold">The plan</h2>
          <ol className="list-decimal pl-6">
            <li>Add the new certificate to the connection’s application.</li>
            <li>Check that the new certificate is registered with the right thumbprint and dates.</li>
            <li>Remove the old certificate.</li>
            <li>Check that the old certificate no longer works.</li>
          </ol>
        </section>
        {inv.connector ? (
          <form method="post" action={`${base}/confirm`} className="space-y-2">
            <label className="block">
              Type the connection’s name, <strong>{inv.connector.displayName}</strong>, to confirm
              <input name="name" required autoComplete="off" className="mt-1 block w-full rounded border px-2 py-1" />
            </label>
            <button type="submit" className="rounded bg-blue-700 px-3 py-1.5 text-white">
              Replace the certificate
            </button>
          </form>
        ) : null}
      </Shell>
    );

  return (
    <Shell>
      {intro}
      {shown ? <Message text={shown} /> : null}
      <p>
        Who can do it: an Application Administrator, Cloud Application Administrator or Global Administrator of {tenant}{' '}
        (or the owner of the connection’s application). Microsoft will ask you to accept Rekey’s delegated permissions
        for your organization.
      </p>
      <a href={`${base}/sign-in`} className="inline-block rounded bg-blue-700 px-3 py-1.5 text-white" id="sign-in">
        Sign in with Microsoft
      </a>
    </Shell>
  );
}
