/**
 * Reads for the campaign pages and routes, `(ctx, input)` (lib/use-case.ts): the certificates a
 * region can be mapped to, the advisories to pick a selection from, a preview of a selection
 * (counts per region), a draft's stored selection (scope-checked) and user names for "created
 * by". Private keys are never selected (only whether one is held).
 */
import { tenantScopeWhere } from '@/lib/auth/principal';
import { isUuid, requireCampaignScope, requireUuid } from '@/lib/campaigns/campaign-access';
import { resolveSelection, type Selection } from '@/lib/campaigns/resolve-selection';
import { RekeyError } from '@/lib/errors';
import { untrustedReplacements } from '@/lib/rotation/preflight-trust';
import type { UseCaseContext } from '@/lib/use-case';

type Ctx = Pick<UseCaseContext, 'db' | 'principal' | 'now'>;

export type CandidateCertificate = {
  id: string;
  label: string;
  region: string | null;
  notAfter: Date;
  hasPrivateKey: boolean;
};

/** Valid certificates (not expired, not named by any advisory), newest first; keyed region first. */
export async function listCandidateCertificates({ db, now }: Ctx): Promise<CandidateCertificate[]> {
  const [certs, keyed] = await Promise.all([
    db.certificate.findMany({
      where: { notAfter: { gt: now }, notBefore: { lte: now } },
      orderBy: [{ notAfter: 'desc' }, { createdAt: 'desc' }],
      select: {
        id: true,
        subject: true,
        label: true,
        region: true,
        notAfter: true,
        sha1Thumbprint: true,
        sha256Thumbprint: true,
        serialNumber: true,
        issuer: true,
      },
      take: 500,
    }),
    db.certificate.findMany({
      where: { notAfter: { gt: now }, sealedPrivateKey: { not: null } },
      select: { id: true },
    }),
  ]);
  // The wizard's trust filter (lib/rotation/preflight-trust): never a certificate on an advisory
  // or one Rekey found as an unknown credential in a tenant.
  const untrusted = await untrustedReplacements(db, certs);
  const withKey = new Set(keyed.map((k) => k.id));
  return certs
    .filter((c) => !untrusted.has(c.id))
    .map((c) => ({
      id: c.id,
      label: c.label ?? c.subject.replace(/^CN=/, ''),
      region: c.region,
      notAfter: c.notAfter,
      hasPrivateKey: withKey.has(c.id),
    }));
}

/** The default certificate for a region: the newest candidate whose `region` matches, with a private key preferred. */
export function defaultCertificateFor(region: string, certs: CandidateCertificate[]): string | undefined {
  const same = certs.filter((c) => c.region === region);
  return (same.find((c) => c.hasPrivateKey) ?? same[0])?.id;
}

export async function listAdvisoryOptions({ db }: Ctx) {
  return db.advisory.findMany({
    orderBy: [{ publishedAt: 'desc' }],
    select: { id: true, title: true, severity: true },
    take: 100,
  });
}

export interface SelectionPreview {
  eligible: number;
  skipped: number;
  tenants: number;
  /** Eligible connectors that are targeted (the compromised credential was used by an attacker). */
  targeted: number;
  regions: { region: string; eligible: number; skipped: number }[];
  error: string | null;
}

/** What a selection resolves to in the principal's operator scope (all tenants for a trusted caller; nothing is written). */
export async function previewSelection({ db, principal }: Ctx, selection: Selection): Promise<SelectionPreview> {
  try {
    const r = await resolveSelection(db, selection, principal ? tenantScopeWhere(principal, 'operator') : {});
    const regions = new Map<string, { region: string; eligible: number; skipped: number }>();
    const row = (region: string) =>
      regions.get(region) ?? regions.set(region, { region, eligible: 0, skipped: 0 }).get(region)!;
    for (const c of r.eligible) row(c.region).eligible++;
    for (const c of r.skipped) row(c.region).skipped++;
    const tenants = new Set([...r.eligible, ...r.skipped].map((c) => c.tenantId)).size;
    return {
      eligible: r.eligible.length,
      skipped: r.skipped.length,
      tenants,
      targeted: r.eligible.filter((c) => c.status === 'targeted').length,
      regions: [...regions.values()].sort((a, b) => a.region.localeCompare(b.region)),
      error: null,
    };
  } catch (e) {
    return { eligible: 0, skipped: 0, tenants: 0, targeted: 0, regions: [], error: (e as Error).message };
  }
}

export async function userNames({ db }: Ctx, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((x): x is string => Boolean(x)))];
  if (wanted.length === 0) return new Map();
  const users = await db.user.findMany({
    where: { id: { in: wanted } },
    select: { id: true, name: true, email: true },
  });
  return new Map(users.map((u) => [u.id, u.name || u.email]));
}

/**
 * A campaign's stored selection, for "edit a draft": NOT_FOUND for a malformed id, an unknown one
 * or one reaching a tenant outside the principal's operator scope.
 */
export async function findCampaignSelection({ db, principal }: Ctx, campaignId: string) {
  if (!isUuid(campaignId)) throw new RekeyError('NOT_FOUND', 'That draft campaign was not found.');
  const c = await db.campaign.findUnique({
    where: { id: campaignId },
    select: {
      id: true,
      name: true,
      state: true,
      selection: true,
      mode: true,
      concurrency: true,
      deadline: true,
      requiresApproval: true,
      waves: true,
    },
  });
  if (!c) throw new RekeyError('NOT_FOUND', 'That draft campaign was not found.');
  await requireCampaignScope(db, c.id, principal, 'operator');
  return c;
}

/** What starting a campaign asks of the person (its mode and size decide a typed confirmation). */
export async function getCampaignStartFacts({ db }: Ctx, campaignId: string) {
  requireUuid(campaignId);
  const c = await db.campaign.findUnique({
    where: { id: campaignId },
    select: { mode: true, _count: { select: { items: true } } },
  });
  if (!c) throw new RekeyError('NOT_FOUND', `Campaign ${campaignId} not found.`);
  return { mode: c.mode, items: c._count.items };
}

/** The distinct regions of the given connectors' tenants (one query, any number of ids). */
export async function regionsOfConnectors({ db }: Ctx, connectorIds: string[]): Promise<string[]> {
  const rows = await db.$queryRaw<
    { region: string }[]
  >`SELECT DISTINCT t.region FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId" WHERE c.id = ANY(${connectorIds}::uuid[]) ORDER BY 1`;
  return rows.map((r) => r.region);
}

/** "Created by" for a page of campaigns: campaign id → user name. */
export async function campaignCreators(ctx: Ctx, campaignIds: string[]): Promise<Map<string, string>> {
  const rows = await ctx.db.campaign.findMany({
    where: { id: { in: campaignIds } },
    select: { id: true, createdById: true, approvedById: true },
  });
  const names = await userNames(
    ctx,
    rows.flatMap((r) => [r.createdById, r.approvedById]),
  );
  return new Map(
    rows.map((r) => [r.id, r.createdById ? (names.get(r.createdById) ?? 'a removed user') : 'Rekey (server)']),
  );
}
