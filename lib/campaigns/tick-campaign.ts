/**
 * The campaign dispatcher, run by `campaign.tick`. Two phases:
 *
 * A. One short transaction under the campaign's row lock: reconcile items with their rotations
 *    (a rotation that ended without onRotationFinished being called, a claim whose dispatcher
 *    died), then ask `decideCampaignStep` what to do — advance a wave, pause at a wave's gate
 *    (and notify), complete (and notify), wait for items needing attention, or dispatch. To
 *    dispatch, it *claims* up to `concurrency − active` QUEUED items of the current wave (and
 *    retried items of earlier ones) by marking them RUNNING, most severe first. Concurrency holds
 *    across workers because claims commit under the lock.
 * B. Outside any transaction: start a rotation for each claimed item with `startRotation` (which
 *    runs its own transaction: rotation + audit + first job) and link it to the item. A CONFLICT
 *    (the connector got an active rotation meanwhile — the database's one-active index) marks
 *    the item SKIPPED; a rotation this campaign already started is linked instead.
 *
 * Why not start rotations inside transaction A: `startRotation` opens its own transaction, and
 * holding A's locks while it waits for the audit-chain lock could wait on a rotation finishing
 * (which updates an item A holds) — a deadlock PostgreSQL cannot see. Claims make phase B safe:
 * a crash between A and B leaves RUNNING items without a rotation, which a later tick links (if
 * the rotation was created) or puts back in the queue — at once when no other live dispatcher
 * holds the campaign's shared dispatch lock (each holds it from before phase A to the end of
 * phase B, and a dead one loses it with its connection), else after `STALE_CLAIM_MS`.
 */
import { SYSTEM_ACTOR, appendAuditEvent, type Actor } from '@/lib/audit/append-audit-event';
import { db, type Prisma } from '@/lib/db';
import { isRekeyError, type RekeyError } from '@/lib/errors';
import { decideCampaignStep, type CampaignStep, type WaveCounts } from '@/lib/campaigns/decide-campaign-step';
import { lockCampaign } from '@/lib/campaigns/campaign-access';
import { countCampaignItems } from '@/lib/campaigns/count-campaign-items';
import { readyToVerify, VERIFIED_SUCCESS } from '@/lib/campaigns/verify-campaign';
import { campaignVerifyJob, enqueueCampaignVerify, ROLLING_VERIFY_MIN } from '@/lib/campaigns/campaign-verify.job';
import { WavesSchema, maxFailuresFor, type WaveSpec } from '@/lib/campaigns/plan-waves';
import { notify } from '@/lib/notifications/notify';
import type { UseCaseContext } from '@/lib/use-case';
import { createUseCaseContext } from '@/lib/use-case-defaults';
import {
  DISPATCH_LOCK_NAMESPACE,
  tryWithCampaignVerifyLock,
  withCampaignDispatchLock,
} from '@/lib/campaigns/campaign-dispatch-lock';
import { waitForOutcomes } from '@/lib/campaigns/campaign-outcome-lock';
import { notifyJobQueued } from '@/lib/jobs/job-notify';
import { ROTATION_ADVANCE_QUEUE } from '@/lib/rotation/rotation-advance-queue';
import { startRotation } from '@/lib/rotation/start-rotation';
import { startRotationsTogether } from '@/lib/rotation/start-rotations-together';
import { DISPATCH_GROUP } from '@/lib/rotation/step-group';
import { ACTIVE_ROTATION_STATES } from '@/lib/fleet/statuses';

export const STALE_CLAIM_MS = 5 * 60_000;

export type StartRotationFn = (
  ctx: UseCaseContext,
  input: {
    connectorId: string;
    toCertificateId: string;
    mode: 'rotate' | 'reestablish';
    campaignId: string;
    cutoverWaitHours?: number | null;
  },
  opts?: { notify?: boolean },
) => Promise<{ id: string }>;

