/**
 * Brings a database up to date, as its owner role (ADR 017):
 * 1. committed Prisma migrations (`prisma migrate deploy`, Prisma 6's WASM schema engine via
 *    prisma.config.ts);
 * 2. pg-boss's schema migrations, every job queue Rekey uses and pg-boss's queue for scheduled
 *    jobs (a queue is a table partition, so creating one is DDL the application role may not run);
 * 3. the application role's privileges (lib/runtime/database-roles.ts), when it is another role.
 * Idempotent: on an up-to-date database it changes nothing.
 *
 * The owner is `opts.migrateUrl`, else DATABASE_MIGRATE_URL, else `url` itself (one role).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import PgBoss from 'pg-boss';
import { RekeyError } from '@/lib/errors';
import { JOB_SCHEMA } from '@/lib/jobs/job-queues';
import { grantApplicationPrivileges, roleOf } from '@/lib/runtime/database-roles';

const root = path.resolve(import.meta.dirname, '..', '..');

/**
 * pg-boss's own queue for scheduled jobs: each due schedule is sent through it, then copied into
 * its job's queue (pg-boss/src/timekeeper.js, `QUEUES.SEND_IT`). pg-boss creates it when it starts
 * with `schedule: true` and ignores a failure, so under the application role (no DDL) it would be
 * missing and no cron schedule would ever run: the owner installs it here with Rekey's queues.
 */
export const PGBOSS_CRON_QUEUE = '__pgboss__send-it';

export interface MigrateOptions {
  /** The owner's connection string (default DATABASE_MIGRATE_URL, else `url`). */
  migrateUrl?: string;
}

export async function migrateDatabase(
  url: string,
  opts: MigrateOptions = {},
): Promise<{ applied: string[]; output: string }> {
  const ownerUrl = opts.migrateUrl || process.env.DATABASE_MIGRATE_URL || url;
  const result = await prismaMigrateDeploy(ownerUrl);
  await migrateJobSchema(ownerUrl);
  await grantApplicationPrivileges(ownerUrl, roleOf(url));
  return result;
}

/**
 * Whether `migrate deploy`'s output says it finished: its last words on success. Its exit code alone
 * is not enough — the CLI runs with prisma/exit-when-done.cjs, so a process left waiting only on a
 * timer would end with 0 having done nothing.
 */
export function migrateDeploySucceeded(output: string): boolean {
  return /^(No pending migrations to apply|All migrations have been successfully applied)\.$/m.test(output);
}

async function prismaMigrateDeploy(databaseUrl: string): Promise<{ applied: string[]; output: string }> {
  const cli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
  const output = await new Promise<string>((resolve, reject) => {
    const preload = path.join(root, 'prisma', 'exit-when-done.cjs');
    const child = spawn(process.execPath, ['--require', preload, cli, 'migrate', 'deploy'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 && migrateDeploySucceeded(out)
        ? resolve(out)
        : reject(
            new RekeyError(
              'CONFIG',
              `Database migration failed: ${out.trim().split('\n').slice(-3).join(' ')}. Check that DATABASE_MIGRATE_URL (or DATABASE_URL) points to a reachable PostgreSQL as the role that owns Rekey's tables.`,
            ),
          ),
    );
  });
  // `migrate deploy` lists what it applied as a tree: "└─ 20261129140450_init/" then "└─ migration.sql".
  const applied = [...output.matchAll(/└─\s*(\d{8,}_[\w-]+)\/?/g)].map((m) => m[1]!);
  return { applied, output };
}

/** pg-boss's own schema migrations, its cron queue, then a queue for every job kind (lib/jobs/all-jobs.ts). */
export async function migrateJobSchema(ownerUrl: string): Promise<void> {
  const boss = new PgBoss({
    connectionString: ownerUrl,
    schema: JOB_SCHEMA,
    max: 2,
    migrate: true,
    supervise: false,
    schedule: false,
  });
  boss.on('error', () => undefined);
  try {
    await boss.start();
    // Imported here: the job list pulls in every job's module, which nothing else in this file needs.
    const { ALL_JOBS, SCHEDULES } = await import('@/lib/jobs/all-jobs');
    if (!(await boss.getQueue(PGBOSS_CRON_QUEUE))) await boss.createQueue(PGBOSS_CRON_QUEUE);
    const seen = new Set<string>();
    for (const job of [...ALL_JOBS, ...SCHEDULES.map((s) => s.job)]) {
      if (seen.has(job.name)) continue;
      seen.add(job.name);
      const opts = { name: job.name, policy: job.queue.policy ?? 'standard', ...job.queue };
      const existing = await boss.getQueue(job.name);
      if (!existing) await boss.createQueue(job.name, opts);
      else if (
        existing.policy !== opts.policy ||
        existing.retryLimit !== opts.retryLimit ||
        existing.expireInSeconds !== opts.expireInSeconds
      )
        await boss.updateQueue(job.name, opts);
    }
  } catch (e) {
    if (e instanceof RekeyError) throw e;
    throw new RekeyError('CONFIG', `Installing the job queues failed: ${(e as Error).message}.`);
  } finally {
    await boss.stop({ graceful: false, wait: true, timeout: 2000 }).catch(() => undefined);
  }
}
