/**
 * Where a rotation's wall time goes: its steps (RotationStep: start = at − durationMs, end = at,
 * outcome and error code) and the `rotation.advance` / `campaign.tick` jobs around them (pg-boss:
 * queued, due, started, completed), as milliseconds from the rotation's creation. Read from the
 * database after a run; the waits between a step's end and the next job's start are what a
 * sequential rotation spends idle.
 */
import pg_ from 'pg';

export interface TimelineEntry {
  /** ms from the rotation's creation. */
  at: number;
  what: string;
}

export interface RotationTimeline {
  rotationId: string;
  totalMs: number;
  entries: TimelineEntry[];
  /** Milliseconds spent in steps (their durationMs), and the rest (waiting for jobs, backoffs, commits). */
  inStepsMs: number;
}

const ms = (d: Date | null, t0: number) => (d ? d.getTime() - t0 : null);

/** The timeline of each rotation of `campaignId` (oldest first, or `slowest` first; at most `limit`). */
export async function campaignTimelines(
  url: string,
  campaignId: string,
  limit = 3,
  order: 'oldest' | 'slowest' = 'oldest',
): Promise<RotationTimeline[]> {
  const c = new pg_.Client({ connectionString: url });
  await c.connect();
  try {
    const rotations = await c.query<{ id: string; createdAt: Date; finishedAt: Date | null }>(
      `SELECT id, "createdAt", "finishedAt" FROM "Rotation" WHERE "campaignId" = $1
       ORDER BY ${order === 'slowest' ? `"finishedAt" - "createdAt" DESC NULLS FIRST` : `"createdAt"`} LIMIT $2`,
      [campaignId, limit],
    );
    const out: RotationTimeline[] = [];
    for (const r of rotations.rows) {
      const t0 = r.createdAt.getTime();
      const entries: TimelineEntry[] = [];
      const steps = await c.query<{ step: string; outcome: string; at: Date; durationMs: number; detail: unknown }>(
        `SELECT step, outcome, at, "durationMs", detail FROM "RotationStep" WHERE "rotationId" = $1 ORDER BY at`,
        [r.id],
      );
      let inSteps = 0;
      for (const s of steps.rows) {
        inSteps += s.durationMs;
        const code = (s.detail as { code?: string } | null)?.code;
        entries.push({ at: s.at.getTime() - s.durationMs - t0, what: `step ${s.step} starts` });
        entries.push({
          at: s.at.getTime() - t0,
          what: `step ${s.step} ${s.outcome}${code ? ` (${code})` : ''} after ${s.durationMs} ms`,
        });
      }
      const jobs = await c.query<{
        name: string;
        created_on: Date;
        start_after: Date;
        started_on: Date | null;
        completed_on: Date | null;
      }>(
        `SELECT name, created_on, start_after, started_on, completed_on FROM (
           SELECT name, data, created_on, start_after, started_on, completed_on FROM pgboss.job
           UNION ALL SELECT name, data, created_on, start_after, started_on, completed_on FROM pgboss.archive
         ) j
         WHERE name = 'rotation.advance' AND data->>'rotationId' = $1`,
        [r.id],
      );
      for (const j of jobs.rows) {
        const created = ms(j.created_on, t0)!;
        const due = ms(j.start_after, t0)!;
        entries.push({
          at: created,
          what: `job ${j.name} queued${due > created + 5 ? `, due at +${due} ms` : ''}`,
        });
        if (j.started_on) entries.push({ at: ms(j.started_on, t0)!, what: `job ${j.name} started` });
        if (j.completed_on) entries.push({ at: ms(j.completed_on, t0)!, what: `job ${j.name} completed` });
      }
      entries.sort((a, b) => a.at - b.at);
      out.push({
        rotationId: r.id,
        totalMs: (r.finishedAt?.getTime() ?? t0) - t0,
        entries,
        inStepsMs: inSteps,
      });
    }
    return out;
  } finally {
    await c.end();
  }
}

/** When the campaign's rotations were created and finished, and when the campaign itself finished (ms from start). */
export async function campaignEnds(
  url: string,
  campaignId: string,
): Promise<{
  firstCreatedMs: number;
  lastCreatedMs: number;
  lastFinishedMs: number;
  campaignFinishedMs: number | null;
  gapsMs: number[];
  /** Each rotation's creation to finish, sorted. */
  durationsMs: number[];
}> {
  const c = new pg_.Client({ connectionString: url });
  await c.connect();
  try {
    const camp = await c.query<{ startedAt: Date; finishedAt: Date | null }>(
      `SELECT "startedAt", "finishedAt" FROM "Campaign" WHERE id = $1`,
      [campaignId],
    );
    const t0 = camp.rows[0]!.startedAt.getTime();
    const rs = await c.query<{ createdAt: Date; finishedAt: Date | null }>(
      `SELECT "createdAt", "finishedAt" FROM "Rotation" WHERE "campaignId" = $1 ORDER BY "createdAt"`,
      [campaignId],
    );
    const created = rs.rows.map((r) => r.createdAt.getTime());
    const finished = rs.rows.map((r) => r.finishedAt?.getTime() ?? 0);
    // Between one rotation's end and the next one's creation (a sequential campaign's dispatch latency).
    const gapsMs = rs.rows.slice(1).map((r, i) => r.createdAt.getTime() - finished[i]!);
    return {
      firstCreatedMs: Math.min(...created) - t0,
      lastCreatedMs: Math.max(...created) - t0,
      durationsMs: rs.rows.map((r, i) => finished[i]! - created[i]!).sort((a, b) => a - b),
      lastFinishedMs: Math.max(...finished) - t0,
      campaignFinishedMs: camp.rows[0]!.finishedAt ? camp.rows[0]!.finishedAt.getTime() - t0 : null,
      gapsMs,
    };
  } finally {
    await c.end();
  }
}

export function formatTimeline(t: RotationTimeline): string[] {
  return [
    `rotation ${t.rotationId}: ${t.totalMs} ms from creation to finish, ${t.inStepsMs} ms of it in steps`,
    ...t.entries.map((e) => `  ${String(`+${e.at}`).padStart(8)} ms  ${e.what}`),
  ];
}
