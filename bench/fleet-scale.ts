/**
 * Fleet scale: 10,000 tenants / 30,000 connectors seeded into a throwaway embedded PostgreSQL;
 * the overview, a filtered + sorted + paginated tenant list and a tenant search loaded over HTTP
 * from `next start` by a small fixed-concurrency load generator (signed in as an admin through a
 * real session cookie), against the SQL floor: the same lib/fleet query functions the pages call
 * (plus the session read every page does), run in-process against the same database with the
 * same concurrency. Prints p50/p95 for both and their ratio (targets: HTTP p95 ≤ 250 ms and
 * ≤ 3 × the floor's p95).
 *
 * `npx tsx bench/fleet-scale.ts` (runs `next build` first when .next/BUILD_ID is missing; with
 * REKEY_NEXT_DIST_DIR set, builds into and serves from that folder instead, like scripts/start.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { seedLargeFleet } from './lib/seed-large-fleet';
import {
  benchWebEnv,
  freePort,
  isMain,
  readStatementStats,
  resetStatementStats,
  stopProcess,
  runConcurrent,
  startBenchDatabase,
  stats,
  writeJsonResult,
  type LatencyStats,
} from './lib/bench-db';

const ROOT = path.resolve(import.meta.dirname, '..');
const TARGET_P95_MS = 250;
const TARGET_RATIO = 3;

export interface FleetScaleRow {
  name: string;
  url: string;
  http: LatencyStats;
  sql: LatencyStats;
  /** http.p95 / sql.p95 */
  ratioP95: number;
  ratioP50: number;
  /** The same, one request at a time (latency without queueing on the 2 cores). */
  sequential: { http: LatencyStats; sql: LatencyStats; ratioP95: number };
  /**
   * Top-level statements per request (pg_stat_statements over 20 requests one at a time), the page
   * and its floor; null with REKEY_BENCH_STATEMENT_STATS=0.
   */
  statements: { http: number; sql: number } | null;
  bytes: number;
  withinTarget: boolean;
}

export interface FleetScaleResult {
  name: 'fleet-scale';
  tenants: number;
  connectors: number;
  seedMs: number;
  concurrency: number;
  requestsPerUrl: number;
  built: boolean;
  rows: FleetScaleRow[];
  targetP95Ms: number;
  targetRatio: number;
  withinTarget: boolean;
}

