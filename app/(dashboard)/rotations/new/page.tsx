import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { PageHeader } from '@/components/shell/page-header';
import { StatusChip } from '@/components/status/status-chip';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { Mono } from '@/components/ui/code-block';
import { DescriptionList } from '@/components/ui/description-list';
import { EmptyState } from '@/components/ui/empty-state';
import { Icon } from '@/components/ui/icon';
import { LinkButton } from '@/components/ui/link-button';
import { Skeleton } from '@/components/ui/skeleton';
import { Steps, type Step } from '@/components/ui/steps';
import { pageContext } from '@/lib/auth/context';
import { getConnectorDrift } from '@/lib/detection/get-connector-drift';
import { readObservedCredentials } from '@/lib/detection/observed-credentials';
import { isRekeyError } from '@/lib/errors';
import {
  ACTIVE_STATES,
  DEFAULT_CUTOVER_WAIT_HOURS,
  DESTRUCTIVE_STEPS,
  MAX_CUTOVER_WAIT_HOURS,
  PLANS,
  isRoutineStatus,
  planFor,
} from '@/lib/rotation/machine';
import { findArmingPreflightFor } from '@/lib/rotation/preflight-record';
import { runPreflight } from '@/lib/rotation/preflight-rotation';
import type { StatusReason } from '@/lib/status/classify-connector';
import { firstParam, formatDate, hrefWith, type SearchParams } from '@/lib/utils';
import { CredentialTable } from '../_components/credential-table';
import { StartRotation } from '../_components/start-rotation';
import { StepFocus } from '../_components/step-focus';
import { UploadInWizard } from '../_components/upload-in-wizard';
import {
  findActiveRotation,
  findConnectorForWizard,
  findWizardRotation,
  listCandidateCertificates,
  validateCertificate,
  type WizardConnector,
} from '@/lib/rotation/rotation-queries';
import { requireTenantPage } from '../_lib/page-access';
import { PLAN_LABEL, stepLabel } from '../_lib/step-labels';

export const metadata: Metadata = { title: 'Rotate a connector' };

type Props = { searchParams: Promise<SearchParams> };

const WIZARD_STEPS = ['review', 'certificate', 'preflight', 'confirm'] as const;
type WizardStep = (typeof WIZARD_STEPS)[number];
const STEP_TITLES: Record<WizardStep | 'run' | 'verify' | 'done', string> = {
  review: 'Review',
  certificate: 'New certificate',
  preflight: 'Preflight',
  confirm: 'Confirm',
  run: 'Run',
  verify: 'Verify',
  done: 'Done',
};

/** The URL's mode: rotate (make-before-break), reestablish (delete-first) or recreate (delete and recreate the connection). */
type ModeChoice = 'rotate' | 'reestablish' | 'recreate';
const MODES: { value: ModeChoice; title: string; body: string }[] = [
  {
    value: 'rotate',
    title: 'Rotate key',
    body: 'Make-before-break: Rekey adds the new certificate, checks that it works, then removes the old one. The vendor’s service keeps working throughout. Use it for expiring or stale certificates.',
  },
  {
    value: 'reestablish',
    title: 'Re-establish connection',
    body: 'Delete-first: Rekey removes the old credential before adding the new one, so a leaked key stops working at once. The vendor’s service is down until it uses the new certificate. Use it for a compromised certificate.',
  },
  {
    value: 'recreate',
    title: 'Re-establish by recreating the connection',
    body: 'Delete-first, thoroughly: Rekey deletes the connector’s application, recreates it with the new certificate and restores its permissions and consent. Use it when the application itself may have been tampered with (unknown credentials, changed permissions).',
  },
];

