import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/shell/page-header';
import { StatusChip } from '@/components/status/status-chip';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Mono } from '@/components/ui/code-block';
import { DescriptionList } from '@/components/ui/description-list';
import { ProgressBar } from '@/components/ui/progress-bar';
import { Steps, type Step, type StepState } from '@/components/ui/steps';
import { Table, TableContainer, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { pageContext } from '@/lib/auth/context';
import { isGuid } from '@/lib/text/guid';
import { canAccessTenant } from '@/lib/auth/principal';
import { getRotationEvidence, type RotationEvidence } from '@/lib/rotation/get-rotation-evidence';
import {
  cancelRefusal,
  isActive,
  planFor,
  planStepsOf,
  type MachineState,
  type PlanName,
  type RotationState,
  type StepName,
} from '@/lib/rotation/machine';
import type { CredentialList, CutoverFacts } from '@/lib/rotation/rotation-facts';
import { formatDateTime, formatDuration, formatRelativeTime } from '@/lib/utils';
import { ConfirmCutover } from '../_components/confirm-cutover';
import { CredentialTable, type CredentialRow } from '../_components/credential-table';
import { FirstUseCheck } from '../_components/first-use-check';
import { RefreshWhile } from '../_components/refresh-while';
import { RotationControls } from '../_components/rotation-controls';
import { orNotFound } from '../_lib/page-access';
import { findRotationExtras } from '@/lib/rotation/rotation-queries';
import { PLAN_LABEL, stepLabel } from '../_lib/step-labels';

export const metadata: Metadata = { title: 'Rotation' };

type Props = { params: Promise<{ id: string }> };

const VERIFY_STEPS: ReadonlySet<string> = new Set(['verify_new', 'verify_old_gone']);

/** Each plan step's state from the rotation's position and the RotationStep rows. */
function planSteps(ev: RotationEvidence, plan: PlanName, cutover: boolean): Step[] {
  const state = ev.rotation.state as RotationState;
  const order: readonly string[] = planStepsOf(plan, cutover).filter((s) => s !== 'done');
  const current = ev.rotation.step;
  const sidePath = current !== 'done' && !order.includes(current);
  const at = current === 'done' ? order.length : order.indexOf(current);
  const rowsOf = (s: string) => ev.steps.filter((x) => x.step === s);
  const steps: Step[] = order.map((s, i) => {
    const rows = rowsOf(s);
    const last = rows[rows.length - 1];
    let st: StepState;
    if (state === 'SUCCEEDED') st = 'done';
    else if (sidePath)
      st = rows.some((r) => r.outcome === 'succeeded')
        ? 'done'
        : last?.outcome.startsWith('failed')
          ? 'failed'
          : 'pending';
    else if (i < at) st = 'done';
    else if (i === at)
      st = state === 'NEEDS_ATTENTION' || state === 'FAILED' ? 'failed' : isActive(state) ? 'current' : 'pending';
    else st = 'pending';
    return {
      id: s,
      title: stepLabel(s),
      state: st,
      description: last
        ? `${last.message}${last.durationMs ? ` (${formatDuration(last.durationMs)})` : ''} · ${formatDateTime(last.at)}`
        : undefined,
    };
  });
  if (sidePath) {
    const rows = rowsOf(current);
    steps.push({
      id: current,
      title: stepLabel(current),
      state: isActive(state) ? 'current' : 'done',
      description: rows[rows.length - 1]?.message,
    });
  }
  return steps;
}

const credRows = (l: CredentialList | undefined): CredentialRow[] =>
  [...(l?.app ?? []), ...(l?.sp ?? [])].map((c) => ({
    keyId: c.keyId,
    sha1: c.sha1,
    on: c.on,
    displayName: c.displayName,
    start: c.start,
    end: c.end,
  }));

export default async function RotationPage({ params }: Props) {
  const ctx = await pageContext('viewer');
  const { principal } = ctx;
  const { id } = await params;
  if (!isGuid(id)) notFound();
  const ev = await orNotFound(() => getRotationEvidence(ctx, { rotationId: id }));
  const extras = await findRotationExtras(ctx, { rotationId: id });
  const now = ctx.now;
  const state = ev.rotation.state as RotationState;
  const plan: PlanName =
    ev.facts.plan ?? planFor(ev.rotation.mode === 'reestablish' ? 'reestablish' : 'rotate', ev.facts.recreateRequested);
  const cutover = plan === 'rotate' && typeof ev.facts.cutover?.hours === 'number';
  const machine: MachineState = {
    state,
    step: ev.rotation.step as StepName,
    plan,
    attempts: extras?.attempts ?? 0,
    cutover,
  };
  const awaitingCutover = ev.rotation.step === 'await_cutover' && isActive(state) && state !== 'NEEDS_ATTENTION';
  const refusal = cancelRefusal(machine);
  const canOperate = extras ? canAccessTenant(principal, extras.connector.tenant, 'operator') : false;
  const polling = state === 'PENDING' || state === 'RUNNING' || state === 'WAITING';
  const steps = planSteps(ev, plan, cutover);
  const doneCount = steps.filter((s) => s.state === 'done').length;
  const oldSha1 = ev.from?.sha1.toUpperCase() ?? ev.facts.oldSha1 ?? null;
  const newSha1 = ev.to.sha1.toUpperCase();
  const mark = (c: CredentialRow) =>
    c.sha1 === newSha1
      ? { label: 'new', tone: 'success' as const }
      : c.sha1 && c.sha1 === oldSha1
        ? { label: 'old', tone: 'danger' as const }
        : { label: 'other', tone: 'neutral' as const };
  const verifyStates = steps.filter((s) => VERIFY_STEPS.has(s.id));
  const phase = (st: StepState[]): StepState =>
    st.includes('failed')
      ? 'failed'
      : st.every((x) => x === 'done')
        ? 'done'
        : st.some((x) => x === 'current' || x === 'done')
          ? 'current'
          : 'pending';
  const runPhase = phase(steps.filter((s) => !VERIFY_STEPS.has(s.id)).map((s) => s.state));
  const verifyPhase = phase(verifyStates.map((s) => s.state));
  const wizard: Step[] = [
    { id: 'setup', title: 'Review · Certificate · Preflight · Confirm', state: 'done' },
    { id: 'run', title: 'Run', state: runPhase },
    { id: 'verify', title: 'Verify', state: runPhase === 'failed' ? 'pending' : verifyPhase },
    {
      id: 'done',
      title: 'Done',
      state:
        state === 'SUCCEEDED'
          ? 'done'
          : state === 'FAILED' || state === 'ROLLED_BACK' || state === 'CANCELLED'
            ? 'failed'
            : 'pending',
    },
  ];

  return (
    <>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            Rotation of {ev.connector.displayName}
            <StatusChip kind="rotation" status={state} />
          </span>
        }
        breadcrumbs={[
          { href: '/rotations', label: 'Rotations' },
          { href: `/connectors/${ev.connector.id}`, label: `${ev.tenant.displayName} · ${ev.connector.displayName}` },
        ]}
        description={`${PLAN_LABEL[plan]}${cutover ? `, keeping the old key until the vendor’s cutover (at most ${ev.facts.cutover!.hours} hours)` : ''}. Started by ${ev.rotation.startedBy || 'system'} ${formatRelativeTime(ev.rotation.createdAt, now)}.`}
      />
      <nav aria-label="Rotation progress" className="mb-6 rounded-lg border border-border bg-surface p-4">
        <Steps steps={wizard} orientation="horizontal" label="Rotation wizard steps" />
      </nav>

      {state === 'NEEDS_ATTENTION' ? (
        <Alert
          tone="warning"
          className="mb-4"
          title="Needs attention"
          action={
            canOperate ? (
              <RotationControls
                rotationId={ev.rotation.id}
                connectorName={ev.connector.displayName}
                canRetry
                canCancel={refusal === null}
                cancelRefusal={refusal}
              />
            ) : null
          }
        >
          <p data-testid="rotation-error">
            {ev.rotation.errorMessage ?? 'The rotation stopped; an operator needs to act.'}
          </p>
          {ev.rotation.errorCode ? <p className="text-xs text-fg-muted">Code {ev.rotation.errorCode}</p> : null}
        </Alert>
      ) : null}
      {awaitingCutover && ev.facts.cutover ? (
        <CutoverWait
          cutover={ev.facts.cutover}
          now={now}
          action={
            canOperate ? <ConfirmCutover rotationId={ev.rotation.id} connectorName={ev.connector.displayName} /> : null
          }
        />
      ) : null}
      {state === 'WAITING' && ev.rotation.errorMessage ? (
        <Alert tone="info" className="mb-4" title="Waiting to try again">
          {ev.rotation.errorMessage}
        </Alert>
      ) : null}
      {state === 'FAILED' || state === 'ROLLED_BACK' ? (
        <Alert
          tone={state === 'FAILED' ? 'danger' : 'warning'}
          className="mb-4"
          title={state === 'FAILED' ? 'Failed' : 'Rolled back'}
        >
          {ev.rotation.errorMessage ?? 'The rotation stopped.'}
        </Alert>
      ) : null}
      {state === 'CANCELLED' ? (
        <Alert tone="info" className="mb-4" title="Cancelled">
          {ev.rotation.errorMessage ?? 'The rotation was cancelled; the current credential stayed in place.'}
        </Alert>
      ) : null}
      {state === 'SUCCEEDED' ? (
        <Alert tone="success" className="mb-4" title="Succeeded" live="none">
          {ev.connector.displayName} now uses {ev.to.subject}. The evidence is below.
        </Alert>
      ) : null}

      <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)] [&>*]:min-w-0">
        <Card>
          <CardHeader
            actions={
              polling && canOperate && refusal === null ? (
                <RotationControls
                  rotationId={ev.rotation.id}
                  connectorName={ev.connector.displayName}
                  canRetry={false}
                  canCancel
                  cancelRefusal={null}
                />
              ) : null
            }
          >
            <CardTitle>5 · Run</CardTitle>
            <CardDescription>The worker runs each step; this page follows it live.</CardDescription>
          </CardHeader>
          <CardBody className="space-y-4">
            <ProgressBar
              label="Steps completed"
              value={doneCount}
              max={steps.length}
              showLabel
              valueText={`${doneCount} of ${steps.length} steps`}
              tone={state === 'NEEDS_ATTENTION' ? 'warning' : state === 'SUCCEEDED' ? 'success' : 'info'}
            />
            <Steps steps={steps} label="Rotation steps" />
            <RefreshWhile
              active={polling}
              label={`${awaitingCutover ? 'Waiting for the vendor’s cutover' : state === 'WAITING' ? 'Waiting' : 'Running'}: this page updates every few seconds.`}
            />
          </CardBody>
        </Card>
        <div className="space-y-6">
          <Card>
            <CardHeader>
              <CardTitle>Facts</CardTitle>
            </CardHeader>
            <CardBody>
              <DescriptionList
                items={[
                  {
                    term: 'Tenant',
                    value: (
                      <Link href={`/tenants/${ev.tenant.id}`} className="underline-offset-2 hover:underline">
                        {ev.tenant.displayName}
                      </Link>
                    ),
                  },
                  {
                    term: 'Connector',
                    value: (
                      <Link href={`/connectors/${ev.connector.id}`} className="underline-offset-2 hover:underline">
                        {ev.connector.displayName}
                      </Link>
                    ),
                  },
                  {
                    term: 'From',
                    value: ev.from ? (
                      <Link href={`/certificates/${ev.from.id}`} className="underline-offset-2 hover:underline">
                        {ev.from.subject}
                      </Link>
                    ) : (
                      'None on record'
                    ),
                  },
                  {
                    term: 'To',
                    value: (
                      <Link href={`/certificates/${ev.to.id}`} className="underline-offset-2 hover:underline">
                        {ev.to.subject}
                      </Link>
                    ),
                  },
                  { term: 'Created', value: formatDateTime(ev.rotation.createdAt) },
                  { term: 'Started', value: ev.rotation.startedAt ? formatDateTime(ev.rotation.startedAt) : 'Not yet' },
                  { term: 'Finished', value: ev.rotation.finishedAt ? formatDateTime(ev.rotation.finishedAt) : '—' },
                  ...(ev.rotation.finishedAt && ev.rotation.startedAt
                    ? [
                        {
                          term: 'Duration',
                          value: formatDuration(ev.rotation.finishedAt.getTime() - ev.rotation.startedAt.getTime()),
                        },
                      ]
                    : []),
                  ...(ev.facts.add
                    ? [{ term: 'Key added by', value: `${ev.facts.add.path}: ${ev.facts.add.reason}` }]
                    : []),
                  ...(extras?.campaignId
                    ? [
                        {
                          term: 'Campaign',
                          value: (
                            <Link
                              href={`/campaigns/${extras.campaignId}`}
                              className="underline-offset-2 hover:underline"
                            >
                              Part of a campaign
                            </Link>
                          ),
                        },
                      ]
                    : []),
                ]}
              />
            </CardBody>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>6 · Verify</CardTitle>
              <CardDescription>How Rekey knows the change worked.</CardDescription>
            </CardHeader>
            <CardBody className="space-y-3 text-sm">
              <VerifyLine
                title="New key works"
                fact={ev.facts.verifyNew}
                pending="Not verified yet."
                tokenText="A token request with the new key succeeded."
                presenceText="The new credential is present and valid (Rekey does not hold its key, so it could not sign in)."
              />
              {cutover ? (
                <div>
                  <p className="font-medium">Vendor switched to the new key</p>
                  <p className="text-fg-muted" data-testid="cutover-outcome">
                    {cutoverOutcome(ev.facts.cutover)}
                  </p>
                </div>
              ) : null}
              <VerifyLine
                title="Old key absent and refused"
                fact={ev.facts.verifyOldGone}
                pending="Not verified yet."
                tokenText="A token request with the old key was refused."
                presenceText="The old credential is absent from the application and service principal."
              />
              {state === 'SUCCEEDED' && ev.facts.cutover?.ended?.reason !== 'vendor_sign_in' ? (
                <div className="border-t border-border pt-3">
                  <p className="mb-2 text-xs text-fg-muted">
                    Optional: wait for the vendor’s service to sign in with the new key.
                  </p>
                  <FirstUseCheck rotationId={ev.rotation.id} />
                </div>
              ) : null}
            </CardBody>
          </Card>
        </div>
      </div>

      <section aria-labelledby="evidence-title" className="mt-6 space-y-6">
        <h2 id="evidence-title" className="text-base font-semibold">
          7 · Evidence summary
        </h2>
        {!ev.facts.before && !ev.facts.after ? (
          <p className="text-sm text-fg-muted">
            The credential lists appear here once the rotation has read the tenant.
          </p>
        ) : null}
        {/* One above the other: side by side, each table hid its last column (the Rekey mark) at 1440 px. */}
        <div className="grid gap-6 [&>*]:min-w-0">
          {ev.facts.before ? (
            <Card>
              <CardHeader>
                <CardTitle>Credentials before</CardTitle>
                <CardDescription>Read {formatDateTime(ev.facts.before.at)}</CardDescription>
              </CardHeader>
              <CardBody>
                <CredentialTable label="Credentials before" rows={credRows(ev.facts.before)} mark={mark} />
              </CardBody>
            </Card>
          ) : null}
          {ev.facts.after ? (
            <Card>
              <CardHeader>
                <CardTitle>Credentials after</CardTitle>
                <CardDescription>Read {formatDateTime(ev.facts.after.at)}</CardDescription>
              </CardHeader>
              <CardBody>
                <CredentialTable label="Credentials after" rows={credRows(ev.facts.after)} mark={mark} />
              </CardBody>
            </Card>
          ) : null}
        </div>
        <Card>
          <CardHeader>
            <CardTitle>Who did what</CardTitle>
            <CardDescription>Audit events for this rotation (hash-chained).</CardDescription>
          </CardHeader>
          <CardBody>
            <TableContainer label="Audit events">
              <Table>
                <caption className="sr-only">Audit events</caption>
                <THead>
                  <tr>
                    <TH>When</TH>
                    <TH>Who</TH>
                    <TH>What</TH>
                    <TH>Hash</TH>
                  </tr>
                </THead>
                <TBody>
                  {ev.audit.map((a) => (
                    <TR key={a.seq}>
                      <TD className="whitespace-nowrap">{formatDateTime(a.at)}</TD>
                      <TD>{a.actor || 'system'}</TD>
                      <TD>
                        <Badge>{a.action}</Badge>
                      </TD>
                      <TD>
                        <Mono>{a.hash.slice(0, 12)}</Mono>
                      </TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
            </TableContainer>
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Step log</CardTitle>
            <CardDescription>Every attempt of every step, oldest first.</CardDescription>
          </CardHeader>
          <CardBody>
            {ev.steps.length ? (
              <TableContainer label="Step log">
                <Table>
                  <caption className="sr-only">Step log</caption>
                  <THead>
                    <tr>
                      <TH>When</TH>
                      <TH>Step</TH>
                      <TH>Outcome</TH>
                      <TH>Message</TH>
                      <TH align="right">Took</TH>
                    </tr>
                  </THead>
                  <TBody>
                    {ev.steps.map((s, i) => (
                      <TR key={i}>
                        <TD className="whitespace-nowrap">{formatDateTime(s.at)}</TD>
                        <TD className="whitespace-nowrap">{s.step.replace(/_/g, ' ')}</TD>
                        <TD>
                          <Badge
                            tone={
                              s.outcome === 'succeeded'
                                ? 'success'
                                : s.outcome.startsWith('failed')
                                  ? 'danger'
                                  : 'neutral'
                            }
                          >
                            {s.outcome.replace(/_/g, ' ')}
                          </Badge>
                        </TD>
                        <TD className="min-w-64">{s.message}</TD>
                        <TD align="right">{s.durationMs ? formatDuration(s.durationMs) : '—'}</TD>
                      </TR>
                    ))}
                  </TBody>
                </Table>
              </TableContainer>
            ) : (
              <p className="text-sm text-fg-muted">No step has run yet.</p>
            )}
          </CardBody>
        </Card>
      </section>
    </>
  );
}

function VerifyLine({
  title,
  fact,
  pending,
  tokenText,
  presenceText,
}: {
  title: string;
  fact: { at: string; method: 'token' | 'presence'; detail: string } | undefined;
  pending: string;
  tokenText: string;
  presenceText: string;
}) {
  return (
    <div>
      <p className="font-medium">{title}</p>
      <p className="text-fg-muted">
        {fact ? `${fact.method === 'token' ? tokenText : presenceText} ${formatDateTime(fact.at)}.` : pending}
      </p>
    </div>
  );
}

function cutoverOutcome(c: CutoverFacts | undefined): string {
  const ended = c?.ended;
  if (!ended)
    return c?.since
      ? `Waiting since ${formatDateTime(c.since)}.`
      : 'Not yet: Rekey waits once the new key is verified.';
  if (ended.reason === 'vendor_sign_in' && ended.signIn)
    return `The vendor’s service signed in with the new key from ${ended.signIn.ipAddress} at ${formatDateTime(ended.signIn.at)}.`;
  if (ended.reason === 'confirmed')
    return `${c.confirmed?.by ?? 'An admin'} confirmed the switch at ${formatDateTime(c.confirmed?.at ?? ended.at)}.`;
  return `No sign-in with the new key from the vendor’s addresses by the deadline (${c.until ? formatDateTime(c.until) : 'passed'}); the old key was removed as planned.`;
}

/** What a rotation waiting for the vendor's cutover waits for, since when, until when, and what it has seen. */
function CutoverWait({ cutover: c, now, action }: { cutover: CutoverFacts; now: Date; action: React.ReactNode }) {
  const check = c.lastCheck;
  const seen = !check
    ? 'Rekey has not looked at the sign-in logs yet.'
    : check.logs !== 'available'
      ? (check.detail ?? 'The sign-in logs could not be read.')
      : check.unknownSignIns > 0
        ? `${check.unknownSignIns} sign-in${check.unknownSignIns > 1 ? 's' : ''} with the new key from outside the vendor’s known addresses, none from them.`
        : 'No sign-in with the new key yet.';
  return (
    <section
      aria-labelledby="cutover-title"
      data-testid="cutover-wait"
      className="mb-4 rounded-lg border border-info-border bg-info-bg p-4"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 space-y-1">
          <h2 id="cutover-title" className="text-base font-semibold">
            Waiting for the vendor’s service to switch to the new key
          </h2>
          <p className="text-sm text-fg-muted">
            The new key works. Both keys stay on the application until the sign-in logs show the vendor’s service using
            the new key from its known addresses,{' '}
            {action ? 'you confirm with the button here' : 'an operator confirms on this page'}, or the deadline passes.
            Then Rekey removes the old key.
          </p>
        </div>
        {action}
      </div>
      <DescriptionList
        className="mt-3"
        columns={2}
        items={[
          { term: 'Waiting since', value: c.since ? formatDateTime(c.since) : 'Starting' },
          {
            term: 'Deadline',
            value: c.until ? `${formatDateTime(c.until)} (${formatRelativeTime(c.until, now)})` : `${c.hours} hours`,
          },
          {
            term: 'Last looked at the sign-in logs',
            value: check ? `${formatDateTime(check.at)} (${formatRelativeTime(check.at, now)})` : 'Not yet',
          },
          { term: 'Seen so far', value: <span data-testid="cutover-seen">{seen}</span> },
        ]}
      />
      {check && check.unknown.length > 0 ? (
        <Alert tone="warning" className="mt-3" title="The new key was used from an address the vendor does not use">
          <ul className="list-disc pl-5">
            {check.unknown.map((u) => (
              <li key={u.signInId}>
                <Mono>{u.ipAddress}</Mono> at {formatDateTime(u.at)}
              </li>
            ))}
          </ul>
          <p className="mt-1">
            Check the vendor’s addresses in Settings; if none of these is the vendor, someone else holds the new key.
          </p>
        </Alert>
      ) : null}
    </section>
  );
}