export interface TickDeps {
  clock(): Date;
  startRotation: StartRotationFn;
  /**
   * The final verification read (lib/campaigns/verify-campaign.ts), run once nothing is queued or
   * running, before the campaign may finish. Tests that fake rotations leave it out.
   */
  verify?: (campaignId: string, now: Date) => Promise<unknown>;
  /**
   * Queues the verification read of the succeeded items while the rest still rotate
   * (campaign-verify.job.ts), inside phase A's transaction. Tests leave it out with `verify`.
   */
  queueVerify?: (tx: Prisma.TransactionClient, campaignId: string) => Promise<void>;
  /** Succeeded items waiting for the read before `queueVerify` (default ROLLING_VERIFY_MIN). */
  rollingVerifyMin?: number;
}

export interface TickResult {
  state: string;
  decisions: CampaignStep['kind'][];
  started: number;
  skipped: number;
  failed: number;
  currentWave: number;
}

interface Claimed {
  id: string;
  connectorId: string;
  certificateId: string | null;
}

interface PhaseA {
  state: string;
  decisions: CampaignStep['kind'][];
  claimed: Claimed[];
  currentWave: number;
  name: string;
  mode: 'rotate' | 'reestablish';
  /** Routine items wait for the vendor's cutover this long at most (ADR 022); null: no wait. */
  cutoverWaitHours?: number | null;
  /** All done, but the final verification read has not run on these counts: verify, then decide again. */
  verifyFirst?: boolean;
  /** A `campaign.verify` job was queued (wake a worker after commit). */
  verifyQueued?: boolean;
}

export function readWaveSpecs(json: unknown): WaveSpec[] {
  const parsed = WavesSchema.safeParse(json);
  return parsed.success ? parsed.data : [{ size: null }];
}

