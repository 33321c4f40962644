/**
 * A campaign's live progress, aggregated in PostgreSQL (a few GROUP BYs over the campaign's
 * items, whatever its size): totals by state, per wave, per region, throughput over the last
 * 5 / 15 minutes, ETA, elapsed time and deadline risk.
 */
import { type Prisma, type Db } from '@/lib/db';
import type { Principal } from '@/lib/auth/principal';
import { RekeyError } from '@/lib/errors';
import { shareOf } from '@/lib/utils';
import { requireCampaignScope, requireUuid } from '@/lib/campaigns/campaign-access';
import { estimateCompletion, type DeadlineRisk } from '@/lib/campaigns/estimate-completion';
import { readWaveSpecs } from '@/lib/campaigns/tick-campaign';
import {
  deriveCampaignOutcome,
  VERIFIED_ON_TARGET,
  VERIFIED_SUCCESS,
  type CampaignOutcome,
} from '@/lib/campaigns/campaign-outcome';
import type { WaveSpec } from '@/lib/campaigns/plan-waves';
import type { UseCaseContext } from '@/lib/use-case';

export const ITEM_STATES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED'] as const;
export type ItemState = (typeof ITEM_STATES)[number];
export type StateCounts = Record<ItemState, number>;

export interface Tally extends StateCounts {
  total: number;
  /** RUNNING items whose rotation waits for an admin. */
  needsAttention: number;
  /** RUNNING items whose rotation waits for the vendor's cutover (ADR 022): neither done nor failed. */
  awaitingCutover: number;
  /** Items in a final state (succeeded, failed, skipped, cancelled). */
  done: number;
  /** done / total as a ratio 0–1 (format with formatPercent). */
  doneShare: number;
}

export interface CampaignProgress {
  campaign: {
    id: string;
    name: string;
    state: string;
    mode: string;
    concurrency: number;
    currentWave: number;
    waves: WaveSpec[];
    deadline: Date | null;
    requiresApproval: boolean;
    approvedById: string | null;
    approvedAt: Date | null;
    createdById: string | null;
    createdAt: Date;
    startedAt: Date | null;
    finishedAt: Date | null;
  };
  totals: Tally;
  /** What the campaign says about itself, derived from the items (lib/campaigns/campaign-outcome.ts). */
  outcome: CampaignOutcome;
  /** Succeeded items whose tenant the verification read found holding the new key and not the old. */
  verifiedInTenant: number;
  byWave: (Tally & { wave: number; current: boolean })[];
  byRegion: (Tally & { region: string; certificateId: string | null; sha1Thumbprint: string | null })[];
  throughput: { last5m: number; last15m: number; perMinute: number };
  etaMinutes: number | null;
  etaAt: Date | null;
  elapsedMs: number | null;
  deadlineRisk: DeadlineRisk;
}

const n = (v: bigint | number | null | undefined) => Number(v ?? 0);

function tally(rows: { state: string; n: number; attention: number; cutover: number }[]): Tally {
  const t = {
    QUEUED: 0,
    RUNNING: 0,
    SUCCEEDED: 0,
    FAILED: 0,
    SKIPPED: 0,
    CANCELLED: 0,
    total: 0,
    needsAttention: 0,
    awaitingCutover: 0,
    done: 0,
    doneShare: 0,
  };
  for (const r of rows) {
    t[r.state as ItemState] += r.n;
    t.total += r.n;
    t.needsAttention += r.attention;
    t.awaitingCutover += r.cutover;
  }
  t.done = t.SUCCEEDED + t.FAILED + t.SKIPPED + t.CANCELLED;
  t.doneShare = shareOf(t.done, t.total);
  return t;
}

