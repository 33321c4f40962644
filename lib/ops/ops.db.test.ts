/**
 * Heartbeats, what health and the admin banner make of them, and the purge job's work, against a
 * real database (time is a parameter everywhere but in the heartbeat writer itself).
 */
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { DEFAULT_SESSION_POLICY } from '@/lib/auth/session';
import { getSystemHealth, readHeartbeats, WORKER_STALE_MS } from '@/lib/ops/get-system-health';
import { findShellBanners } from '@/lib/ops/health-report';
import { ONBOARDING_SETTING, readOnboardingProgress, type OnboardingProgress } from '@/lib/ops/onboarding-progress';
import { startHeartbeat } from '@/lib/ops/process-heartbeat';
import { purgeExpiredRecords } from '@/lib/ops/purge-expired-records';
import type { Principal } from '@/lib/auth/principal';

const NOW = new Date('2026-12-02T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const principal = (role: 'admin' | 'viewer'): Principal => ({
  userId: '00000000-0000-4000-8000-000000000001',
  email: `${role}@rekey.example`,
  name: role,
  roles: [{ role, allTenants: true, tenantIds: [], groups: [] }],
});

async function beat(id: string, kind: string, beatAt: Date, detail: unknown = null) {
  await db.processHeartbeat.create({
    data: { id, kind, host: 'h1', pid: 100, startedAt: ago(3600_000), beatAt, detail: detail as never },
  });
}