export default async function NewRotationPage({ searchParams }: Props) {
  const ctx = await pageContext('operator');
  const { principal, now } = ctx;
  const sp = await searchParams;
  const connectorId = firstParam(sp.connector);
  if (!connectorId) {
    return (
      <>
        <PageHeader title="Rotate a connector" breadcrumbs={[{ href: '/rotations', label: 'Rotations' }]} />
        <EmptyState
          title="Choose a connector first"
          description="Open a connector and choose Rotate, or select several connectors to rotate them as a campaign."
          icon="plug"
          action={
            <LinkButton href="/connectors?status=compromised" variant="primary" size="sm">
              Compromised connectors
            </LinkButton>
          }
        />
      </>
    );
  }
  const c = await findConnectorForWizard(ctx, { connectorId });
  const self = hrefWith('/rotations/new', sp, {});
  if (!c) return notFoundConnector();
  await requireTenantPage(principal, c.tenantId, 'operator', self);

  const exposed = c.status === 'compromised' || c.status === 'targeted';
  const rawMode = firstParam(sp.mode);
  const mode: ModeChoice =
    rawMode === 'rotate' || rawMode === 'reestablish' || rawMode === 'recreate'
      ? rawMode
      : exposed
        ? 'reestablish'
        : 'rotate';
  const rawStep = firstParam(sp.step);
  const urlStep: WizardStep = (WIZARD_STEPS as readonly string[]).includes(rawStep ?? '')
    ? (rawStep as WizardStep)
    : 'review';
  const rawCert = firstParam(sp.cert);
  const engineMode = mode === 'rotate' ? 'rotate' : 'reestablish';
  // The wizard's state lives on the server (ADR 020): a preflight that already started a rotation
  // makes this URL (Back, refresh) show that rotation, never a re-armed Confirm.
  const armed = await findArmingPreflightFor(ctx, {
    preflightId: firstParam(sp.preflight),
    key: { connectorId: c.id, certificateId: rawCert ?? '', mode: engineMode, recreate: mode === 'recreate' },
  });
  if (armed.status === 'used') {
    const started = await findWizardRotation(ctx, { rotationId: armed.rotationId, connectorId: c.id });
    if (started) return <StartedRotation c={c} rotation={started} />;
  }
  const { candidates, recommendedId, excluded } = await listCandidateCertificates(ctx, {
    region: c.tenant.region,
    currentCertificateId: c.currentCertificate?.id ?? null,
  });
  // A certificate named in the URL that can no longer be used is never silently swapped for another.
  const certGone = rawCert && !candidates.some((x) => x.id === rawCert) ? rawCert : null;
  const certId = certGone ? null : (rawCert ?? recommendedId);
  const cert = candidates.find((x) => x.id === certId) ?? null;
  const state = { connector: c.id, mode, cert: certId ?? undefined };
  const href = (s: WizardStep, extra: Record<string, string | null> = {}) =>
    hrefWith('/rotations/new', state, { step: s, ...extra });
  // Confirm only with a stored passing preflight of this connector, certificate and mode: otherwise
  // the page is the Preflight step, which runs the checks now.
  const step: WizardStep = urlStep === 'confirm' && cert && armed.status !== 'armed' ? 'preflight' : urlStep;
  const index = WIZARD_STEPS.indexOf(step);
  const active = await findActiveRotation(ctx, { connectorId: c.id });
  const goneReason = certGone
    ? (excluded.find((x) => x.id === certGone)?.reason ?? 'It is no longer valid or no longer in the inventory.')
    : null;

  const stepper: Step[] = [...WIZARD_STEPS, 'run', 'verify', 'done'].map((s, i) => ({
    id: s,
    title:
      (WIZARD_STEPS as readonly string[]).includes(s) && i < index ? (
        <Link prefetch={false} href={href(s as WizardStep)} className="hover:underline">
          {STEP_TITLES[s as WizardStep]}
        </Link>
      ) : (
        STEP_TITLES[s as keyof typeof STEP_TITLES]
      ),
    state: i < index ? 'done' : i === index ? 'current' : 'pending',
  }));

  return (
    <>
      <PageHeader
        title={`Rotate ${c.displayName}`}
        breadcrumbs={[
          { href: '/rotations', label: 'Rotations' },
          { href: `/connectors/${c.id}`, label: `${c.tenant.displayName} · ${c.displayName}` },
        ]}
        description={`${c.tenant.displayName} (${c.tenant.region}). Review, choose the new certificate, check, confirm — then Rekey runs it step by step.`}
      />
      <nav aria-label="Rotation wizard" className="mb-6 overflow-x-auto rounded-lg border border-border bg-surface p-4">
        <Steps steps={stepper} orientation="horizontal" label="Rotation wizard steps" />
      </nav>
      {active ? (
        <Alert tone="warning" className="mb-4" title="This connector is already rotating">
          <Link prefetch={false} href={`/rotations/${active.id}`}>
            Rotation {active.id.slice(0, 8)}
          </Link>{' '}
          is {active.state.toLowerCase().replace('_', ' ')} at step “{stepLabel(active.step)}”. Wait for it to finish or
          cancel it before starting another.
        </Alert>
      ) : null}

      {step === 'review' ? <ReviewStep c={c} mode={mode} state={state} /> : null}
      {step === 'certificate' ? (
        <CertificateStep
          c={c}
          mode={mode}
          certId={certId}
          recommendedId={recommendedId}
          candidates={candidates}
          excluded={excluded}
          goneReason={goneReason}
          back={href('review')}
          stepHref={hrefWith('/rotations/new', { connector: c.id, mode }, { step: 'certificate' })}
          now={now}
        />
      ) : null}
      {step === 'preflight' ? (
        cert ? (
          // The live checks take seconds: the page shows at once and the results stream in.
          <Suspense key={`${c.id}:${mode}:${cert.id}`} fallback={<PreflightPending back={href('certificate')} />}>
            <PreflightStep
              c={c}
              mode={mode}
              certId={cert.id}
              back={href('certificate')}
              next={(id) => href('confirm', { preflight: id })}
              again={href('preflight')}
            />
          </Suspense>
        ) : (
          <NoCertificate back={href('certificate')} reason={goneReason} />
        )
      ) : null}
      {step === 'confirm' ? (
        cert && armed.status === 'armed' ? (
          <ConfirmStep
            c={c}
            mode={mode}
            cert={cert}
            back={href('preflight')}
            preflightId={armed.id}
            activeRotationId={active?.id ?? null}
          />
        ) : (
          <NoCertificate back={href('certificate')} reason={goneReason} />
        )
      ) : null}
    </>
  );
}

