/**
 * The wizard's state on the server (ADR 020): every preflight the wizard runs is stored; Confirm
 * and Start need a stored PASSING preflight of the same connector, certificate and mode, run by
 * the same user within PREFLIGHT_FRESH_MS and not yet used. Start links the rotation it armed, so
 * the wizard's URL after Start (Back, refresh) shows that rotation rather than a re-armed Confirm.
 */
import type { Db, Prisma } from '@/lib/db';
import type { PreflightCheck } from '@/lib/rotation/preflight-checks';
import { isGuid } from '@/lib/text/guid';
import type { UseCaseContext } from '@/lib/use-case';

/** A passing preflight arms Confirm for 15 minutes; after that the tenant may have changed. */
export const PREFLIGHT_FRESH_MS = 15 * 60_000;

export interface PreflightKey {
  connectorId: string;
  certificateId: string;
  mode: 'rotate' | 'reestablish';
  recreate: boolean;
}

export async function recordPreflight(
  db: Db,
  key: PreflightKey,
  result: { ok: boolean; checks: PreflightCheck[] },
  actorId: string | null,
  now: Date,
): Promise<string> {
  const row = await db.rotationPreflight.create({
    data: {
      ...key,
      ok: result.ok,
      checks: result.checks as unknown as Prisma.InputJsonValue,
      actorId,
      createdAt: now,
    },
    select: { id: true },
  });
  return row.id;
}

export type ArmingPreflight =
  | { status: 'armed'; id: string; createdAt: Date }
  /** Already used: the rotation it started. */
  | { status: 'used'; rotationId: string }
  | { status: 'missing' | 'failed' | 'stale' | 'mismatch'; message: string };

/** Whether `preflightId` arms Confirm/Start for exactly this connector, certificate and mode. */
export async function findArmingPreflight(
  db: Db,
  preflightId: string | null | undefined,
  key: PreflightKey,
  actorId: string | null,
  now: Date,
): Promise<ArmingPreflight> {
  const missing = {
    status: 'missing',
    message: 'Run the preflight first: Confirm needs a passing preflight.',
  } as const;
  if (!preflightId || !isGuid(preflightId)) return missing;
  const p = await db.rotationPreflight.findUnique({ where: { id: preflightId } });
  if (!p || p.connectorId !== key.connectorId || (actorId && p.actorId !== actorId)) return missing;
  if (p.rotationId) return { status: 'used', rotationId: p.rotationId };
  if (p.certificateId !== key.certificateId || p.mode !== key.mode || p.recreate !== key.recreate)
    return {
      status: 'mismatch',
      message: 'The certificate or mode changed since the preflight; run the preflight again.',
    };
  if (!p.ok)
    return { status: 'failed', message: 'The preflight did not pass; fix the failed checks and run it again.' };
  if (now.getTime() - p.createdAt.getTime() > PREFLIGHT_FRESH_MS)
    return { status: 'stale', message: 'The preflight is more than 15 minutes old; run it again.' };
  return { status: 'armed', id: p.id, createdAt: p.createdAt };
}

/** Links the rotation a preflight started; false when another Start used it first. */
export async function markPreflightUsed(db: Db, preflightId: string, rotationId: string): Promise<boolean> {
  const r = await db.rotationPreflight.updateMany({
    where: { id: preflightId, rotationId: null },
    data: { rotationId },
  });
  return r.count === 1;
}

/**
 * Whether the caller's preflight `preflightId` arms Confirm/Start for `key` at `ctx.now`: only a
 * preflight the signed-in user ran counts (a trusted caller without a principal may use any).
 */
export function findArmingPreflightFor(
  ctx: Pick<UseCaseContext, 'db' | 'principal' | 'now'>,
  input: { preflightId: string | null | undefined; key: PreflightKey },
): Promise<ArmingPreflight> {
  return findArmingPreflight(ctx.db, input.preflightId, input.key, ctx.principal?.userId ?? null, ctx.now);
}