export async function getCampaignProgress(
  db: Db,
  campaignId: string,
  opts: { now: Date; principal?: Principal },
): Promise<CampaignProgress> {
  requireUuid(campaignId);
  const c = await db.campaign.findUnique({ where: { id: campaignId } });
  if (!c) throw new RekeyError('NOT_FOUND', `Campaign ${campaignId} not found.`);
  await requireCampaignScope(db, campaignId, opts.principal, 'viewer');
  const now = opts.now;
  const [waveRows, regionRows, regionCerts, thr, onTarget, verifiedInTenant] = await Promise.all([
    db.$queryRaw<{ wave: number; state: string; n: bigint; attention: bigint; cutover: bigint }[]>`
      SELECT ci.wave, ci.state::text AS state, count(*) AS n, count(*) FILTER (WHERE r.state = 'NEEDS_ATTENTION' AND ci.state = 'RUNNING') AS attention, count(*) FILTER (WHERE r.state = 'WAITING' AND r.step = 'await_cutover' AND ci.state = 'RUNNING') AS cutover
      FROM "CampaignItem" ci LEFT JOIN "Rotation" r ON r.id = ci."rotationId"
      WHERE ci."campaignId" = ${campaignId}::uuid GROUP BY 1, 2`,
    db.$queryRaw<{ region: string; state: string; n: bigint; attention: bigint; cutover: bigint }[]>`
      SELECT t.region, ci.state::text AS state, count(*) AS n, count(*) FILTER (WHERE r.state = 'NEEDS_ATTENTION' AND ci.state = 'RUNNING') AS attention, count(*) FILTER (WHERE r.state = 'WAITING' AND r.step = 'await_cutover' AND ci.state = 'RUNNING') AS cutover
      FROM "CampaignItem" ci JOIN "Connector" c ON c.id = ci."connectorId" JOIN "Tenant" t ON t.id = c."tenantId"
      LEFT JOIN "Rotation" r ON r.id = ci."rotationId"
      WHERE ci."campaignId" = ${campaignId}::uuid GROUP BY 1, 2`,
    db.campaignRegionCertificate.findMany({
      where: { campaignId },
      select: { region: true, certificateId: true, certificate: { select: { sha1Thumbprint: true } } },
    }),
    db.$queryRaw<{ last5: bigint; last15: bigint }[]>`
      SELECT count(*) FILTER (WHERE r."finishedAt" > ${new Date(now.getTime() - 5 * 60_000)}) AS last5,
             count(*) FILTER (WHERE r."finishedAt" > ${new Date(now.getTime() - 15 * 60_000)}) AS last15
      FROM "Rotation" r WHERE r."campaignId" = ${campaignId}::uuid AND r."finishedAt" IS NOT NULL AND r."finishedAt" <= ${now}`,
    // Skips that count as success: verified on the target by the final read (lib/campaigns/verify-campaign.ts).
    db.campaignItem.count({
      where: { campaignId, state: 'SKIPPED', message: { startsWith: VERIFIED_ON_TARGET } },
    }),
    // Succeeded items the verification read confirmed in the tenant (read while the campaign runs, ADR 043).
    db.campaignItem.count({
      where: { campaignId, state: 'SUCCEEDED', message: { startsWith: VERIFIED_SUCCESS } },
    }),
  ]);
  const norm = <T extends { state: string; n: bigint; attention: bigint; cutover: bigint }>(r: T) => ({
    state: r.state,
    n: n(r.n),
    attention: n(r.attention),
    cutover: n(r.cutover),
  });
  const totals = tally(waveRows.map(norm));
  const specs = readWaveSpecs(c.waves);
  const byWave = specs.map((_, wave) => ({
    wave,
    current: wave === c.currentWave,
    ...tally(waveRows.filter((r) => r.wave === wave).map(norm)),
  }));
  const certs = new Map(regionCerts.map((r) => [r.region, r]));
  const regions = [...new Set([...regionRows.map((r) => r.region), ...certs.keys()])].sort();
  const byRegion = regions.map((region) => ({
    region,
    certificateId: certs.get(region)?.certificateId ?? null,
    sha1Thumbprint: certs.get(region)?.certificate.sha1Thumbprint ?? null,
    ...tally(regionRows.filter((r) => r.region === region).map(norm)),
  }));
  const last5m = n(thr[0]?.last5);
  const last15m = n(thr[0]?.last15);
  // Only items that move at the campaign's pace: a rotation that needs attention waits for a person,
  // one waiting for the vendor's cutover for the vendor (or its deadline) — neither is in the ETA.
  const waiting = totals.needsAttention + totals.awaitingCutover;
  const remaining = totals.QUEUED + totals.RUNNING - waiting;
  const est = estimateCompletion({
    now,
    state: c.state,
    remaining,
    waiting,
    completedLast5m: last5m,
    completedLast15m: last15m,
    deadline: c.deadline,
    finishedAt: c.finishedAt,
  });
  return {
    campaign: {
      id: c.id,
      name: c.name,
      state: c.state,
      mode: c.mode,
      concurrency: c.concurrency,
      currentWave: c.currentWave,
      waves: specs,
      deadline: c.deadline,
      requiresApproval: c.requiresApproval,
      approvedById: c.approvedById,
      approvedAt: c.approvedAt,
      createdById: c.createdById,
      createdAt: c.createdAt,
      startedAt: c.startedAt,
      finishedAt: c.finishedAt,
    },
    totals,
    outcome: deriveCampaignOutcome(c.state, { ...totals, skippedOnTarget: onTarget }),
    verifiedInTenant,
    byWave,
    byRegion,
    throughput: { last5m, last15m, perMinute: est.perMinute },
    etaMinutes: est.etaMinutes,
    etaAt: est.etaAt,
    elapsedMs: c.startedAt ? (c.finishedAt ?? now).getTime() - c.startedAt.getTime() : null,
    deadlineRisk: est.deadlineRisk,
  };
}

