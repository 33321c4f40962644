/**
 * Reads for the rotation pages and the wizard, as use cases `(ctx, input)` (lib/use-case.ts). A read
 * module, not the engine: nothing here writes. Lists are scoped to the tenants `ctx.principal` may
 * view (no principal = the machine's operator); a lookup by connector id leaves the tenant check on
 * the returned `tenantId` to the caller, as lib/fleet/find-connector.ts does. Private key material is
 * never selected (only whether the vault holds a matching key).
 */
import { tenantScopeWhere } from '@/lib/auth/principal';
import { certificateFactsFromDer } from '@/lib/certs/certificate-facts';
import { validateForEntra } from '@/lib/certs/validate-for-entra';
import type { Prisma } from '@/lib/db';
import { ACTIVE_STATES, ROTATION_STATES, type RotationState } from '@/lib/rotation/machine';
import { untrustedReplacements, vaultHoldsMatchingKey } from '@/lib/rotation/preflight-trust';
import { isGuid } from '@/lib/text/guid';
import type { UseCaseContext } from '@/lib/use-case';

type ReadContext = Pick<UseCaseContext, 'db' | 'principal'>;

/** Rotations of the tenants the principal may view (everything for a trusted caller). */
const inScope = (ctx: ReadContext): Prisma.RotationWhereInput =>
  ctx.principal ? { connector: { tenant: tenantScopeWhere(ctx.principal, 'viewer') } } : {};

export const ROTATION_SORTS = ['createdAt', 'finishedAt', 'state'] as const;
export type RotationSort = (typeof ROTATION_SORTS)[number];