async function waitForHttp(url: string, child: ChildProcess, log: () => string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`next start exited (${child.exitCode}):\n${log().slice(-3000)}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline)
      throw new Error(`next start did not answer ${url} within ${timeoutMs} ms:\n${log().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function run(
  opts: { tenants?: number; requests?: number; concurrency?: number; log?: (s: string) => void } = {},
): Promise<FleetScaleResult> {
  const tenants = opts.tenants ?? 10_000;
  const requests = opts.requests ?? 200;
  const concurrency = opts.concurrency ?? 8;
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));

  // REKEY_BENCH_STATEMENT_STATS=0: PostgreSQL without pg_stat_statements (as in the campaign bench).
  const statementStats = process.env.REKEY_BENCH_STATEMENT_STATS !== '0';
  const database = await startBenchDatabase('fleet', { statementStats });
  const web: ChildProcess[] = [];
  try {
    const t0 = Date.now();
    const seeded = await seedLargeFleet(database.url, tenants, 3);
    const seedMs = Date.now() - t0;
    log(`fleet-scale: seeded ${seeded.tenants} tenants / ${seeded.connectors} connectors in ${seedMs} ms`);

    // Everything that imports lib/db reads DATABASE_URL on first use: set it before importing.
    const secret = randomBytes(32).toString('base64url');
    process.env.DATABASE_URL = database.clientUrl;
    process.env.REKEY_SESSION_SECRET = secret;
    process.env.REKEY_DATA_DIR = database.dir;
    const { db, disconnectDb } = await import('@/lib/db');
    const { deriveCookieKey } = await import('@/lib/auth/cookie-crypto');
    const { createSession, DEFAULT_SESSION_POLICY, loadPrincipal, readSession, SESSION_COOKIE_PLAIN } =
      await import('@/lib/auth/session');
    const { tenantScopeWhere } = await import('@/lib/auth/principal');
    const { parseFleetFilters } = await import('@/lib/fleet/fleet-filters');
    const { fleetScopeFor } = await import('@/lib/fleet/fleet-scope');
    const { getFleetOverview } = await import('@/lib/fleet/get-fleet-overview');
    const { listFilterOptions } = await import('@/lib/fleet/list-filter-options');
    const { listTenants, TENANT_SORTS } = await import('@/lib/fleet/list-tenants');
    const { parseTableParams } = await import('@/components/tables/table-params');

    const user = await db.user.create({
      data: {
        email: 'bench-admin@rekey.example',
        name: 'Bench Admin',
        roles: { create: [{ role: 'admin', allTenants: true }] },
      },
    });
    const key = deriveCookieKey(secret);
    const session = await createSession(db, key, { userId: user.id, now: new Date(), policy: DEFAULT_SESSION_POLICY });
    const cookie = `${SESSION_COOKIE_PLAIN}=${session.cookieValue}`;
    const principal = (await loadPrincipal(db, user.id))!;

    // The pages' data, exactly as the pages ask for it (app/(dashboard)/page.tsx, tenants/page.tsx).
    const sessionRead = () =>
      readSession(db, key, session.cookieValue, { now: new Date(), policy: DEFAULT_SESSION_POLICY });
    const overviewData = async () => {
      await sessionRead();
      const filters = parseFleetFilters({});
      await Promise.all([
        getFleetOverview(db, fleetScopeFor(principal, 'viewer'), filters, new Date()),
        listFilterOptions(db, tenantScopeWhere(principal, 'viewer')),
      ]);
    };
    const tenantsData = (sp: Record<string, string>) => async () => {
      await sessionRead();
      const filters = parseFleetFilters(sp);
      const table = parseTableParams(sp, TENANT_SORTS, { sort: 'name', dir: 'asc' });
      const scope = tenantScopeWhere(principal, 'viewer');
      await Promise.all([
        listTenants(db, scope, {
          filters,
          sort: table.sort as (typeof TENANT_SORTS)[number],
          dir: table.dir,
          page: table.page,
          pageSize: 50,
        }),
        listFilterOptions(db, scope),
      ]);
    };
    const cases = [
      { name: 'overview', url: '/', sql: overviewData },
      {
        name: 'tenant list (EU, by connectors desc, page 3)',
        url: '/tenants?region=EU&sort=connectors&dir=desc&page=3',
        sql: tenantsData({ region: 'EU', sort: 'connectors', dir: 'desc', page: '3' }),
      },
      { name: 'tenant search "northwind"', url: '/tenants?q=northwind', sql: tenantsData({ q: 'northwind' }) },
    ];

    // The production build.
    let built = false;
    const distDir = process.env.REKEY_NEXT_DIST_DIR || '.next';
    if (!fs.existsSync(path.join(ROOT, distDir, 'BUILD_ID'))) {
      log(`fleet-scale: ${distDir}/BUILD_ID is missing: running \`next build\` first (a few minutes)…`);
      const b = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], {
        cwd: ROOT,
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
        stdio: 'inherit',
      });
      if (b.status !== 0) throw new Error('next build failed');
      built = true;
    }
    // REKEY_BENCH_WEB_PROCESSES=N: N `next start` processes, requests spread over them in turn (what
    // a balancer in front would do, without its own cost): does a second web process help?
    const webProcesses = Math.max(1, Number(process.env.REKEY_BENCH_WEB_PROCESSES ?? 1) || 1);
    const bases: string[] = [];
    for (let i = 0; i < webProcesses; i++) {
      const port = await freePort();
      let nextLog = '';
      const child = spawn(
        process.execPath,
        [
          ...(process.env.REKEY_BENCH_CPU_PROFILE
            ? ['--cpu-prof', `--cpu-prof-dir=${process.env.REKEY_BENCH_CPU_PROFILE}`]
            : []),
          path.join(ROOT, 'node_modules/next/dist/bin/next'),
          'start',
          '-p',
          String(port),
          '-H',
          '127.0.0.1',
        ],
        {
          cwd: ROOT,
          env: benchWebEnv(database, secret, { PORT: String(port) }),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      web.push(child);
      child.stdout?.on('data', (b: Buffer) => (nextLog += b.toString()));
      child.stderr?.on('data', (b: Buffer) => (nextLog += b.toString()));
      const base = `http://127.0.0.1:${port}`;
      await waitForHttp(`${base}/api/health`, child, () => nextLog);
      bases.push(base);
    }
    if (process.env.REKEY_BENCH_HOLD === '1') {
      // REKEY_BENCH_HOLD=1: keep the seeded fleet and its web server up for a closer look (a browser,
      // curl, Lighthouse) instead of measuring; Ctrl-C stops it and removes the throwaway database.
      log(`fleet-scale: holding — ${bases.join(' ')} — send the header "cookie: ${cookie}" (Ctrl-C ends)`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      throw new Error('held for a look (REKEY_BENCH_HOLD=1): nothing was measured');
    }
    let turn = 0;

    const rows: FleetScaleRow[] = [];
    for (const c of cases) {
      let bytes = 0;
      const get = async () => {
        const r = await fetch(`${bases[turn++ % bases.length]}${c.url}`, {
          headers: { cookie, accept: 'text/html' },
          redirect: 'manual',
        });
        const body = await r.text();
        if (r.status !== 200) throw new Error(`${c.url}: HTTP ${r.status} ${r.headers.get('location') ?? ''}`);
        bytes = body.length;
      };
      // Warm-up: JIT, Next's caches, PostgreSQL's buffers and plans, the connection pools.
      await runConcurrent(20, concurrency, get);
      await runConcurrent(20, concurrency, () => c.sql());
      // Interleave the two measurements in rounds so background load on the machine hits both alike.
      const httpMs: number[] = [];
      const sqlMs: number[] = [];
      const rounds = 4;
      for (let r = 0; r < rounds; r++) {
        httpMs.push(...(await runConcurrent(requests / rounds, concurrency, get)));
        sqlMs.push(...(await runConcurrent(requests / rounds, concurrency, () => c.sql())));
      }
      const http = stats(httpMs);
      const sql = stats(sqlMs);
      const http1: number[] = [];
      const sql1: number[] = [];
      for (let r = 0; r < 2; r++) {
        http1.push(...(await runConcurrent(20, 1, get)));
        sql1.push(...(await runConcurrent(20, 1, () => c.sql())));
      }
      const sequential = { http: stats(http1), sql: stats(sql1), ratioP95: 0 };
      sequential.ratioP95 = Math.round((sequential.http.p95 / sequential.sql.p95) * 100) / 100;
      // Round trips per request: every statement a page sends costs both processes a system call
      // and PostgreSQL a parse and plan (the bench's own reads are not in the window).
      let statements: FleetScaleRow['statements'] = null;
      if (statementStats) {
        const count = async (f: () => Promise<void>, what: string) => {
          await resetStatementStats(database.url);
          await runConcurrent(20, 1, f);
          const st = await readStatementStats(database.url, { all: true });
          // REKEY_BENCH_STATEMENTS=<file>: every statement of the window, with its calls.
          if (process.env.REKEY_BENCH_STATEMENTS)
            fs.appendFileSync(
              process.env.REKEY_BENCH_STATEMENTS,
              `## ${c.name}, ${what}, 20 requests\n${st.top.map((t) => `${t.calls}\t${t.nested ? 'nested ' : ''}${t.query}`).join('\n')}\n\n`,
            );
          // The window's own reset is counted; the reads of the statistics are not.
          const own = st.top.filter((t) => !t.nested && /pg_stat_statements/.test(t.query));
          const calls = st.calls - own.reduce((a, t) => a + t.calls, 0);
          return Math.round((calls / 20) * 10) / 10;
        };
        statements = { http: await count(get, 'page'), sql: await count(() => c.sql(), 'floor') };
      }
      const ratioP95 = Math.round((http.p95 / sql.p95) * 100) / 100;
      const ratioP50 = Math.round((http.p50 / sql.p50) * 100) / 100;
      rows.push({
        name: c.name,
        url: c.url,
        http,
        sql,
        ratioP95,
        ratioP50,
        sequential,
        statements,
        bytes,
        withinTarget: http.p95 <= TARGET_P95_MS && ratioP95 <= TARGET_RATIO,
      });
      log(
        `fleet-scale: ${c.name}: HTTP p50 ${http.p50} / p95 ${http.p95} ms; SQL floor p50 ${sql.p50} / p95 ${sql.p95} ms; ratio p95 ${ratioP95}×; one at a time: HTTP p95 ${sequential.http.p95} ms, SQL p95 ${sequential.sql.p95} ms${statements ? `; statements per request: page ${statements.http}, floor ${statements.sql}` : ''}`,
      );
    }
    await disconnectDb();
    return {
      name: 'fleet-scale',
      tenants: seeded.tenants,
      connectors: seeded.connectors,
      seedMs,
      concurrency,
      requestsPerUrl: requests,
      built,
      rows,
      targetP95Ms: TARGET_P95_MS,
      targetRatio: TARGET_RATIO,
      withinTarget: rows.every((r) => r.withinTarget),
    };
  } finally {
    for (const child of web) await stopProcess(child);
    await database.stop();
  }
}

export function format(r: FleetScaleResult): string {
  const lines = [
    `fleet-scale: ${r.tenants} tenants / ${r.connectors} connectors (seeded in ${r.seedMs} ms); ${r.requestsPerUrl} requests per URL, ${r.concurrency} concurrent`,
    `  ${'page'.padEnd(46)} ${'HTTP p50'.padStart(9)} ${'HTTP p95'.padStart(9)} ${'SQL p50'.padStart(8)} ${'SQL p95'.padStart(8)} ${'p95 ratio'.padStart(9)}`,
    ...r.rows.map(
      (x) =>
        `  ${x.name.padEnd(46)} ${`${x.http.p50}`.padStart(9)} ${`${x.http.p95}`.padStart(9)} ${`${x.sql.p50}`.padStart(8)} ${`${x.sql.p95}`.padStart(8)} ${`${x.ratioP95}×`.padStart(9)} ${x.withinTarget ? 'OK' : 'OVER TARGET'}`,
    ),
    `  one request at a time (40 each):`,
    ...r.rows.map(
      (x) =>
        `  ${x.name.padEnd(46)} ${`${x.sequential.http.p50}`.padStart(9)} ${`${x.sequential.http.p95}`.padStart(9)} ${`${x.sequential.sql.p50}`.padStart(8)} ${`${x.sequential.sql.p95}`.padStart(8)} ${`${x.sequential.ratioP95}×`.padStart(9)}`,
    ),
    ...(r.rows.some((x) => x.statements)
      ? [
          `  statements per request (top level, pg_stat_statements), page / floor:`,
          ...r.rows.map(
            (x) =>
              `  ${x.name.padEnd(46)} ${`${x.statements?.http ?? '–'}`.padStart(9)} ${`${x.statements?.sql ?? '–'}`.padStart(9)}`,
          ),
        ]
      : []),
    `  targets: HTTP p95 ≤ ${r.targetP95Ms} ms and ≤ ${r.targetRatio}× the SQL floor's p95 (ms), measured at ${r.concurrency} concurrent`,
  ];
  return lines.join('\n');
}

if (isMain(import.meta.url)) {
  const r = await run();
  process.stdout.write(`${format(r)}\n`);
  writeJsonResult(r);
  process.exit(0);
}