export interface ListCampaignItemsInput {
  state?: ItemState;
  wave?: number;
  region?: string;
  /** Tenant or connector name contains. */
  q?: string;
  needsAttention?: boolean;
  page?: number;
  pageSize?: number;
}

/** Per-tenant state of a campaign: its items, filtered and paginated. */
export async function listCampaignItems(
  db: Db,
  campaignId: string,
  input: ListCampaignItemsInput,
  opts: { principal?: Principal } = {},
) {
  requireUuid(campaignId);
  await requireCampaignScope(db, campaignId, opts.principal, 'viewer');
  const pageSize = Math.min(Math.max(input.pageSize ?? 50, 1), 500);
  const page = Math.max(input.page ?? 1, 1);
  const and: Prisma.CampaignItemWhereInput[] = [{ campaignId }];
  if (input.state) and.push({ state: input.state });
  if (input.wave !== undefined) and.push({ wave: input.wave });
  if (input.region) and.push({ connector: { tenant: { region: input.region } } });
  if (input.needsAttention) and.push({ state: 'RUNNING', rotation: { state: 'NEEDS_ATTENTION' } });
  if (input.q)
    and.push({
      OR: [
        { connector: { displayName: { contains: input.q, mode: 'insensitive' } } },
        { connector: { tenant: { displayName: { contains: input.q, mode: 'insensitive' } } } },
      ],
    });
  const where: Prisma.CampaignItemWhereInput = { AND: and };
  const [total, rows] = await Promise.all([
    db.campaignItem.count({ where }),
    db.campaignItem.findMany({
      where,
      orderBy: [
        { wave: 'asc' },
        { connector: { tenant: { displayName: 'asc' } } },
        { connector: { displayName: 'asc' } },
        { id: 'asc' },
      ],
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: {
        id: true,
        wave: true,
        state: true,
        message: true,
        updatedAt: true,
        connector: {
          select: {
            id: true,
            displayName: true,
            status: true,
            tenant: { select: { id: true, displayName: true, region: true } },
          },
        },
        rotation: {
          select: {
            id: true,
            state: true,
            step: true,
            attempts: true,
            startedAt: true,
            finishedAt: true,
            errorMessage: true,
          },
        },
      },
    }),
  ]);
  return { rows, total, page, pageSize };
}

/** A campaign's progress for the caller at `ctx.now` (refused outside `ctx.principal`'s scope). */
export function getCampaignProgressFor(
  ctx: Pick<UseCaseContext, 'db' | 'principal' | 'now'>,
  input: { campaignId: string },
): Promise<CampaignProgress> {
  return getCampaignProgress(ctx.db, input.campaignId, { now: ctx.now, principal: ctx.principal });
}

/** A page of a campaign's items for the caller (refused outside `ctx.principal`'s scope). */
export function listCampaignItemsFor(
  ctx: Pick<UseCaseContext, 'db' | 'principal'>,
  input: ListCampaignItemsInput & { campaignId: string },
) {
  const { campaignId, ...rest } = input;
  return listCampaignItems(ctx.db, campaignId, rest, { principal: ctx.principal });
}