export interface RotationFilters {
  /** 'active' or one RotationState. */
  state?: string;
  mode?: 'rotate' | 'reestablish';
  connector?: string;
  tenant?: string;
  /** Connector or tenant name contains. */
  q?: string;
  /** Started-by label contains. */
  actor?: string;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;

/** The rotations page's filters from its search params; anything malformed is dropped. */
export function parseRotationFilters(sp: Record<string, string | string[] | undefined>): RotationFilters {
  const state = one(sp.state);
  const mode = one(sp.mode);
  const connector = one(sp.connector);
  const tenant = one(sp.tenant);
  return {
    state: state === 'active' || (state && (ROTATION_STATES as readonly string[]).includes(state)) ? state : undefined,
    mode: mode === 'rotate' || mode === 'reestablish' ? mode : undefined,
    connector: connector && isGuid(connector) ? connector : undefined,
    tenant: tenant && isGuid(tenant) ? tenant : undefined,
    q: one(sp.q)?.slice(0, 100),
    actor: one(sp.actor)?.slice(0, 100),
  };
}

export interface RotationPageInput {
  filters: RotationFilters;
  sort: RotationSort;
  dir: 'asc' | 'desc';
  page: number;
  pageSize?: number;
}

/** One page of the rotations list (offset pages with a total; the CLI streams with lib/rotation/list-rotations.ts). */
export async function listRotationPage(ctx: ReadContext, input: RotationPageInput) {
  const { filters: f } = input;
  const pageSize = input.pageSize ?? 50;
  const and: Prisma.RotationWhereInput[] = [inScope(ctx)];
  if (f.state === 'active') and.push({ state: { in: [...ACTIVE_STATES] } });
  else if (f.state) and.push({ state: f.state as RotationState });
  if (f.mode) and.push({ mode: f.mode });
  if (f.connector) and.push({ connectorId: f.connector });
  if (f.tenant) and.push({ connector: { tenantId: f.tenant } });
  if (f.actor) and.push({ actorLabel: { contains: f.actor, mode: 'insensitive' } });
  if (f.q)
    and.push({
      OR: [
        { connector: { displayName: { contains: f.q, mode: 'insensitive' } } },
        { connector: { tenant: { displayName: { contains: f.q, mode: 'insensitive' } } } },
      ],
    });
  const where: Prisma.RotationWhereInput = { AND: and };
  const orderBy: Prisma.RotationOrderByWithRelationInput[] =
    input.sort === 'finishedAt'
      ? [{ finishedAt: { sort: input.dir, nulls: 'last' } }, { id: 'asc' }]
      : input.sort === 'state'
        ? [{ state: input.dir }, { createdAt: 'desc' }]
        : [{ createdAt: input.dir }, { id: 'asc' }];
  const [total, rows] = await Promise.all([
    ctx.db.rotation.count({ where }),
    ctx.db.rotation.findMany({
      where,
      orderBy,
      skip: (Math.max(1, input.page) - 1) * pageSize,
      take: pageSize,
      select: {
        id: true,
        state: true,
        mode: true,
        step: true,
        actorLabel: true,
        createdAt: true,
        startedAt: true,
        finishedAt: true,
        errorMessage: true,
        campaignId: true,
        connector: { select: { id: true, displayName: true, tenant: { select: { id: true, displayName: true } } } },
      },
    }),
  ]);
  return { total, page: input.page, pageSize, rows };
}

/** The connector as the wizard's review step shows it, or null. The caller checks the tenant scope on `tenantId`. */
export async function findConnectorForWizard(ctx: ReadContext, input: { connectorId: string }) {
  if (!isGuid(input.connectorId)) return null;
  return ctx.db.connector.findUnique({
    where: { id: input.connectorId },
    select: {
      id: true,
      displayName: true,
      appId: true,
      appObjectId: true,
      spObjectId: true,
      status: true,
      statusReasons: true,
      observedCredentials: true,
      observedAt: true,
      expectedThumbprints: true,
      tenantId: true,
      tenant: {
        select: { id: true, displayName: true, region: true, group: true, consentState: true, defaultDomain: true },
      },
      connectorType: { select: { name: true, vendor: true, description: true } },
      currentCertificate: { select: { id: true, subject: true, label: true, sha1Thumbprint: true, notAfter: true } },
    },
  });
}

export type WizardConnector = NonNullable<Awaited<ReturnType<typeof findConnectorForWizard>>>;

/**
 * Certificates the connector could move to at `ctx.now`: valid, trustworthy (lib/rotation/preflight-trust:
 * not on an advisory, not its current one, never seen as an unknown credential in a tenant).
 * `hasPrivateKey` is true only when the vault's key opens and matches the certificate. The
 * region's replacement (the certificate an admin made it; never an upload by itself) comes first.
 * `excluded` lists the valid certificates left out, with the reason (shown to the admin).
 */
export async function listCandidateCertificates(
  ctx: Pick<UseCaseContext, 'db' | 'now'>,
  input: { region: string; currentCertificateId: string | null },
) {
  const { db, now } = ctx;
  const currentId = input.currentCertificateId;
  const list = await db.certificate.findMany({
    where: { notAfter: { gt: now }, notBefore: { lte: now }, ...(currentId ? { id: { not: currentId } } : {}) },
    orderBy: [{ notAfter: 'desc' }],
    take: 200,
    select: {
      id: true,
      subject: true,
      label: true,
      region: true,
      source: true,
      sha1Thumbprint: true,
      sha256Thumbprint: true,
      serialNumber: true,
      issuer: true,
      notBefore: true,
      notAfter: true,
      keyType: true,
      keySize: true,
    },
  });
  const ids = list.map((c) => c.id);
  const [withKey, untrusted] = await Promise.all([
    db.certificate.findMany({ where: { id: { in: ids }, NOT: { sealedPrivateKey: null } }, select: { id: true } }),
    untrustedReplacements(db, list, { currentCertificateId: currentId }),
  ]);
  const held = new Set(
    (await Promise.all(withKey.map(async (c) => ((await vaultHoldsMatchingKey(db, c.id)) ? c.id : null)))).filter(
      (id): id is string => id !== null,
    ),
  );
  const excluded = list
    .filter((c) => untrusted.has(c.id))
    .map((c) => ({
      id: c.id,
      label: c.label ?? c.subject,
      sha1Thumbprint: c.sha1Thumbprint,
      reason: untrusted.get(c.id)!,
    }));
  const candidates = list
    .filter((c) => !untrusted.has(c.id))
    .map((c) => ({
      id: c.id,
      subject: c.subject,
      label: c.label,
      region: c.region,
      source: c.source,
      sha1Thumbprint: c.sha1Thumbprint,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      keyType: c.keyType,
      keySize: c.keySize,
      hasPrivateKey: held.has(c.id),
    }));
  const score = (c: (typeof candidates)[number]) => (c.region === input.region ? 2 : 0) + (c.hasPrivateKey ? 1 : 0);
  candidates.sort((a, b) => score(b) - score(a) || b.notAfter.getTime() - a.notAfter.getTime());
  // The region's replacement is what an admin made it (lib/certificates/set-region-replacement.ts).
  const recommended = candidates.find((c) => c.region === input.region) ?? null;
  return { candidates, recommendedId: recommended?.id ?? null, excluded };
}

/** Entra validation of one certificate at `ctx.now` (public part only), or null for an unknown id. */
export async function validateCertificate(ctx: Pick<UseCaseContext, 'db' | 'now'>, input: { certificateId: string }) {
  if (!isGuid(input.certificateId)) return null;
  const c = await ctx.db.certificate.findUnique({ where: { id: input.certificateId }, select: { der: true } });
  if (!c) return null;
  return validateForEntra(certificateFactsFromDer(Buffer.from(c.der)), { now: ctx.now });
}

/** The connector's rotation in progress, if any. */
export async function findActiveRotation(ctx: ReadContext, input: { connectorId: string }) {
  return ctx.db.rotation.findFirst({
    where: { AND: [inScope(ctx), { connectorId: input.connectorId, state: { in: [...ACTIVE_STATES] } }] },
    orderBy: { createdAt: 'desc' },
    select: { id: true, state: true, step: true },
  });
}

/** A rotation the wizard started, for its URL after Start (scoped to the wizard's connector). */
export async function findWizardRotation(ctx: ReadContext, input: { rotationId: string; connectorId: string }) {
  if (!isGuid(input.rotationId)) return null;
  return ctx.db.rotation.findFirst({
    where: { AND: [inScope(ctx), { id: input.rotationId, connectorId: input.connectorId }] },
    select: {
      id: true,
      state: true,
      step: true,
      createdAt: true,
      finishedAt: true,
      toCertificate: { select: { label: true, subject: true, sha1Thumbprint: true } },
    },
  });
}

/** What the detail page needs besides the evidence: attempts, retry time, campaign. */
export async function findRotationExtras(ctx: ReadContext, input: { rotationId: string }) {
  if (!isGuid(input.rotationId)) return null;
  return ctx.db.rotation.findFirst({
    where: { AND: [inScope(ctx), { id: input.rotationId }] },
    select: {
      attempts: true,
      nextAttemptAt: true,
      campaignId: true,
      connector: { select: { tenant: { select: { id: true, group: true } } } },
    },
  });
}

/** A connector's rotations, newest first. */
export async function listConnectorRotations(ctx: ReadContext, input: { connectorId: string; take?: number }) {
  return ctx.db.rotation.findMany({
    where: { AND: [inScope(ctx), { connectorId: input.connectorId }] },
    orderBy: { createdAt: 'desc' },
    take: input.take ?? 20,
    select: {
      id: true,
      state: true,
      mode: true,
      actorLabel: true,
      createdAt: true,
      finishedAt: true,
      toCertificate: { select: { id: true, subject: true, sha1Thumbprint: true } },
    },
  });
}
