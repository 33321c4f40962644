/**
 * The lock between a rotation's end and the campaign dispatcher's count (tick-campaign.ts).
 *
 * A rotation's end records its item's outcome and queues a `campaign.tick` in its own transaction.
 * The tick queue keeps one *waiting* tick per campaign, so that queueing is dropped when one waits —
 * and the waiting tick may be fetched and count the campaign's items before the end commits. Such a
 * tick sees the rotation still running; if it was the campaign's last, nothing ticks the campaign
 * again until the minute's sweep. So an end holds this lock SHARED from before it writes its
 * outcome until it commits, and the dispatcher takes it EXCLUSIVELY before it counts: it waits for
 * the ends in flight, and an end whose tick was dropped is always counted by the tick that waited.
 *
 * Both are transaction-level advisory locks (released at commit). An end takes it before it locks
 * its item and takes the audit chain's lock after it, and the dispatcher takes it after the
 * campaign's row lock and before any item or the audit chain, so neither waits for the other in a
 * circle.
 */
import { Prisma } from '@/lib/db';

/** Advisory-lock class of campaign outcomes ("RKO"). */
export const OUTCOME_LOCK_NAMESPACE = 0x52_4b_4f;

/**
 * A rotation's end: `UPDATE … WHERE … AND ${outcomeLockHeld(campaignId)}` takes the lock SHARED in
 * the statement that writes the item's outcome, before it reads or locks any row, whether or not a
 * row matches: an uncorrelated scalar subquery is an init plan, run once as a one-time filter when
 * the statement starts. (Not `EXISTS (SELECT lock())`: EXISTS drops its select list unevaluated.)
 */
export function outcomeLockHeld(campaignId: string): Prisma.Sql {
  return Prisma.sql`(SELECT pg_advisory_xact_lock_shared(${OUTCOME_LOCK_NAMESPACE}::int, hashtext(${campaignId}))::text) IS NOT NULL`;
}

/** The dispatcher, before it counts: waits until every end in flight committed. */
export async function waitForOutcomes(tx: Prisma.TransactionClient, campaignId: string): Promise<void> {
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(${OUTCOME_LOCK_NAMESPACE}::int, hashtext(${campaignId}))::text`;
}
