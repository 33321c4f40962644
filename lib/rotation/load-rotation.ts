/** Loads a rotation with what its steps need, and builds the step context from it. */
import { derToPem } from '@/lib/certs/certificate-facts';
import { db, type Prisma } from '@/lib/db';
import { keyCredentialFromPem } from '@/lib/graph/describe-key-credential';
import { RequiredResourceAccessSchema } from '@/lib/graph/graph-types';
import type { RotationDeps } from '@/lib/rotation/rotation-deps';
import { planFor, type MachineState, type PlanName, type RotationState, type StepName } from '@/lib/rotation/machine';
import { readFacts } from '@/lib/rotation/rotation-facts';
import type { CertificateInHand, StepContext } from '@/lib/rotation/steps/step-context';

const certSelect = { id: true, sha1Thumbprint: true, sha256Thumbprint: true, der: true, notBefore: true, notAfter: true, sealedPrivateKey: true, subject: true } as const;

export const rotationInclude = {
  connector: { include: { tenant: true, connectorType: true } },
  fromCertificate: { select: certSelect },
  toCertificate: { select: certSelect },
} satisfies Prisma.RotationInclude;

export type LoadedRotation = Prisma.RotationGetPayload<{ include: typeof rotationInclude }>;

export async function loadRotation(rotationId: string, client: Prisma.TransactionClient = db): Promise<LoadedRotation | null> {
  return client.rotation.findUnique({ where: { id: rotationId }, include: rotationInclude });
}

export function machineStateOf(r: Pick<LoadedRotation, 'state' | 'step' | 'attempts' | 'mode' | 'facts'>): MachineState {
  const facts = readFacts(r.facts);
  const plan: PlanName = facts.plan ?? planFor(r.mode, facts.recreateRequested === true);
  return { state: r.state as RotationState, step: r.step as StepName, plan, attempts: r.attempts };
}

type Cert = LoadedRotation['toCertificate'];

async function inHand(c: Cert, deps: Pick<RotationDeps, 'openKey'>): Promise<CertificateInHand> {
  const pem = derToPem(Buffer.from(c.der));
  const key = c.sealedPrivateKey ? await deps.openKey({ sealedPrivateKey: c.sealedPrivateKey, sha256Thumbprint: c.sha256Thumbprint, certificatePem: pem }) : null;
  return { id: c.id, sha1: c.sha1Thumbprint.toUpperCase(), pem, notBefore: c.notBefore, notAfter: c.notAfter, key };
}

export async function buildStepContext(r: LoadedRotation, deps: RotationDeps, now: Date): Promise<StepContext> {
  const facts = readFacts(r.facts);
  const newCert = await inHand(r.toCertificate, deps);
  const rra = RequiredResourceAccessSchema.safeParse(r.connector.connectorType.requiredResourceAccess);
  return {
    rotationId: r.id,
    plan: machineStateOf(r).plan,
    tenant: { id: r.connector.tenant.entraTenantId, name: r.connector.tenant.displayName },
    connection: { tenant: { id: r.connector.tenant.entraTenantId, name: r.connector.tenant.displayName }, appId: r.connector.appId, appObjectId: r.connector.appObjectId },
    connectorDisplayName: r.connector.displayName,
    requiredResourceAccess: rra.success ? rra.data : [],
    newCert: { ...newCert, credential: keyCredentialFromPem(newCert.pem, r.toCertificate.subject) },
    oldCert: r.fromCertificate ? await inHand(r.fromCertificate, deps) : null,
    facts,
    graph: deps.graph,
    now,
  };
}
