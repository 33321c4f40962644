/**
 * Page-only reads for the rotation pages and the wizard. Every query is scoped to the principal's
 * tenants; private key material is never selected (only whether a key is held).
 */
import 'server-only';
import type { Principal } from '@/lib/auth/principal';
import { tenantScopeWhere } from '@/lib/auth/principal';
import { certificateFactsFromDer } from '@/lib/certs/certificate-facts';
import { validateForEntra } from '@/lib/certs/validate-for-entra';
import { db, type Prisma } from '@/lib/db';
import { ACTIVE_STATES, ROTATION_STATES, type RotationState } from '@/lib/rotation/machine';
import { untrustedReplacements, vaultHoldsMatchingKey } from '@/lib/rotation/preflight-trust';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;

export function parseRotationFilters(sp: Record<string, string | string[] | undefined>): RotationFilters {
  const state = one(sp.state);
  const mode = one(sp.mode);
  const connector = one(sp.connector);
  const tenant = one(sp.tenant);
  return {
    state: state === 'active' || (state && (ROTATION_STATES as readonly string[]).includes(state)) ? state : undefined,
    mode: mode === 'rotate' || mode === 'reestablish' ? mode : undefined,
    connector: connector && UUID.test(connector) ? connector : undefined,
    tenant: tenant && UUID.test(tenant) ? tenant : undefined,
    q: one(sp.q)?.slice(0, 100),
    actor: one(sp.actor)?.slice(0, 100),
  };
}

export async function listRotations(
  principal: Principal,
  f: RotationFilters,
  opts: { sort: RotationSort; dir: 'asc' | 'desc'; page: number; pageSize?: number },
) {
  const pageSize = opts.pageSize ?? 50;
  const and: Prisma.RotationWhereInput[] = [{ connector: { tenant: tenantScopeWhere(principal, 'viewer') } }];
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
    opts.sort === 'finishedAt'
      ? [{ finishedAt: { sort: opts.dir, nulls: 'last' } }, { id: 'asc' }]
      : opts.sort === 'state'
        ? [{ state: opts.dir }, { createdAt: 'desc' }]
        : [{ createdAt: opts.dir }, { id: 'asc' }];
  const [total, rows] = await Promise.all([
    db.rotation.count({ where }),
    db.rotation.findMany({
      where,
      orderBy,
      skip: (Math.max(1, opts.page) - 1) * pageSize,
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
  return { total, page: opts.page, pageSize, rows };
}

/** The connector as the wizard's review step shows it. */
export async function findConnectorForWizard(connectorId: string) {
  if (!UUID.test(connectorId)) return null;
  return db.connector.findUnique({
    where: { id: connectorId },
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
 * Certificates the connector could move to: valid now, trustworthy (lib/rotation/preflight-trust:
 * not on an advisory, not its current one, never seen as an unknown credential in a tenant).
 * `hasPrivateKey` is true only when the vault's key opens and matches the certificate. The
 * region's replacement (the certificate an admin made it; never an upload by itself) comes first. `excluded` lists the
 * valid certificates left out, with the reason (shown to the admin).
 */
export async function listCandidateCertificates(region: string, currentId: string | null, now: Date) {
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
  const score = (c: (typeof candidates)[number]) => (c.region === region ? 2 : 0) + (c.hasPrivateKey ? 1 : 0);
  candidates.sort((a, b) => score(b) - score(a) || b.notAfter.getTime() - a.notAfter.getTime());
  // The region's replacement is what an admin made it (lib/certificates/set-region-replacement.ts).
  const recommended = candidates.find((c) => c.region === region) ?? null;
  return { candidates, recommendedId: recommended?.id ?? null, excluded };
}

/** Entra validation of one certificate (public part only). */
export async function validateCertificate(id: string, now: Date) {
  if (!UUID.test(id)) return null;
  const c = await db.certificate.findUnique({ where: { id }, select: { der: true } });
  if (!c) return null;
  return validateForEntra(certificateFactsFromDer(Buffer.from(c.der)), { now });
}

export async function findActiveRotation(connectorId: string) {
  return db.rotation.findFirst({
    where: { connectorId, state: { in: [...ACTIVE_STATES] } },
    orderBy: { createdAt: 'desc' },
    select: { id: true, state: true, step: true },
  });
}

/** A rotation the wizard started, for its URL after Start (scoped to the wizard's connector). */
export async function findWizardRotation(rotationId: string, connectorId: string) {
  return db.rotation.findFirst({
    where: { id: rotationId, connectorId },
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
export async function findRotationExtras(rotationId: string) {
  return db.rotation.findUnique({
    where: { id: rotationId },
    select: {
      attempts: true,
      nextAttemptAt: true,
      campaignId: true,
      connector: { select: { tenant: { select: { id: true, group: true } } } },
    },
  });
}

/** A connector's rotations, newest first. */
export async function listConnectorRotations(connectorId: string, take = 20) {
  return db.rotation.findMany({
    where: { connectorId },
    orderBy: { createdAt: 'desc' },
    take,
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