describe('process heartbeats and health', () => {
  it('writes, updates and removes its row', async () => {
    const hb = await startHeartbeat({
      connectionString: process.env.DATABASE_URL!,
      kind: 'worker',
      intervalMs: 60_000,
    });
    const row = await db.processHeartbeat.findUniqueOrThrow({ where: { id: hb.id } });
    expect(row).toMatchObject({ kind: 'worker', pid: process.pid });
    await hb.update({ children: [{ name: 'x' }] });
    expect((await db.processHeartbeat.findUniqueOrThrow({ where: { id: hb.id } })).detail).toEqual({
      children: [{ name: 'x' }],
    });
    await hb.stop();
    expect(await db.processHeartbeat.findUnique({ where: { id: hb.id } })).toBeNull();
  });

  it('says in words when no worker ever reported, when they went quiet, and when a child is in a crash loop', async () => {
    await db.processHeartbeat.deleteMany();
    expect((await readHeartbeats(db, NOW)).problems).toEqual([
      'No job worker has reported yet: rotations, campaigns and scans are not running.',
    ]);
    await beat('worker:h1:100:1', 'worker', ago(5 * 60_000));
    expect((await readHeartbeats(db, NOW)).problems).toEqual([
      'No job worker has reported for 5 min: rotations, campaigns and scans are not running.',
    ]);
    // The shell's banners read the heartbeats as JSON (times as epoch ms) in one statement with the
    // onboarding: the same words, so the worker's beat time survives the trip to the minute.
    expect(await findShellBanners({ db, now: NOW, principal: principal('admin') })).toEqual({
      problems: ['No job worker has reported for 5 min: rotations, campaigns and scans are not running.'],
      onboarding: null,
    });
    await beat('worker:h1:102:1', 'worker', ago(WORKER_STALE_MS - 1000));
    expect((await findShellBanners({ db, now: NOW, principal: principal('admin') })).problems).toEqual([]);
    await db.processHeartbeat.delete({ where: { id: 'worker:h1:102:1' } });
    await beat('worker:h1:101:1', 'worker', ago(10_000));
    await beat('supervisor:h1:99:1', 'supervisor', ago(5_000), {
      children: [
        { name: 'web', pid: 1, running: true, restarts: 0, crashLoop: false, exitsInWindow: 0, lastExit: null },
        {
          name: 'worker 1',
          pid: 2,
          running: false,
          restarts: 6,
          crashLoop: true,
          exitsInWindow: 6,
          lastExit: { code: 1, signal: null, at: ago(2000).toISOString(), ranMs: 900 },
        },
      ],
    });
    const beats = await readHeartbeats(db, NOW);
    expect(beats.problems).toEqual([
      'Crash loop: worker 1 on h1 keeps exiting and being restarted. Check the server log.',
    ]);
    expect(beats).toMatchObject({ crashLoop: true, workerHeartbeatAgeSeconds: 10 });
    expect(beats.workers.map((w) => w.pid)).toEqual([100]);
    // The direct pool (ADR 038) reads what Prisma's $queryRaw reads (a transaction takes that path).
    expect(await db.$transaction((tx) => readHeartbeats(tx as typeof db, NOW))).toEqual(beats);

    const health = await getSystemHealth(db, NOW);
    expect(health).toMatchObject({ ok: false, database: { ok: true }, queues: { waiting: 0 } });
    // Only admins are told.
    expect((await findShellBanners({ db, now: NOW, principal: principal('viewer') })).problems).toEqual([]);
    expect((await findShellBanners({ db, now: NOW })).problems).toEqual([]);
    expect((await findShellBanners({ db, now: NOW, principal: principal('admin') })).problems).toHaveLength(1);
  });

  it("reads the fleet onboarding's progress for the banner, and null when there is none", async () => {
    expect(await readOnboardingProgress(db)).toBeNull();
    const progress: OnboardingProgress = {
      subject: 'the demo fleet',
      phase: 'consent checks and discovery scans',
      step: 1,
      steps: 3,
      done: 12,
      total: 40,
      startedAt: ago(9000).toISOString(),
      phaseStartedAt: ago(5000).toISOString(),
      updatedAt: NOW.toISOString(),
      finishedAt: null,
      error: null,
    };
    await db.setting.create({ data: { key: ONBOARDING_SETTING, value: { ...progress } } });
    expect(await readOnboardingProgress(db)).toEqual(progress);
    expect((await findShellBanners({ db, now: NOW, principal: principal('viewer') })).onboarding).toEqual(progress);
    expect((await findShellBanners({ db, now: NOW })).onboarding).toBeNull();
    // One read for both banners: a viewer gets the onboarding and no system problems.
    expect(await findShellBanners({ db, now: NOW, principal: principal('viewer') })).toEqual({
      problems: [],
      onboarding: progress,
    });
    await db.setting.update({
      where: { key: ONBOARDING_SETTING },
      data: { value: { ...progress, finishedAt: NOW.toISOString() } },
    });
    expect((await findShellBanners({ db, now: NOW, principal: principal('viewer') })).onboarding).toBeNull();
    await db.setting.delete({ where: { key: ONBOARDING_SETTING } });
  });

  it('purges expired and idle sessions and week-old heartbeats, and keeps the rest', async () => {
    await db.processHeartbeat.deleteMany();
    const user = await db.user.create({ data: { email: `purge-${Date.now()}@rekey.example`, name: 'P' } });
    const session = (id: string, lastSeenAt: Date, expiresAt: Date) =>
      db.session.create({ data: { id, userId: user.id, createdAt: ago(3600_000), lastSeenAt, expiresAt } });
    await session('live', ago(60_000), new Date(NOW.getTime() + 3600_000));
    await session('expired', ago(60_000), ago(1));
    await session('idle', ago(DEFAULT_SESSION_POLICY.idleMs + 1), new Date(NOW.getTime() + 3600_000));
    await beat('worker:h1:1:old', 'worker', ago(8 * 24 * 3600_000));
    await beat('worker:h1:2:recent', 'worker', ago(3600_000));
    expect(await purgeExpiredRecords(db, NOW, DEFAULT_SESSION_POLICY)).toEqual({ sessions: 2, heartbeats: 1 });
    expect((await db.session.findMany({ where: { userId: user.id } })).map((s) => s.id)).toEqual(['live']);
    expect((await db.processHeartbeat.findMany()).map((h) => h.id)).toEqual(['worker:h1:2:recent']);
  });
});
