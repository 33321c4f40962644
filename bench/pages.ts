/**
 * Pages: Lighthouse (npm `lighthouse`, driving Debian's Chromium through chrome-launcher)
 * performance and accessibility scores for the overview, the tenant list and the rotation wizard,
 * signed in as an admin (session cookie passed as an extra header), against `next start` on a
 * throwaway database seeded with a 10,000-tenant fleet. Targets: performance ≥ 90, accessibility ≥ 95.
 *
 * `npx tsx bench/pages.ts` (runs `next build` first when <dist>/BUILD_ID is missing; the build folder is
 * `REKEY_NEXT_DIST_DIR`, default `.next`, like the app's own). `REKEY_BENCH_PAGES_RUNS=N` measures each
 * page N times (after the warm-up) and reports the median run by performance score;
 * `REKEY_BENCH_LHR_DIR=dir` keeps every Lighthouse report (JSON) there for a closer look, with the
 * trace behind it (`<page>-<run>.trace.json`: the main thread's tasks) and the page's HTML as served.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { seedLargeFleet } from './lib/seed-large-fleet';
import { benchWebEnv, freePort, isMain, stopProcess, startBenchDatabase, writeJsonResult } from './lib/bench-db';

const ROOT = path.resolve(import.meta.dirname, '..');
const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const DIST_DIR = process.env.REKEY_NEXT_DIST_DIR || '.next';
const RUNS = Math.max(1, Number(process.env.REKEY_BENCH_PAGES_RUNS ?? 1) || 1);
const LHR_DIR = process.env.REKEY_BENCH_LHR_DIR;

export interface PageScore {
  name: string;
  url: string;
  status: number;
  performance: number | null;
  accessibility: number | null;
  metrics: { fcpMs: number | null; lcpMs: number | null; tbtMs: number | null; cls: number | null };
  /** Transfer sizes (kB) as Lighthouse saw them: scripts, and the HTML document (which carries the RSC payload). */
  bytes: { scriptKb: number | null; documentKb: number | null };
  /** What Lighthouse reports as the LCP element (selector / snippet). */
  lcpElement?: string;
  failedAudits: string[];
  note?: string;
  withinTarget: boolean;
}

export interface PagesResult {
  name: 'pages';
  chrome: string;
  lighthouse: string;
  pages: PageScore[];
  targets: { performance: number; accessibility: number };
  withinTarget: boolean;
}