function notFoundConnector() {
  return (
    <>
      <PageHeader title="Rotate a connector" breadcrumbs={[{ href: '/rotations', label: 'Rotations' }]} />
      <EmptyState
        title="Connector not found"
        description="It does not exist or is outside your tenants."
        icon="plug"
        action={
          <LinkButton href="/connectors" size="sm">
            Connectors
          </LinkButton>
        }
      />
    </>
  );
}

function NoCertificate({ back, reason }: { back: string; reason?: string | null }) {
  return (
    <Alert
      tone="warning"
      title="Choose a certificate first"
      action={
        <LinkButton href={back} size="sm" variant="secondary">
          Back to New certificate
        </LinkButton>
      }
    >
      {reason
        ? `The certificate chosen before cannot be used: ${reason}`
        : 'No valid certificate is selected for this connector.'}
    </Alert>
  );
}

async function ReviewStep({
  c,
  mode,
  state,
}: {
  c: WizardConnector;
  mode: ModeChoice;
  state: Record<string, string | undefined>;
}) {
  const drift = await getConnectorDrift(await pageContext('operator'), { connectorId: c.id });
  const unknown = new Set(drift.unknown.map((u) => `${u.on}:${u.keyId}`));
  const current = c.currentCertificate?.sha1Thumbprint.toUpperCase() ?? null;
  const observed = readObservedCredentials(c.observedCredentials).map((o) => ({
    keyId: o.keyId,
    sha1: o.thumbprint,
    on: o.on,
    displayName: o.displayName,
    start: o.startDateTime,
    end: o.endDateTime,
  }));
  const reasons = (c.statusReasons as unknown as StatusReason[] | null) ?? [];
  return (
    // A hydration boundary (nothing suspends): this step hydrates in its own interruptible pass.
    <Suspense>
      <form action="/rotations/new" method="get" className="space-y-6">
        <input type="hidden" name="connector" value={c.id} />
        {state.cert ? <input type="hidden" name="cert" value={state.cert} /> : null}
        <input type="hidden" name="step" value="certificate" />
        <Card>
          <CardHeader>
            <CardTitle id="wizard-step" tabIndex={-1}>
              1 · Review: how to rotate
            </CardTitle>
            <CardDescription>The connector’s status, its credentials and what uses it are below.</CardDescription>
            <StepFocus headingId="wizard-step" />
          </CardHeader>
          <CardBody>
            <fieldset className="min-w-0">
              <legend className="sr-only">Rotation mode</legend>
              <div className="grid gap-3 lg:grid-cols-3">
                {MODES.map((m) => (
                  <label
                    key={m.value}
                    className="flex cursor-pointer items-start gap-3 rounded-lg border border-border p-3 has-[:checked]:border-accent has-[:checked]:bg-accent-bg/40 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-accent"
                  >
                    <input
                      type="radio"
                      name="mode"
                      value={m.value}
                      defaultChecked={m.value === mode}
                      className="mt-1"
                    />
                    <span className="space-y-1">
                      <span className="flex flex-wrap items-center gap-2 text-sm font-medium">
                        {m.title}
                        {m.value === 'reestablish' && (c.status === 'compromised' || c.status === 'targeted') ? (
                          <Badge tone="danger">Recommended for {c.status}</Badge>
                        ) : null}
                      </span>
                      <span className="block text-xs text-fg-muted">{m.body}</span>
                    </span>
                  </label>
                ))}
              </div>
            </fieldset>
          </CardBody>
          <CardFooter>
            <LinkButton href={`/connectors/${c.id}`} variant="ghost">
              Cancel
            </LinkButton>
            <Button type="submit" variant="primary">
              Next: New certificate
            </Button>
          </CardFooter>
        </Card>
        <div className="grid min-w-0 gap-6 xl:grid-cols-2 [&>*]:min-w-0">
          <Card>
            <CardHeader>
              <CardTitle>Current status and why</CardTitle>
            </CardHeader>
            <CardBody className="space-y-3">
              <StatusChip status={c.status} />
              {reasons.length ? (
                <ul className="list-disc space-y-1 pl-5 text-sm [overflow-wrap:anywhere]">
                  {reasons.map((r) => (
                    <li key={r.check}>{r.message}</li>
                  ))}
                </ul>
              ) : (
                <p className="text-sm text-fg-muted">No finding: the connector is healthy.</p>
              )}
              <DescriptionList
                items={[
                  {
                    term: 'Current certificate',
                    value: c.currentCertificate ? (
                      <Link
                        prefetch={false}
                        href={`/certificates/${c.currentCertificate.id}`}
                        className="underline-offset-2 hover:underline"
                      >
                        {c.currentCertificate.label ?? c.currentCertificate.subject}
                      </Link>
                    ) : (
                      'None on record'
                    ),
                  },
                  { term: 'Expires', value: c.currentCertificate ? formatDate(c.currentCertificate.notAfter) : '—' },
                ]}
              />
            </CardBody>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>What uses this connection</CardTitle>
            </CardHeader>
            <CardBody>
              <DescriptionList
                items={[
                  {
                    term: 'Connector type',
                    value: `${c.connectorType.name}${c.connectorType.vendor ? ` (${c.connectorType.vendor})` : ''}`,
                  },
                  ...(c.connectorType.description ? [{ term: 'Purpose', value: c.connectorType.description }] : []),
                  { term: 'Application (client) id', value: <Mono>{c.appId}</Mono> },
                  {
                    term: 'Tenant',
                    value: (
                      <Link
                        prefetch={false}
                        href={`/tenants/${c.tenant.id}`}
                        className="underline-offset-2 hover:underline"
                      >
                        {c.tenant.displayName}
                      </Link>
                    ),
                  },
                  { term: 'Rekey consent', value: <StatusChip kind="consent" status={c.tenant.consentState} /> },
                ]}
              />
              <p className="mt-3 text-xs text-fg-muted">
                The vendor’s service signs in as this application with the certificate. Until the vendor uses the new
                certificate, its sign-ins with a removed key fail.
              </p>
            </CardBody>
          </Card>
        </div>
        <Card>
          <CardHeader>
            <CardTitle>The tenant’s credentials</CardTitle>
            <CardDescription>
              {c.observedAt ? `As read at the last scan, ${formatDate(c.observedAt)}.` : 'Not scanned yet.'}
            </CardDescription>
          </CardHeader>
          <CardBody>
            <CredentialTable
              label="Credentials in the tenant"
              rows={observed}
              mark={(x) =>
                x.sha1 && x.sha1 === current
                  ? { label: 'current', tone: 'info' }
                  : unknown.has(`${x.on}:${x.keyId}`)
                    ? { label: 'unknown', tone: 'danger' }
                    : { label: 'known', tone: 'success' }
              }
            />
          </CardBody>
        </Card>
      </form>
    </Suspense>
  );
}

