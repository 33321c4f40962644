/** Loads a rotation with what its steps need, and builds the step context from it. */
import { tenantRefOf } from '@/lib/graph/graph-gateway';
import { derToPem } from '@/lib/certs/certificate-facts';
import { db, type Prisma } from '@/lib/db';
import { keyCredentialFromPem, type NewKeyCredential } from '@/lib/graph/describe-key-credential';
import { RequiredResourceAccessSchema } from '@/lib/graph/graph-types';
import type { RotationDeps } from '@/lib/rotation/rotation-deps';
import { planFor, type MachineState, type PlanName, type RotationState, type StepName } from '@/lib/rotation/machine';
import { readFacts } from '@/lib/rotation/rotation-facts';
import { loadDetectionSettings } from '@/lib/detection/detection-settings';
import { env } from '@/lib/env';
import type { CertificateInHand, StepContext } from '@/lib/rotation/steps/step-context';

const certSelect = {
  id: true,
  sha1Thumbprint: true,
  sha256Thumbprint: true,
  der: true,
  notBefore: true,
  notAfter: true,
  sealedPrivateKey: true,
  subject: true,
} as const;

export const rotationInclude = {
  connector: { include: { tenant: true, connectorType: true } },
  fromCertificate: { select: certSelect },
  toCertificate: { select: certSelect },
} satisfies Prisma.RotationInclude;

export type LoadedRotation = Prisma.RotationGetPayload<{ include: typeof rotationInclude }>;

export async function loadRotation(
  rotationId: string,
  client: Prisma.TransactionClient = db,
): Promise<LoadedRotation | null> {
  return client.rotation.findUnique({ where: { id: rotationId }, include: rotationInclude });
}

export function machineStateOf(
  r: Pick<LoadedRotation, 'state' | 'step' | 'attempts' | 'mode' | 'facts'>,
): MachineState {
  const facts = readFacts(r.facts);
  const plan: PlanName = facts.plan ?? planFor(r.mode, facts.recreateRequested === true);
  return {
    state: r.state as RotationState,
    step: r.step as StepName,
    plan,
    attempts: r.attempts,
    cutover: plan === 'rotate' && typeof facts.cutover?.hours === 'number',
  };
}

type Cert = LoadedRotation['toCertificate'];

async function inHand(c: Cert, deps: Pick<RotationDeps, 'openKey'>): Promise<CertificateInHand> {
  const pem = derToPem(Buffer.from(c.der));
  const key = c.sealedPrivateKey
    ? await deps.openKey({
        sealedPrivateKey: c.sealedPrivateKey,
        sha256Thumbprint: c.sha256Thumbprint,
        certificatePem: pem,
      })
    : null;
  return { id: c.id, sha1: c.sha1Thumbprint.toUpperCase(), pem, notBefore: c.notBefore, notAfter: c.notAfter, key };
}

function withoutCredential({
  credential: _credential,
  ...cert
}: CertificateInHand & { credential: NewKeyCredential }): CertificateInHand {
  return cert;
}

/**
 * The rotation row again, with the relations of an earlier load (they do not change while a run
 * holds the rotation's lock — except the connector after a recreate: load it all again then).
 * One raw statement: it runs before every step of a run, the engine's hottest read.
 */
export async function reloadRotationRow(
  prev: LoadedRotation,
  client: Prisma.TransactionClient = db,
): Promise<LoadedRotation | null> {
  const rows = await client.$queryRaw<RotationRow[]>`
    SELECT "id"::text, "connectorId"::text, "campaignId"::text, "mode"::text, "state"::text,
           "startStatus"::text, "step", "fromCertificateId"::text, "toCertificateId"::text, "attempts",
           "nextAttemptAt", "errorCode", "errorMessage", "facts", "actorId"::text, "actorLabel",
           "stepActor", "version", "createdAt", "startedAt", "finishedAt"
    FROM "Rotation" WHERE "id" = ${prev.id}::uuid`;
  const row = rows[0];
  return row ? { ...prev, ...row } : null;
}

type RotationRow = Omit<LoadedRotation, keyof typeof rotationInclude>;

/** Certificates opened for one run of steps (keys unsealed, PEMs parsed once, not once per step). */
export type OpenedCertificates = Map<string, Promise<CertificateInHand & { credential: NewKeyCredential }>>;

export async function buildStepContext(
  r: LoadedRotation,
  deps: RotationDeps,
  now: Date,
  opened: OpenedCertificates = new Map(),
): Promise<StepContext> {
  const facts = readFacts(r.facts);
  const open = (c: Cert) => {
    let p = opened.get(c.id);
    if (!p)
      opened.set(
        c.id,
        (p = inHand(c, deps).then((h) => ({ ...h, credential: keyCredentialFromPem(h.pem, c.subject) }))),
      );
    return p;
  };
  const newCert = await open(r.toCertificate);
  const rra = RequiredResourceAccessSchema.safeParse(r.connector.connectorType.requiredResourceAccess);
  return {
    rotationId: r.id,
    plan: machineStateOf(r).plan,
    tenant: tenantRefOf(r.connector.tenant),
    connection: {
      tenant: tenantRefOf(r.connector.tenant),
      appId: r.connector.appId,
      appObjectId: r.connector.appObjectId,
      credentialOn: r.connector.credentialOn === 'servicePrincipal' ? 'servicePrincipal' : 'application',
    },
    connectorDisplayName: r.connector.displayName,
    requiredResourceAccess: rra.success ? rra.data : [],
    newCert,
    oldCert: r.fromCertificate ? withoutCredential(await open(r.fromCertificate)) : null,
    facts,
    graph: deps.graph,
    now,
    cutover: {
      // Read only where it is used: the vendor's ranges decide whose sign-in ends the wait.
      vendorCidrs: r.step === 'await_cutover' ? (await loadDetectionSettings(db)).vendorCidrs : [],
      recheckMs: deps.cutoverRecheckMs ?? env().REKEY_CUTOVER_RECHECK_SECONDS * 1_000,
    },
  };
}