export async function run(opts: { tenants?: number; log?: (s: string) => void } = {}): Promise<PagesResult> {
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const database = await startBenchDatabase('pages');
  let next: ChildProcess | null = null;
  try {
    await seedLargeFleet(database.url, opts.tenants ?? 10_000, 3);
    const secret = randomBytes(32).toString('base64url');
    process.env.DATABASE_URL = database.clientUrl;
    process.env.REKEY_SESSION_SECRET = secret;
    process.env.REKEY_DATA_DIR = database.dir;
    const { db, disconnectDb } = await import('@/lib/db');
    const { deriveCookieKey } = await import('@/lib/auth/cookie-crypto');
    const { createSession, DEFAULT_SESSION_POLICY, SESSION_COOKIE_PLAIN } = await import('@/lib/auth/session');
    const user = await db.user.create({
      data: {
        email: 'bench-admin@rekey.example',
        name: 'Bench Admin',
        roles: { create: [{ role: 'admin', allTenants: true }] },
      },
    });
    const session = await createSession(db, deriveCookieKey(secret), {
      userId: user.id,
      now: new Date(),
      policy: DEFAULT_SESSION_POLICY,
    });
    const cookie = `${SESSION_COOKIE_PLAIN}=${session.cookieValue}`;
    const connector = await db.connector.findFirstOrThrow({ where: { status: 'compromised' }, select: { id: true } });
    await disconnectDb();

    if (!fs.existsSync(path.join(ROOT, DIST_DIR, 'BUILD_ID'))) {
      log(`pages: ${DIST_DIR}/BUILD_ID is missing: running \`next build\` first (a few minutes)…`);
      const b = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], {
        cwd: ROOT,
        env: { ...process.env, REKEY_NEXT_DIST_DIR: DIST_DIR, NEXT_TELEMETRY_DISABLED: '1' },
        stdio: 'inherit',
      });
      if (b.status !== 0) throw new Error('next build failed');
    }
    const port = await freePort();
    let nextLog = '';
    next = spawn(
      process.execPath,
      [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'],
      {
        cwd: ROOT,
        env: benchWebEnv(database, secret, { REKEY_NEXT_DIST_DIR: DIST_DIR }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    next.stdout?.on('data', (b: Buffer) => (nextLog += b.toString()));
    next.stderr?.on('data', (b: Buffer) => (nextLog += b.toString()));
    const base = `http://127.0.0.1:${port}`;
    for (const deadline = Date.now() + 90_000; ;) {
      try {
        if ((await fetch(`${base}/api/health`)).ok) break;
      } catch {
        /* not up yet */
      }
      if (next.exitCode !== null || next.signalCode !== null || Date.now() > deadline)
        throw new Error(`next start did not come up:\n${nextLog.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    const { default: lighthouse } = await import('lighthouse');
    const chromeLauncher = await import('chrome-launcher');
    const lhVersion = (
      JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/lighthouse/package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    const chromeVersion = spawnSync(CHROME, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const cases = [
      { name: 'overview', url: '/' },
      { name: 'tenants', url: '/tenants' },
      { name: 'rotation wizard', url: `/rotations/new?connector=${connector.id}` },
    ];
    const pages: PageScore[] = [];
    const chrome = await chromeLauncher.launch({ chromePath: CHROME, chromeFlags: ['--headless=new', '--no-sandbox'] });
    try {
      for (const c of cases) {
        const probe = await fetch(`${base}${c.url}`, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
        const html = await probe.text();
        const slug = c.name.replace(/\W+/g, '-');
        if (LHR_DIR) {
          fs.mkdirSync(LHR_DIR, { recursive: true });
          fs.writeFileSync(path.join(LHR_DIR, `${slug}.html`), html);
        }
        // Warm the route once (first render compiles nothing in production, but fills caches).
        const runLh = () =>
          lighthouse(`${base}${c.url}`, {
            port: chrome.port,
            output: 'json',
            logLevel: 'error',
            onlyCategories: ['performance', 'accessibility'],
            extraHeaders: { cookie },
          });
        await runLh();
        const lhrs = [];
        for (let i = 0, failures = 0; i < RUNS; i++) {
          const result = await runLh();
          const one = result?.lhr;
          if (!one) throw new Error(`lighthouse returned nothing for ${c.url}`);
          // A Lighthouse failure (e.g. NO_NAVSTART: the trace missed the navigation) is not a
          // measurement of the page: say so and run again (twice at most per page).
          if (one.runtimeError && failures < 2) {
            failures++;
            log(`pages: ${c.name}: Lighthouse error ${one.runtimeError.code}, running again`);
            i--;
            continue;
          }
          if (LHR_DIR) {
            fs.writeFileSync(path.join(LHR_DIR, `${slug}-${i + 1}.json`), JSON.stringify(one));
            // The trace behind the report, for tasks Lighthouse leaves "Unattributable".
            const trace = (result.artifacts as { Trace?: unknown } | undefined)?.Trace;
            if (trace) fs.writeFileSync(path.join(LHR_DIR, `${slug}-${i + 1}.trace.json`), JSON.stringify(trace));
          }
          if (RUNS > 1)
            log(
              `pages: ${c.name} run ${i + 1}: performance ${Math.round((one.categories.performance?.score ?? 0) * 100)}, LCP ${Math.round(one.audits['largest-contentful-paint']?.numericValue ?? NaN)} ms, TBT ${Math.round(one.audits['total-blocking-time']?.numericValue ?? NaN)} ms`,
            );
          lhrs.push(one);
        }
        lhrs.sort((a, b) => (a.categories.performance?.score ?? 0) - (b.categories.performance?.score ?? 0));
        const lhr = lhrs[Math.floor((lhrs.length - 1) / 2)]!;
        const num = (id: string) =>
          typeof lhr.audits[id]?.numericValue === 'number'
            ? Math.round(lhr.audits[id]!.numericValue! * 1000) / 1000
            : null;
        const perf = lhr.categories.performance?.score ?? null;
        const a11y = lhr.categories.accessibility?.score ?? null;
        const failedAudits = (lhr.categories.accessibility?.auditRefs ?? [])
          .map((r) => lhr.audits[r.id])
          .filter(
            (a): a is NonNullable<typeof a> =>
              Boolean(a) && a!.score !== null && a!.score < 1 && a!.scoreDisplayMode === 'binary',
          )
          .map((a) => a.id);
        const score: PageScore = {
          name: c.name,
          url: c.url,
          status: probe.status,
          performance: perf === null ? null : Math.round(perf * 100),
          accessibility: a11y === null ? null : Math.round(a11y * 100),
          metrics: {
            fcpMs: num('first-contentful-paint'),
            lcpMs: num('largest-contentful-paint'),
            tbtMs: num('total-blocking-time'),
            cls: num('cumulative-layout-shift'),
          },
          bytes: { scriptKb: resourceKb(lhr, 'script'), documentKb: resourceKb(lhr, 'document') },
          lcpElement: lcpElement(lhr),
          failedAudits,
          ...(probe.status !== 200
            ? {
                note: `HTTP ${probe.status} before Lighthouse (the page may not exist yet); measured what the server answers`,
              }
            : {}),
          withinTarget: (perf ?? 0) >= 0.9 && (a11y ?? 0) >= 0.95 && probe.status === 200,
        };
        pages.push(score);
        log(
          `pages: ${c.name}: performance ${score.performance}, accessibility ${score.accessibility}${score.note ? ` (${score.note})` : ''}`,
        );
      }
    } finally {
      chrome.kill();
    }
    return {
      name: 'pages',
      chrome: chromeVersion,
      lighthouse: lhVersion,
      pages,
      targets: { performance: 90, accessibility: 95 },
      withinTarget: pages.every((p) => p.withinTarget),
    };
  } finally {
    await stopProcess(next);
    await database.stop();
  }
}

type Lhr = { audits: Record<string, { details?: unknown } | undefined> };

function resourceKb(lhr: Lhr, type: string): number | null {
  const items = (
    lhr.audits['resource-summary']?.details as { items?: { resourceType: string; transferSize: number }[] } | undefined
  )?.items;
  const item = items?.find((i) => i.resourceType === type);
  return item ? Math.round(item.transferSize / 102.4) / 10 : null;
}

function lcpElement(lhr: Lhr): string | undefined {
  // details: { type: 'list', items: [{ type: 'table', items: [{ node: { selector, snippet } }] }, …] }
  const list = lhr.audits['largest-contentful-paint-element']?.details as
    { items?: { items?: { node?: { selector?: string; snippet?: string } }[] }[] } | undefined;
  const node = list?.items?.[0]?.items?.[0]?.node;
  return node ? `${node.selector ?? ''} ${node.snippet ?? ''}`.trim().slice(0, 160) : undefined;
}

export function format(r: PagesResult): string {
  return [
    `pages: Lighthouse ${r.lighthouse}, ${r.chrome}, default mobile profile (simulated throttling)`,
    `  ${'page'.padEnd(18)} ${'perf'.padStart(5)} ${'a11y'.padStart(5)} ${'FCP ms'.padStart(7)} ${'LCP ms'.padStart(7)} ${'TBT ms'.padStart(7)} ${'CLS'.padStart(6)} ${'JS kB'.padStart(6)} ${'HTML kB'.padStart(7)}`,
    ...r.pages.map(
      (p) =>
        `  ${p.name.padEnd(18)} ${String(p.performance).padStart(5)} ${String(p.accessibility).padStart(5)} ${String(Math.round(p.metrics.fcpMs ?? NaN)).padStart(7)} ${String(Math.round(p.metrics.lcpMs ?? NaN)).padStart(7)} ${String(Math.round(p.metrics.tbtMs ?? NaN)).padStart(7)} ${String(p.metrics.cls).padStart(6)} ${String(p.bytes?.scriptKb).padStart(6)} ${String(p.bytes?.documentKb).padStart(7)} ${p.withinTarget ? 'OK' : 'BELOW TARGET'}${p.failedAudits.length ? ` (a11y: ${p.failedAudits.join(', ')})` : ''}${p.note ? ` — ${p.note}` : ''}`,
    ),
    ...r.pages.map((p) => (p.lcpElement ? `  LCP element, ${p.name}: ${p.lcpElement}` : '')).filter(Boolean),
    `  targets: performance ≥ ${r.targets.performance}, accessibility ≥ ${r.targets.accessibility}`,
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const r = await run();
  process.stdout.write(`${format(r)}\n`);
  writeJsonResult(r);
  process.exit(0);
}