async function reconcile(
  tx: Prisma.TransactionClient,
  campaignId: string,
  now: Date,
  ownBackendPid: number,
): Promise<void> {
  // Every dispatcher holds the campaign's shared dispatch lock from before it claims until its
  // phase B ends. When nobody else holds it, no live dispatcher is in phase B, so claims without
  // a rotation belong to a dispatcher that died: take them back now instead of after STALE_CLAIM_MS.
  const [others] = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid::bigint = ${DISPATCH_LOCK_NAMESPACE}
      AND objid::bigint = (hashtext(${campaignId})::bigint & 4294967295) AND pid <> ${ownBackendPid}`;
  const stale = others?.n === 0 ? now : new Date(now.getTime() - STALE_CLAIM_MS);
  // Claims whose rotation was created but never linked (dispatcher died in between).
  await tx.$executeRaw`
    UPDATE "CampaignItem" ci SET "rotationId" = r.id, "updatedAt" = ${now}
    FROM "Rotation" r
    WHERE ci."campaignId" = ${campaignId}::uuid AND ci.state = 'RUNNING' AND ci."rotationId" IS NULL AND ci."updatedAt" < ${stale}
      AND r."campaignId" = ${campaignId}::uuid AND r."connectorId" = ci."connectorId" AND r."createdAt" >= ci."updatedAt"
      AND NOT EXISTS (SELECT 1 FROM "CampaignItem" x WHERE x."rotationId" = r.id)`;
  // Rotations that ended without their item hearing of it.
  await tx.$executeRaw`
    UPDATE "CampaignItem" ci
    SET state = (CASE r.state WHEN 'SUCCEEDED' THEN 'SUCCEEDED' WHEN 'CANCELLED' THEN 'CANCELLED' ELSE 'FAILED' END)::"CampaignItemState",
        message = r."errorMessage", "updatedAt" = ${now}
    FROM "Rotation" r
    WHERE ci."campaignId" = ${campaignId}::uuid AND ci.state = 'RUNNING' AND r.id = ci."rotationId"
      AND r.state IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'ROLLED_BACK')`;
  // Claims that never got a rotation: back to the queue.
  await tx.$executeRaw`
    UPDATE "CampaignItem" SET state = 'QUEUED', "updatedAt" = ${now}
    WHERE "campaignId" = ${campaignId}::uuid AND state = 'RUNNING' AND "rotationId" IS NULL AND "updatedAt" < ${stale}`;
}

async function countByWave(tx: Prisma.TransactionClient, campaignId: string) {
  return tx.$queryRaw<
    { wave: number; state: string; attention: boolean; moving: boolean; unverified: boolean; n: number }[]
  >`
    SELECT ci.wave, ci.state::text AS state, COALESCE(r.state = 'NEEDS_ATTENTION', false) AS attention,
           COALESCE(r.state IN ('PENDING', 'RUNNING'), false) AS moving,
           (ci.state = 'SUCCEEDED' AND (ci.message IS NULL OR ci.message NOT LIKE ${`${VERIFIED_SUCCESS}%`})) AS unverified,
           count(*)::int AS n
    FROM "CampaignItem" ci LEFT JOIN "Rotation" r ON r.id = ci."rotationId"
    WHERE ci."campaignId" = ${campaignId}::uuid GROUP BY 1, 2, 3, 4, 5`;
}

function summarise(rows: Awaited<ReturnType<typeof countByWave>>, wave: number) {
  const upTo: WaveCounts = { queued: 0, active: 0, attention: 0, failed: 0 };
  /** Items whose rotation is stepping now (not waiting for a cutover or a person): they end soon. */
  let moving = 0;
  let currentFailed = 0;
  let currentAttention = 0;
  /** Succeeded items (of every wave) the verification read has not read yet. */
  let unverified = 0;
  for (const r of rows) {
    if (r.unverified) unverified += r.n;
    if (r.wave > wave) continue;
    if (r.state === 'QUEUED') upTo.queued += r.n;
    if (r.state === 'RUNNING' && !r.attention) upTo.active += r.n;
    if (r.state === 'RUNNING' && r.moving) moving += r.n;
    if (r.state === 'RUNNING' && r.attention) upTo.attention += r.n;
    if (r.state === 'FAILED') upTo.failed += r.n;
    if (r.wave === wave && r.state === 'FAILED') currentFailed += r.n;
    if (r.wave === wave && r.state === 'RUNNING' && r.attention) currentAttention += r.n;
  }
  return { upTo, moving, currentFailed, currentAttention, unverified };
}

/**
 * `verified`: the final verification read ran this round (or there is none), so the campaign may
 * complete. `rolling`: how to queue the read of succeeded items while others still rotate.
 */
async function phaseA(
  campaignId: string,
  now: Date,
  ownBackendPid: number,
  verified: boolean,
  rolling: Pick<TickDeps, 'queueVerify' | 'rollingVerifyMin'>,
): Promise<PhaseA> {
  return db.$transaction(
    async (tx) => {
      const c = await lockCampaign(tx, campaignId);
      const base = {
        name: c.name,
        mode: c.mode,
        cutoverWaitHours: c.cutoverWaitHours,
        claimed: [] as Claimed[],
        decisions: [] as CampaignStep['kind'][],
        verifyQueued: false,
      };
      if (c.state !== 'RUNNING') return { ...base, state: c.state, currentWave: c.currentWave };
      // Count only once every rotation end in flight committed (campaign-outcome-lock.ts).
      await waitForOutcomes(tx, campaignId);
      await reconcile(tx, campaignId, now, ownBackendPid);
      const specs = readWaveSpecs(c.waves);
      let wave = c.currentWave;
      for (let guard = 0; guard <= specs.length; guard++) {
        const rows = await countByWave(tx, campaignId);
        const s = summarise(rows, wave);
        const d = decideCampaignStep({
          currentWave: wave,
          waveCount: specs.length,
          upToCurrent: s.upTo,
          currentFailed: s.currentFailed,
          currentAttention: s.currentAttention,
          maxFailures: maxFailuresFor(specs, wave),
        });
        base.decisions.push(d.kind);
        if (d.kind === 'advance') {
          await tx.campaign.update({ where: { id: campaignId }, data: { currentWave: wave + 1 } });
          await appendAuditEvent(
            tx,
            SYSTEM_ACTOR,
            {
              action: 'campaign.wave_started',
              targetType: 'campaign',
              targetId: campaignId,
              before: { currentWave: wave },
              after: {
                currentWave: wave + 1,
                previousWave: { failed: s.currentFailed, needsAttention: s.currentAttention },
              },
            },
            now,
          );
          wave += 1;
          continue;
        }
        if (d.kind === 'pause') {
          await tx.campaign.update({ where: { id: campaignId }, data: { state: 'PAUSED' } });
          await appendAuditEvent(
            tx,
            SYSTEM_ACTOR,
            {
              action: 'campaign.paused',
              targetType: 'campaign',
              targetId: campaignId,
              before: { state: 'RUNNING' },
              after: { state: 'PAUSED', reason: 'gate', wave, failures: d.failures, maxFailures: d.maxFailures },
            },
            now,
          );
          await notify(
            tx,
            {
              kind: 'campaign.paused',
              campaignId,
              name: c.name,
              wave,
              failures: d.failures,
              maxFailures: d.maxFailures,
            },
            now,
          );
          return { ...base, state: 'PAUSED', currentWave: wave };
        }
        if (d.kind === 'complete') {
          // The last rotations ended after this round looked whether to verify: look again first.
          if (!verified) return { ...base, state: 'RUNNING', currentWave: wave, verifyFirst: true };
          await tx.campaign.update({ where: { id: campaignId }, data: { state: 'FINISHED', finishedAt: now } });
          const totals = await countCampaignItems(tx, campaignId);
          await appendAuditEvent(
            tx,
            SYSTEM_ACTOR,
            {
              action: 'campaign.completed',
              targetType: 'campaign',
              targetId: campaignId,
              before: { state: 'RUNNING' },
              after: { state: 'FINISHED', totals },
            },
            now,
          );
          await notify(tx, { kind: 'campaign.finished', campaignId, name: c.name, state: 'FINISHED', totals }, now);
          return { ...base, state: 'FINISHED', currentWave: wave };
        }
        // Read the tenants of succeeded items now, while the rest rotate, rather than all after the
        // last one (the final read then covers only what is left): ADR 043.
        if (rolling.queueVerify && s.unverified >= (rolling.rollingVerifyMin ?? ROLLING_VERIFY_MIN)) {
          await rolling.queueVerify(tx, campaignId);
          base.verifyQueued = true;
        }
        if (d.kind === 'wait') return { ...base, state: 'RUNNING', currentWave: wave };
        // dispatch
        const slots = c.concurrency - s.upTo.active;
        // A large campaign starts its rotations in groups, which advance together (one job fetch,
        // shared statements: lib/rotation/step-group.ts): a few slots freed while enough rotations
        // are still stepping to free a group's worth soon are left for the tick their ends bring.
        const group = c.concurrency >= 2 * DISPATCH_GROUP ? Math.min(DISPATCH_GROUP, s.upTo.queued) : 1;
        if (slots > 0 && s.upTo.queued > 0 && (slots >= group || slots + s.moving < group)) {
          base.claimed = await tx.$queryRaw<Claimed[]>`
            WITH picked AS (
              SELECT ci.id FROM "CampaignItem" ci
              JOIN "Connector" c ON c.id = ci."connectorId" JOIN "Tenant" t ON t.id = c."tenantId"
              WHERE ci."campaignId" = ${campaignId}::uuid AND ci.state = 'QUEUED' AND ci.wave <= ${wave}
              ORDER BY ci.wave, c.status, t."displayName", c.id
              LIMIT ${slots} FOR UPDATE OF ci SKIP LOCKED
            ), claimed AS (
              UPDATE "CampaignItem" ci SET state = 'RUNNING', message = NULL, "updatedAt" = ${now}
              FROM picked WHERE ci.id = picked.id RETURNING ci.id, ci."connectorId"
            )
            SELECT cl.id, cl."connectorId", crc."certificateId"
            FROM claimed cl JOIN "Connector" c ON c.id = cl."connectorId" JOIN "Tenant" t ON t.id = c."tenantId"
            LEFT JOIN "CampaignRegionCertificate" crc ON crc."campaignId" = ${campaignId}::uuid AND crc.region = t.region
            ORDER BY c.status, t."displayName", c.id`;
        }
        return { ...base, state: 'RUNNING', currentWave: wave };
      }
      return { ...base, state: 'RUNNING', currentWave: wave };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}

/** Link a started rotation to its item (no-op when onRotationFinished got there first). */
async function link(itemId: string, rotationId: string, now: Date): Promise<void> {
  await db.$executeRaw`
    UPDATE "CampaignItem" SET "rotationId" = ${rotationId}::uuid, state = 'RUNNING', "updatedAt" = ${now}
    WHERE id = ${itemId}::uuid AND "rotationId" IS NULL AND state IN ('RUNNING', 'CANCELLED')`;
}

async function finishItem(itemId: string, state: 'SKIPPED' | 'FAILED', message: string, now: Date): Promise<void> {
  await db.$executeRaw`
    UPDATE "CampaignItem" SET state = ${state}::"CampaignItemState", message = ${message.slice(0, 2000)}, "updatedAt" = ${now}
    WHERE id = ${itemId}::uuid AND "rotationId" IS NULL AND state = 'RUNNING'`;
}

async function release(itemIds: string[], campaignState: string, now: Date): Promise<void> {
  if (itemIds.length === 0) return;
  const to = campaignState === 'CANCELLED' ? 'CANCELLED' : 'QUEUED';
  await db.$executeRaw`
    UPDATE "CampaignItem" SET state = ${to}::"CampaignItemState", "updatedAt" = ${now}
    WHERE id = ANY(${itemIds}::uuid[]) AND "rotationId" IS NULL AND state = 'RUNNING'`;
}

const SKIP_CODES = new Set(['CONFLICT', 'BAD_INPUT', 'NOT_FOUND', 'FORBIDDEN']);

async function phaseB(
  campaignId: string,
  a: PhaseA,
  deps: TickDeps,
): Promise<{ started: number; skipped: number; failed: number }> {
  const out = { started: 0, skipped: 0, failed: 0 };
  try {
    await startClaimed(campaignId, a, deps, out);
  } finally {
    if (out.started > 0) notifyJobQueued(ROTATION_ADVANCE_QUEUE.name);
  }
  return out;
}

async function startClaimed(
  campaignId: string,
  a: PhaseA,
  deps: TickDeps,
  out: { started: number; skipped: number; failed: number },
): Promise<void> {
  const actor: Actor = { id: null, label: `campaign:${a.name}` };
  let claimed: Claimed[];
  try {
    claimed = await startTogether(campaignId, a, deps, actor, out);
  } catch (e) {
    // Nothing of the group was written: its claims go back to the queue, as below.
    await release(
      a.claimed.map((x) => x.id),
      'RUNNING',
      deps.clock(),
    );
    throw e;
  }
  for (let i = 0; i < claimed.length; i++) {
    const item = claimed[i]!;
    const now = deps.clock();
    // Raw: read before every rotation the dispatcher starts (a typed query costs several times the CPU).
    const [row] = await db.$queryRaw<{ state: string }[]>`
      SELECT "state"::text FROM "Campaign" WHERE "id" = ${campaignId}::uuid`;
    const state = row?.state ?? 'CANCELLED';
    if (state !== 'RUNNING') {
      await release(
        claimed.slice(i).map((x) => x.id),
        state,
        now,
      );
      break;
    }
    if (!item.certificateId) {
      await finishItem(
        item.id,
        'FAILED',
        "No certificate is mapped for this connector's region (its tenant moved region after the campaign was created).",
        now,
      );
      out.failed++;
      continue;
    }
    try {
      const rotation = await deps.startRotation(
        createUseCaseContext({ actor, now }),
        {
          connectorId: item.connectorId,
          toCertificateId: item.certificateId,
          mode: a.mode,
          campaignId,
          // startRotation keeps it for routine connectors only: an emergency item never waits.
          cutoverWaitHours: a.mode === 'rotate' ? (a.cutoverWaitHours ?? null) : null,
        },
        // The worker is woken once, after the last start: it fetches their jobs together.
        { notify: false },
      );
      await link(item.id, rotation.id, now);
      out.started++;
    } catch (e) {
      if (!isRekeyError(e)) {
        await release(
          claimed.slice(i).map((x) => x.id),
          'RUNNING',
          now,
        );
        throw e;
      }
      if ((e as RekeyError).code === 'CONFLICT') {
        const active = await db.rotation.findFirst({
          where: { connectorId: item.connectorId, state: { in: [...ACTIVE_ROTATION_STATES] } },
          select: { id: true, campaignId: true },
        });
        if (active && active.campaignId === campaignId) {
          await link(item.id, active.id, now);
          out.started++;
          continue;
        }
      }
      if (SKIP_CODES.has(e.code)) {
        await finishItem(item.id, 'SKIPPED', e.message, now);
        out.skipped++;
      } else {
        await finishItem(item.id, 'FAILED', e.message, now);
        out.failed++;
      }
    }
  }
}

/**
 * Starts the claimed items' rotations in one transaction and links them to their items in it
 * (lib/rotation/start-rotations-together.ts, ADR 045), when the dispatcher uses the real
 * startRotation and the campaign still runs. Returns the items left to start one at a time (all of
 * them when the campaign stopped meanwhile: the loop releases them).
 */
async function startTogether(
  campaignId: string,
  a: PhaseA,
  deps: TickDeps,
  actor: Actor,
  out: { started: number },
): Promise<Claimed[]> {
  const ready = a.claimed.filter((c) => c.certificateId);
  if (deps.startRotation !== startRotation || ready.length < 2) return a.claimed;
  const now = deps.clock();
  const [row] = await db.$queryRaw<{ state: string }[]>`
    SELECT "state"::text FROM "Campaign" WHERE "id" = ${campaignId}::uuid`;
  if (row?.state !== 'RUNNING') return a.claimed;
  const ids = await startRotationsTogether(
    createUseCaseContext({ actor, now }),
    ready.map((item) => ({
      connectorId: item.connectorId,
      toCertificateId: item.certificateId!,
      mode: a.mode,
      campaignId,
      cutoverWaitHours: a.mode === 'rotate' ? (a.cutoverWaitHours ?? null) : null,
    })),
    async (tx, started) => {
      await tx.$executeRaw`
        UPDATE "CampaignItem" ci SET "rotationId" = x.rotation, state = 'RUNNING', "updatedAt" = ${now}
        FROM unnest(${started.map((s) => ready[s.index]!.id)}::uuid[], ${started.map((s) => s.rotationId)}::uuid[]) AS x(item, rotation)
        WHERE ci.id = x.item AND ci."rotationId" IS NULL AND ci.state IN ('RUNNING', 'CANCELLED')`;
    },
  );
  const started = new Set(ready.filter((_, i) => ids[i]).map((c) => c.id));
  out.started += started.size;
  return a.claimed.filter((c) => !started.has(c.id));
}

const DEFAULT_DEPS: TickDeps = {
  clock: () => new Date(),
  startRotation,
  // Loaded when a campaign ends (it reads every tenant of the campaign once).
  verify: async (id, now) => (await import('@/lib/campaigns/verify-campaign')).verifyCampaignOnTargets(id, { now }),
  queueVerify: enqueueCampaignVerify,
};

export async function tickCampaign(campaignId: string, depsIn?: Partial<TickDeps>): Promise<TickResult> {
  const deps: TickDeps = { ...DEFAULT_DEPS, ...depsIn };
  const result: TickResult = { state: 'RUNNING', decisions: [], started: 0, skipped: 0, failed: 0, currentWave: 0 };
  // Items skipped or failed at start free their slot at once: go round again (bounded).
  for (let round = 0; round < 20; round++) {
    const again = await withCampaignDispatchLock(campaignId, async (pid) => {
      // Nothing says done before the final verification read of every tenant.
      let verified = !deps.verify;
      if (deps.verify && (await readyToVerify(db, campaignId))) {
        const verify = deps.verify;
        // One read per campaign at a time: a tick that arrives while another process reads (3,600
        // tenants take ~25 s) leaves the campaign to it, which finishes it.
        if (!(await tryWithCampaignVerifyLock(campaignId, () => verify(campaignId, deps.clock())))) return false;
        verified = true;
      }
      const a = await phaseA(campaignId, deps.clock(), pid, verified, deps);
      if (a.verifyQueued) notifyJobQueued(campaignVerifyJob.name);
      result.state = a.state;
      result.currentWave = a.currentWave;
      result.decisions.push(...a.decisions);
      if (a.verifyFirst) return true;
      if (a.claimed.length === 0) return false;
      const b = await phaseB(campaignId, a, deps);
      result.started += b.started;
      result.skipped += b.skipped;
      result.failed += b.failed;
      return b.skipped + b.failed > 0;
    });
    if (!again) break;
  }
  return result;
}