type Candidate = Awaited<ReturnType<typeof listCandidateCertificates>>['candidates'][number];
type Excluded = Awaited<ReturnType<typeof listCandidateCertificates>>['excluded'][number];

async function CertificateStep({
  c,
  mode,
  certId,
  recommendedId,
  candidates,
  excluded,
  goneReason,
  back,
  stepHref,
  now,
}: {
  c: WizardConnector;
  mode: ModeChoice;
  certId: string | null;
  recommendedId: string | null;
  candidates: Candidate[];
  excluded: Excluded[];
  goneReason: string | null;
  back: string;
  /** This step's URL without a certificate (the upload dialog adds the new one's id). */
  stepHref: string;
  now: Date;
}) {
  const validation = certId
    ? await validateCertificate({ ...(await pageContext('operator')), now }, { certificateId: certId })
    : null;
  // The selected certificate is always listed (e.g. one just uploaded that is not among the first 30).
  const top = candidates.slice(0, 30);
  const selected = candidates.find((x) => x.id === certId);
  const shown = selected && !top.includes(selected) ? [selected, ...top.slice(0, 29)] : top;
  return (
    // Keyed by the selection: after an upload selects a certificate, the step mounts afresh (radios
    // checked as the URL says, focus on the heading).
    <Card key={certId ?? 'none'}>
      <CardHeader actions={<UploadInWizard stepHref={stepHref} />}>
        <CardTitle id="wizard-step" tabIndex={-1}>
          2 · New certificate
        </CardTitle>
        <StepFocus headingId="wizard-step" />
        <CardDescription>
          Pick from the inventory, or upload the certificate your vendor issued: it is checked, added and selected here.{' '}
          {recommendedId ? `The region’s replacement (${c.tenant.region}) is chosen by default.` : null}
        </CardDescription>
      </CardHeader>
      {/* The step's choice is a plain GET form; the upload dialog above is its own form. */}
      <form action="/rotations/new" method="get">
        <input type="hidden" name="connector" value={c.id} />
        <input type="hidden" name="mode" value={mode} />
        <input type="hidden" name="step" value="preflight" />
        <CardBody className="space-y-4">
          {goneReason ? (
            <Alert tone="warning" title="Choose the certificate again">
              The certificate chosen before cannot be used: {goneReason}
            </Alert>
          ) : null}
          {shown.length === 0 ? (
            <Alert tone="warning" title="No usable certificate in the inventory">
              Upload the vendor’s new certificate above, or{' '}
              <Link prefetch={false} href="/certificates/new" className="underline">
                generate one
              </Link>
              .
            </Alert>
          ) : (
            <fieldset className="min-w-0">
              <legend className="sr-only">Certificate</legend>
              <ul className="divide-y divide-border rounded-lg border border-border">
                {shown.map((x) => (
                  <li key={x.id}>
                    <label className="flex cursor-pointer items-start gap-3 p-3 has-[:checked]:bg-accent-bg/40">
                      <input type="radio" name="cert" value={x.id} defaultChecked={x.id === certId} className="mt-1" />
                      <span className="min-w-0 flex-1 space-y-0.5">
                        <span className="flex flex-wrap items-center gap-2 text-sm font-medium">
                          {x.label ?? x.subject}
                          {x.id === recommendedId ? <Badge tone="accent">Region’s replacement</Badge> : null}
                          {x.region ? <Badge>{x.region}</Badge> : null}
                          {x.hasPrivateKey ? (
                            <Badge tone="success">key held</Badge>
                          ) : (
                            <Badge tone="neutral">public only</Badge>
                          )}
                        </span>
                        <span className="block truncate text-xs text-fg-muted">
                          {x.subject} · valid until {formatDate(x.notAfter)} · {x.keyType}
                          {x.keySize ? ` ${x.keySize}` : ''} · SHA-1 {x.sha1Thumbprint}
                        </span>
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
              {candidates.length > shown.length ? (
                <p className="mt-2 text-xs text-fg-muted">Showing the 30 best matches of {candidates.length}.</p>
              ) : null}
            </fieldset>
          )}
          {excluded.length ? (
            <details className="text-sm">
              <summary className="cursor-pointer text-fg-muted">
                {excluded.length} certificate{excluded.length === 1 ? '' : 's'} not offered, and why
              </summary>
              <ul className="mt-2 space-y-1" aria-label="Certificates not offered">
                {excluded.map((x) => (
                  <li key={x.id} className="break-words">
                    <span className="font-medium">{x.label}</span> ({x.sha1Thumbprint.slice(0, 12)}…): {x.reason}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
          {validation ? (
            <div className="space-y-1" aria-label="Validation of the selected certificate">
              <p className="text-sm font-medium">Checks on the selected certificate</p>
              <ul className="space-y-1 text-sm">
                {validation.errors.map((e) => (
                  <li key={e.code} className="flex gap-2 text-danger">
                    <Icon name="xCircle" size={16} label="Error" />
                    {e.message}
                  </li>
                ))}
                {validation.warnings.map((w) => (
                  <li key={w.code} className="flex gap-2 text-warning">
                    <Icon name="alert" size={16} label="Warning" />
                    {w.message}
                  </li>
                ))}
                {validation.ok && !validation.warnings.length ? (
                  <li className="flex gap-2 text-success">
                    <Icon name="checkCircle" size={16} label="Passed" />
                    Entra ID accepts this certificate as an application credential.
                  </li>
                ) : null}
              </ul>
              {candidates.find((x) => x.id === certId)?.hasPrivateKey ? (
                <p className="text-xs text-fg-muted">
                  Rekey holds its private key, so it verifies the new credential with a real sign-in.
                </p>
              ) : (
                <p className="text-xs text-fg-muted">
                  Without its private key, Rekey checks the new credential by its presence in the tenant instead of a
                  sign-in.
                </p>
              )}
            </div>
          ) : null}
        </CardBody>
        <CardFooter>
          <LinkButton href={back} variant="secondary">
            Back
          </LinkButton>
          <Button type="submit" variant="primary" disabled={shown.length === 0}>
            Next: Preflight
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

function PreflightPending({ back }: { back: string }) {
  return (
    <Card aria-busy="true">
      <CardHeader>
        <CardTitle>3 · Preflight</CardTitle>
        <CardDescription>Read-only checks against the tenant, run now. Nothing has changed yet.</CardDescription>
      </CardHeader>
      <CardBody className="space-y-3">
        <p role="status" className="text-sm text-fg-muted">
          Running the checks against the tenant…
        </p>
        {[0, 1, 2, 3].map((i) => (
          <Skeleton key={i} className="h-10" />
        ))}
      </CardBody>
      <CardFooter>
        <LinkButton href={back} variant="secondary">
          Back
        </LinkButton>
        <Button variant="primary" disabled>
          Next: Confirm
        </Button>
      </CardFooter>
    </Card>
  );
}

const CHECK_ICON = {
  pass: { icon: 'checkCircle', cls: 'text-success', label: 'Passed' },
  warn: { icon: 'alert', cls: 'text-warning', label: 'Warning' },
  fail: { icon: 'xCircle', cls: 'text-danger', label: 'Failed' },
} as const;

async function PreflightStep({
  c,
  mode,
  certId,
  back,
  next,
  again,
}: {
  c: WizardConnector;
  mode: ModeChoice;
  certId: string;
  back: string;
  next: (preflightId: string) => string;
  again: string;
}) {
  const ctx = await pageContext('operator');
  let result: Awaited<ReturnType<typeof runPreflight>> | null = null;
  let error: string | null = null;
  let preflightId: string | null = null;
  try {
    // Stored: Confirm and Start accept only this passing preflight (ADR 020).
    result = await runPreflight(
      { ...ctx, now: new Date() },
      {
        connectorId: c.id,
        certificateId: certId,
        mode: mode === 'rotate' ? 'rotate' : 'reestablish',
        recreate: mode === 'recreate',
      },
    );
    preflightId = result.preflightId;
  } catch (e) {
    error = isRekeyError(e) ? e.message : 'The preflight could not run. Try again.';
    if (!isRekeyError(e)) console.error('[rekey] preflight failed', e instanceof Error ? e.message : String(e));
  }
  return (
    <Card>
      <CardHeader
        actions={
          <LinkButton href={again} size="sm" variant="ghost">
            Run again
          </LinkButton>
        }
      >
        <CardTitle id="wizard-step" tabIndex={-1}>
          3 · Preflight
        </CardTitle>
        <CardDescription>Read-only checks against the tenant, run now. Nothing has changed yet.</CardDescription>
        <StepFocus headingId="wizard-step" />
      </CardHeader>
      <CardBody>
        {error ? (
          <Alert tone="danger" title="Preflight could not run">
            {error}
          </Alert>
        ) : null}
        {result ? (
          <ul className="divide-y divide-border" aria-label="Preflight checks">
            {result.checks.map((k) => {
              const m = CHECK_ICON[k.status];
              return (
                <li key={k.name} className="flex gap-3 py-2.5">
                  <span className={m.cls}>
                    <Icon name={m.icon} size={18} label={m.label} />
                  </span>
                  <div className="min-w-0">
                    <p className="text-sm font-medium">{k.title}</p>
                    <p className="text-sm [overflow-wrap:anywhere] text-fg-muted">{k.message}</p>
                  </div>
                </li>
              );
            })}
          </ul>
        ) : null}
        {result?.checks.some((k) => k.detail) ? (
          <details className="mt-2 text-sm">
            <summary className="cursor-pointer text-fg-muted">Technical details (Microsoft Graph)</summary>
            <ul className="mt-1 list-disc space-y-1 pl-5 text-fg-muted">
              {result.checks
                .filter((k) => k.detail)
                .map((k) => (
                  <li key={k.name} className="[overflow-wrap:anywhere]">
                    {k.detail}
                  </li>
                ))}
            </ul>
          </details>
        ) : null}
        {result && !result.ok ? (
          <Alert tone="danger" className="mt-3" title="Fix the failed checks before starting">
            Each failed check says what to do. Run the preflight again when done.
          </Alert>
        ) : null}
        {result?.ok ? (
          <Alert tone="success" className="mt-3" live="none">
            Every check passed{result.checks.some((k) => k.status === 'warn') ? ' (with warnings above)' : ''}.
          </Alert>
        ) : null}
      </CardBody>
      <CardFooter>
        <LinkButton href={back} variant="secondary">
          Back
        </LinkButton>
        {result?.ok && preflightId ? (
          <LinkButton href={next(preflightId)} variant="primary">
            Next: Confirm
          </LinkButton>
        ) : (
          <Button variant="primary" disabled>
            Next: Confirm
          </Button>
        )}
      </CardFooter>
    </Card>
  );
}

function ConfirmStep({
  c,
  mode,
  cert,
  back,
  preflightId,
  activeRotationId,
}: {
  c: WizardConnector;
  mode: ModeChoice;
  cert: Candidate;
  back: string;
  preflightId: string;
  activeRotationId: string | null;
}) {
  const engineMode = mode === 'rotate' ? 'rotate' : 'reestablish';
  const plan = planFor(engineMode, mode === 'recreate');
  const steps = PLANS[plan].filter((s) => s !== 'done');
  const destructive = steps.filter((s) => DESTRUCTIVE_STEPS.has(s)).map(stepLabel);
  return (
    <Card>
      <CardHeader>
        <CardTitle id="wizard-step" tabIndex={-1}>
          4 · Confirm
        </CardTitle>
        <StepFocus headingId="wizard-step" />
        <CardDescription>Rekey will run these steps in order and record each in the audit log.</CardDescription>
      </CardHeader>
      <CardBody className="space-y-4">
        <DescriptionList
          columns={2}
          items={[
            { term: 'Connector', value: `${c.tenant.displayName} · ${c.displayName}` },
            { term: 'Mode', value: PLAN_LABEL[plan] },
            {
              term: 'From',
              value: c.currentCertificate
                ? `${c.currentCertificate.label ?? c.currentCertificate.subject} (${c.currentCertificate.sha1Thumbprint.slice(0, 12)}…)`
                : 'None on record',
            },
            {
              term: 'To',
              value: `${cert.label ?? cert.subject} (${cert.sha1Thumbprint.slice(0, 12)}…), valid until ${formatDate(cert.notAfter)}`,
            },
          ]}
        />
        <ol className="space-y-1.5 text-sm" aria-label="Steps Rekey will run">
          {steps.map((s, i) => (
            <li key={s} className="flex items-center gap-2">
              <span className="tabular grid size-5 place-items-center rounded-full border border-border-strong text-xs">
                {i + 1}
              </span>
              {stepLabel(s)}
              {DESTRUCTIVE_STEPS.has(s) ? <Badge tone="danger">cannot be undone</Badge> : null}
              {s === 'await_cutover' ? <Badge>if chosen below</Badge> : null}
            </li>
          ))}
        </ol>
        {engineMode === 'reestablish' ? (
          <Alert tone="danger" live="none" title="Delete-first">
            The current credential{mode === 'recreate' ? ' and the application' : ''} is removed before the new
            certificate is in place. The vendor’s service stops working until it uses the new certificate.
          </Alert>
        ) : (
          <Alert tone="info" live="none">
            The old credential is only removed after the new key was verified. If verification fails, Rekey removes the
            new key again and the old one keeps working.
          </Alert>
        )}
      </CardBody>
      <CardFooter>
        <LinkButton href={back} variant="secondary">
          Back
        </LinkButton>
        <StartRotation
          connectorId={c.id}
          connectorName={c.displayName}
          toCertificateId={cert.id}
          mode={engineMode}
          recreate={mode === 'recreate'}
          destructiveSteps={destructive}
          preflightId={preflightId}
          activeRotationId={activeRotationId}
          {...(engineMode === 'rotate'
            ? {
                cutover: {
                  defaultOn: isRoutineStatus(c.status),
                  defaultHours: DEFAULT_CUTOVER_WAIT_HOURS,
                  maxHours: MAX_CUTOVER_WAIT_HOURS,
                },
              }
            : {})}
        />
      </CardFooter>
    </Card>
  );
}

type WizardRotation = NonNullable<Awaited<ReturnType<typeof findWizardRotation>>>;

/** The wizard's URL after Start (Back, refresh): the rotation it started, never Confirm again. */
function StartedRotation({ c, rotation: r }: { c: WizardConnector; rotation: WizardRotation }) {
  const running = (ACTIVE_STATES as readonly string[]).includes(r.state);
  const stepper: Step[] = [...WIZARD_STEPS, 'run', 'verify', 'done'].map((s, i) => ({
    id: s,
    title: STEP_TITLES[s as keyof typeof STEP_TITLES],
    state: i < 4 || (!running && s !== 'done') ? 'done' : running ? (s === 'run' ? 'current' : 'pending') : 'current',
  }));
  return (
    <>
      <PageHeader
        title={`Rotate ${c.displayName}`}
        breadcrumbs={[
          { href: '/rotations', label: 'Rotations' },
          { href: `/connectors/${c.id}`, label: `${c.tenant.displayName} · ${c.displayName}` },
        ]}
        description={`${c.tenant.displayName} (${c.tenant.region}).`}
      />
      <nav aria-label="Rotation wizard" className="mb-6 overflow-x-auto rounded-lg border border-border bg-surface p-4">
        <Steps steps={stepper} orientation="horizontal" label="Rotation wizard steps" />
      </nav>
      <Card>
        <CardHeader>
          <CardTitle>{running ? 'This rotation is running' : 'This rotation has finished'}</CardTitle>
          <CardDescription>
            You started it from this wizard on {formatDate(r.createdAt)}. It cannot be started again from here.
          </CardDescription>
        </CardHeader>
        <CardBody className="space-y-3">
          <StatusChip kind="rotation" status={r.state} />
          <DescriptionList
            items={[
              { term: 'Step', value: stepLabel(r.step) },
              {
                term: 'To',
                value: `${r.toCertificate.label ?? r.toCertificate.subject} (${r.toCertificate.sha1Thumbprint.slice(0, 12)}…)`,
              },
            ]}
          />
        </CardBody>
        <CardFooter>
          <LinkButton href={`/connectors/${c.id}`} variant="secondary">
            Back to the connector
          </LinkButton>
          <LinkButton href={`/rotations/${r.id}`} variant="primary">
            Open the rotation
          </LinkButton>
        </CardFooter>
      </Card>
    </>
  );
}
