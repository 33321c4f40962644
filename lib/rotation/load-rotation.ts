/** Loads a rotation with what its steps need, and builds the step context from it. */
import { tenantRefOf } from '@/lib/graph/graph-gateway';
import { derToPem } from '@/lib/certs/certificate-facts';
import { db, Prisma, queryRows } from '@/lib/db';
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

/**
 * What a rotation's steps need, as a typed Prisma include would load it (the db test compares the
 * two): the rotation row, its connector with the tenant and the connector type's required
 * resource access, and both certificates (with their sealed keys).
 */
export const rotationInclude = {
  connector: {
    select: {
      id: true,
      tenantId: true,
      displayName: true,
      appId: true,
      appObjectId: true,
      spObjectId: true,
      credentialOn: true,
      tenant: { select: { id: true, entraTenantId: true, displayName: true, tokenGeneration: true } },
      connectorType: { select: { requiredResourceAccess: true } },
    },
  },
  fromCertificate: { select: certSelect },
  toCertificate: { select: certSelect },
} satisfies Prisma.RotationInclude;

export type LoadedRotation = Prisma.RotationGetPayload<{ include: typeof rotationInclude }>;

/** The rotation row alone, as ROTATION_COLUMNS reads it. */
export type RotationRow = Omit<LoadedRotation, keyof typeof rotationInclude>;
type CertRow = LoadedRotation['toCertificate'];

/** The rotation row's columns for raw SQL, typed as Prisma returns them (alias `r`). */
export const ROTATION_COLUMNS = Prisma.sql`
  r."id"::text, r."connectorId"::text, r."campaignId"::text, r."mode"::text, r."state"::text,
  r."startStatus"::text, r."step", r."fromCertificateId"::text, r."toCertificateId"::text, r."attempts",
  r."nextAttemptAt", r."errorCode", r."errorMessage", r."facts", r."actorId"::text, r."actorLabel",
  r."stepActor", r."version", r."createdAt", r."startedAt", r."finishedAt"`;

/** A certificate's columns (certSelect) under a prefix, from alias `a`. */
function certColumns(a: 'fc' | 'tc') {
  return Prisma.raw(
    ['id', 'sha1Thumbprint', 'sha256Thumbprint', 'der', 'notBefore', 'notAfter', 'sealedPrivateKey', 'subject']
      .map((c) => `${a}."${c}"${c === 'id' ? '::text' : ''} AS "${a}_${c}"`)
      .join(', '),
  );
}

function certOf(row: Record<string, unknown>, a: 'fc' | 'tc'): CertRow | null {
  if (row[`${a}_id`] === null) return null;
  return {
    id: row[`${a}_id`] as string,
    sha1Thumbprint: row[`${a}_sha1Thumbprint`] as string,
    sha256Thumbprint: row[`${a}_sha256Thumbprint`] as string,
    der: row[`${a}_der`] as CertRow['der'],
    notBefore: row[`${a}_notBefore`] as Date,
    notAfter: row[`${a}_notAfter`] as Date,
    sealedPrivateKey: row[`${a}_sealedPrivateKey`] as string | null,
    subject: row[`${a}_subject`] as string,
  };
}

/**
 * One raw statement instead of the six a typed include sends (rotation, connector, tenant,
 * connector type, two certificates): it runs at the start of every run of steps, and a typed
 * query costs several times the CPU of a raw one (bench/README.md, 2026-12-06).
 */
export async function loadRotation(
  rotationId: string,
  client: Prisma.TransactionClient = db,
): Promise<LoadedRotation | null> {
  const rows = await queryRows<Record<string, unknown>>(
    client,
    Prisma.sql`
    SELECT ${ROTATION_COLUMNS},
           c."id"::text AS "c_id", c."tenantId"::text AS "c_tenantId", c."displayName" AS "c_displayName",
           c."appId" AS "c_appId", c."appObjectId" AS "c_appObjectId", c."spObjectId" AS "c_spObjectId",
           c."credentialOn" AS "c_credentialOn",
           t."id"::text AS "t_id", t."entraTenantId"::text AS "t_entraTenantId", t."displayName" AS "t_displayName",
           t."tokenGeneration" AS "t_tokenGeneration",
           ct."requiredResourceAccess" AS "ct_requiredResourceAccess",
           ${certColumns('fc')}, ${certColumns('tc')}
    FROM "Rotation" r
    JOIN "Connector" c ON c."id" = r."connectorId"
    JOIN "Tenant" t ON t."id" = c."tenantId"
    JOIN "ConnectorType" ct ON ct."id" = c."connectorTypeId"
    JOIN "Certificate" tc ON tc."id" = r."toCertificateId"
    LEFT JOIN "Certificate" fc ON fc."id" = r."fromCertificateId"
    WHERE r."id" = ${rotationId}::uuid`,
  );
  const row = rows[0];
  if (!row) return null;
  const rotation = {} as Record<string, unknown>;
  for (const [k, v] of Object.entries(row)) if (!/^(c|t|ct|fc|tc)_/.test(k)) rotation[k] = v;
  return {
    ...(rotation as RotationRow),
    connector: {
      id: row.c_id as string,
      tenantId: row.c_tenantId as string,
      displayName: row.c_displayName as string,
      appId: row.c_appId as string,
      appObjectId: row.c_appObjectId as string | null,
      spObjectId: row.c_spObjectId as string | null,
      credentialOn: row.c_credentialOn as string,
      tenant: {
        id: row.t_id as string,
        entraTenantId: row.t_entraTenantId as string,
        displayName: row.t_displayName as string,
        tokenGeneration: row.t_tokenGeneration as number,
      },
      connectorType: { requiredResourceAccess: row.ct_requiredResourceAccess as Prisma.JsonValue },
    },
    fromCertificate: certOf(row, 'fc'),
    toCertificate: certOf(row, 'tc')!,
  };
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

type Cert = CertRow;

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
  const row = (await readRotationRows([prev.id], client))[0];
  return row ? { ...prev, ...row } : null;
}

/** The rows of these rotations (those that exist, in no order): one statement for a step group's re-reads. */
export function readRotationRows(ids: string[], client: Prisma.TransactionClient = db): Promise<RotationRow[]> {
  return queryRows<RotationRow>(
    client,
    Prisma.sql`SELECT ${ROTATION_COLUMNS} FROM "Rotation" r WHERE r."id" = ANY(${ids}::uuid[])`,
  );
}

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
