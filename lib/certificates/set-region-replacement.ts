/**
 * A region's replacement certificate (issue 16 item 3): the certificate the rotation wizard
 * picks by default for every connector of the region's tenants, and a new campaign maps the region
 * to. Uploading a certificate never makes it one; this is its own action — an admin of every
 * tenant, a typed confirmation (the region's name), one audit event naming what it replaces and
 * how many connectors and campaigns it reaches. One replacement per region: the previous one (valid
 * and trustworthy) stops being it in the same transaction; a compromised certificate keeps its
 * region for the record. Campaigns already created keep their own region map.
 */
import { z } from 'zod';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { isFleetWide } from '@/lib/auth/principal';
import { certificateFactsFromDer } from '@/lib/certs/certificate-facts';
import { requireValidCertificate } from '@/lib/certs/validate-for-entra';
import type { Db } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { requireTrustedReplacement, untrustedReplacements } from '@/lib/rotation/preflight-trust';
import { refuseControlCharacters } from '@/lib/text/single-line';
import type { UseCaseContext } from '@/lib/use-case';

/** Campaigns that may still start rotations (their region map is fixed when created). */
const OPEN_CAMPAIGN_STATES = ['DRAFT', 'AWAITING_APPROVAL', 'APPROVED', 'RUNNING', 'PAUSED'] as const;

export interface RegionReplacementImpact {
  region: string;
  /** Connectors of the region's tenants: the wizard offers them this certificate first. */
  connectors: number;
  tenants: number;
  /** Open campaigns touching the region: they keep the certificate they were created with. */
  openCampaigns: number;
  /** The region's replacement before (null: none). */
  previous: { id: string; label: string; sha1Thumbprint: string } | null;
}

/**
 * The certificates that are a region's replacement now: marked with a region, valid, and
 * trustworthy (a compromised certificate keeps its region for the record but is no replacement).
 */
async function replacementsNow(db: Db, now: Date) {
  const marked = await db.certificate.findMany({
    where: { region: { not: null }, notAfter: { gt: now }, notBefore: { lte: now } },
    orderBy: { notAfter: 'desc' },
    select: {
      id: true,
      label: true,
      subject: true,
      sha1Thumbprint: true,
      sha256Thumbprint: true,
      serialNumber: true,
      issuer: true,
      region: true,
    },
  });
  const untrusted = await untrustedReplacements(db, marked);
  return marked.filter((c) => !untrusted.has(c.id));
}

/** What making a certificate the replacement of each known region would reach (reads only). */
export async function regionReplacementImpacts(db: Db, now: Date): Promise<RegionReplacementImpact[]> {
  const [tenants, connectors, campaigns, current] = await Promise.all([
    db.tenant.groupBy({ by: ['region'], _count: { _all: true } }),
    db.$queryRaw<{ region: string; n: number }[]>`
      SELECT t.region, count(*)::int AS n FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId" GROUP BY t.region`,
    db.campaignRegionCertificate.groupBy({
      by: ['region'],
      where: { campaign: { state: { in: [...OPEN_CAMPAIGN_STATES] } } },
      _count: { _all: true },
    }),
    replacementsNow(db, now),
  ]);
  return tenants
    .map((t) => {
      const prev = current.find((c) => c.region === t.region);
      return {
        region: t.region,
        tenants: t._count._all,
        connectors: connectors.find((c) => c.region === t.region)?.n ?? 0,
        openCampaigns: campaigns.find((c) => c.region === t.region)?._count._all ?? 0,
        previous: prev ? { id: prev.id, label: prev.label ?? prev.subject, sha1Thumbprint: prev.sha1Thumbprint } : null,
      };
    })
    .sort((a, b) => a.region.localeCompare(b.region));
}

export const SetRegionReplacementSchema = z.object({
  certificateId: z.uuid(),
  region: z.string().trim().min(1, 'Choose a region.').max(64).superRefine(refuseControlCharacters),
  /** The region's name, typed by the admin. */
  confirmText: z.string().max(100),
});
export type SetRegionReplacementInput = z.input<typeof SetRegionReplacementSchema>;

export async function setRegionReplacement(
  ctx: UseCaseContext,
  input: SetRegionReplacementInput,
): Promise<RegionReplacementImpact> {
  const data = SetRegionReplacementSchema.parse(input);
  // authorize: it changes the default for every tenant of the region
  if (ctx.principal && !isFleetWide(ctx.principal, 'admin'))
    throw new RekeyError(
      'FORBIDDEN',
      'Making a certificate a region’s replacement needs the Admin role for all tenants.',
      {
        need: 'admin',
      },
    );
  // load + validate
  const cert = await ctx.db.certificate.findUnique({
    where: { id: data.certificateId },
    select: { id: true, der: true, sha1Thumbprint: true, label: true, subject: true, region: true },
  });
  if (!cert) throw new RekeyError('NOT_FOUND', `Certificate ${data.certificateId} not found.`);
  const impact = (await regionReplacementImpacts(ctx.db, ctx.now)).find((i) => i.region === data.region);
  if (!impact)
    throw new RekeyError('BAD_INPUT', `No tenant is in region “${data.region}”.`, {
      fieldErrors: { region: ['No tenant is in this region.'] },
    });
  if (data.confirmText.trim() !== data.region)
    throw new RekeyError('BAD_INPUT', `Type “${data.region}” to confirm.`, {
      fieldErrors: { confirmText: ['The typed text does not match.'] },
    });
  if (cert.region === data.region && impact.previous?.id === cert.id) return impact;
  requireValidCertificate(certificateFactsFromDer(Buffer.from(cert.der)), { now: ctx.now });
  await requireTrustedReplacement(ctx.db, cert.id, { what: `Certificate ${cert.sha1Thumbprint}` });

  // write: one replacement per region, in one transaction with its audit event
  const replaced = (await replacementsNow(ctx.db, ctx.now)).filter((r) => r.region === data.region && r.id !== cert.id);
  await ctx.db.$transaction(async (tx) => {
    await tx.certificate.updateMany({ where: { id: { in: replaced.map((r) => r.id) } }, data: { region: null } });
    await tx.certificate.update({ where: { id: cert.id }, data: { region: data.region } });
    await appendAuditEvent(
      tx,
      ctx.actor,
      {
        action: 'certificate.set_region_replacement',
        targetType: 'certificate',
        targetId: cert.id,
        before: {
          region: cert.region,
          replacementOfRegion: replaced.map((r) => ({ id: r.id, sha1Thumbprint: r.sha1Thumbprint })),
        },
        after: {
          region: data.region,
          sha1Thumbprint: cert.sha1Thumbprint,
          connectors: impact.connectors,
          tenants: impact.tenants,
          openCampaignsUnchanged: impact.openCampaigns,
        },
      },
      ctx.now,
    );
  });
  return {
    ...impact,
    previous: { id: cert.id, label: cert.label ?? cert.subject, sha1Thumbprint: cert.sha1Thumbprint },
  };
}
