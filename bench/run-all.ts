/**
 * `npm run bench`: runs every figure script (bench/<name>.ts, each in its own process, one after
 * the other so they do not load the machine for each other), prints each one's figures and writes
 * bench/RESULTS.md: date, machine, the summary against the targets, and each script's output.
 * `npm run bench -- certificates fleet-scale` runs only those; RESULTS.md then keeps the other
 * figures from their last run (bench/.results/<name>.json, each with its own date).
 * REKEY_BENCH_CAMPAIGN_SIZE sets the emergency campaign's size (default 3,600),
 * REKEY_BENCH_ONBOARDING_TENANTS the onboarding's fleet (default 10,000).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { machine } from './lib/bench-db';

const ROOT = path.resolve(import.meta.dirname, '..');
const SCRIPTS = ['certificates', 'fleet-scale', 'emergency-campaign', 'scale-out', 'onboarding', 'pages'] as const;
type Name = (typeof SCRIPTS)[number];

interface Outcome {
  name: Name;
  date?: string;
  code: number;
  stdout: string;
  stderr: string;
  json: Record<string, unknown> | null;
  ms: number;
}

function runScript(name: Name): Promise<Outcome> {
  const jsonFile = path.join(os.tmpdir(), `rekey-bench-${name}-${process.pid}.json`);
  fs.rmSync(jsonFile, { force: true });
  const started = Date.now();
  return new Promise((resolve) => {
    process.stderr.write(`\n── ${name} ──────────────────────────────\n`);
    const extra =
      name === 'emergency-campaign' && process.env.REKEY_BENCH_CAMPAIGN_SIZE
        ? [process.env.REKEY_BENCH_CAMPAIGN_SIZE]
        : name === 'onboarding' && process.env.REKEY_BENCH_ONBOARDING_TENANTS
          ? [process.env.REKEY_BENCH_ONBOARDING_TENANTS]
          : [];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'bench', `${name}.ts`), ...extra, '--json', jsonFile],
      { cwd: ROOT, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      process.stdout.write(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      process.stderr.write(b);
    });
    child.on('exit', (code) => {
      let json: Record<string, unknown> | null = null;
      try {
        json = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as Record<string, unknown>;
      } catch {
        json = null;
      }
      fs.rmSync(jsonFile, { force: true });
      resolve({ name, code: code ?? 1, stdout, stderr, json, ms: Date.now() - started });
    });
  });
}

const only = process.argv.slice(2).filter((a): a is Name => (SCRIPTS as readonly string[]).includes(a));
// `--report-only`: rebuild RESULTS.md from bench/.results without running anything.
const reportOnly = process.argv.includes('--report-only');
const m = machine();
const load = os
  .loadavg()
  .map((x) => x.toFixed(1))
  .join(' / ');
const RESULTS_DIR = path.join(ROOT, 'bench', '.results');
fs.mkdirSync(RESULTS_DIR, { recursive: true });
const ran: Outcome[] = [];
for (const name of reportOnly ? [] : only.length ? only : SCRIPTS) {
  const o = await runScript(name);
  o.date = new Date().toISOString();
  ran.push(o);
  if (o.code === 0)
    fs.writeFileSync(
      path.join(RESULTS_DIR, `${name}.json`),
      JSON.stringify({ ...o, stderr: undefined, machine: m, load }, null, 2),
    );
}
// The figures of this run, and the others from their last run.
const outcomes: Outcome[] = SCRIPTS.map((name) => {
  const now = ran.find((o) => o.name === name && o.code === 0);
  if (now) return now;
  const file = path.join(RESULTS_DIR, `${name}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Outcome;
  return ran.find((o) => o.name === name) ?? { name, code: 1, stdout: '', stderr: '', json: null, ms: 0 };
});

// ── summary lines against the targets ─────────────────────────────────────────
type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
function summary(o: Outcome): string[] {
  const j = o.json as J | null;
  if (!j) return [`| ${o.name} | — | — | FAILED to run (exit ${o.code}); see its output below |`];
  const ok = (b: boolean, by?: string) => (b ? 'met' : `**missed**${by ? ` by ${by}` : ''}`);
  switch (o.name) {
    case 'certificates':
      return [
        `| certificates | parse + classify ${j.count} certificates: ${j.rekeyMs} ms vs native X509Certificate ${j.nativeMs} ms = **${j.ratio}×** | ≤ ${j.target}× | ${ok(j.withinTarget)} |`,
      ];
    case 'fleet-scale':
      return (j.rows as J[]).map(
        (r) =>
          `| fleet-scale: ${r.name} (${j.tenants.toLocaleString('en')} tenants / ${j.connectors.toLocaleString('en')} connectors) | HTTP p50 ${r.http.p50} ms, **p95 ${r.http.p95} ms**; SQL floor p50 ${r.sql.p50} ms, p95 ${r.sql.p95} ms; **${r.ratioP95}×** (one at a time: HTTP p95 ${r.sequential?.http.p95} ms, SQL ${r.sequential?.sql.p95} ms)${r.statements ? `; ${r.statements.http} statements per request (floor ${r.statements.sql})` : ''} | p95 ≤ ${j.targetP95Ms} ms, ≤ ${j.targetRatio}× | ${ok(r.withinTarget, [r.http.p95 > j.targetP95Ms ? `${Math.round(r.http.p95 - j.targetP95Ms)} ms (${(r.http.p95 / j.targetP95Ms).toFixed(1)}× the p95 target)` : '', r.ratioP95 > j.targetRatio ? `${(r.ratioP95 - j.targetRatio).toFixed(2)}× on the ratio` : ''].filter(Boolean).join(', '))} |`,
      );
    case 'emergency-campaign':
      return [
        `| emergency campaign: wall time, ${j.connectors.toLocaleString('en')} connectors | **${(j.wallMs / 1000).toFixed(1)} s**, ${j.succeeded} succeeded, ${j.failed} failed | 0 failures | ${ok(j.failed === 0 && j.succeeded === j.connectors)} |`,
        `| emergency campaign: rate vs throttle-bound ideal | ${j.achievedPerSec}/s vs ${j.ideal.perSec}/s (${j.ideal.bindingLimit}) = **${j.fractionOfIdeal}** | ≥ 0.8 | ${ok(j.fractionOfIdeal >= 0.8, `${(0.8 / Math.max(j.fractionOfIdeal, 0.001)).toFixed(0)}× (needs ${(0.8 * j.ideal.perSec).toFixed(1)}/s)`)} |`,
        `| emergency campaign: vs sequential baseline | ${j.baseline.sample} sequential rotations at ${j.baseline.perRotationMs} ms each → ${(j.baseline.extrapolatedMs / 1000).toFixed(0)} s for ${j.connectors}; **${j.speedup}×** | ≥ 20× | ${ok(j.speedup >= 20, `${(20 / Math.max(j.speedup, 0.1)).toFixed(1)}×`)} |`,
        `| emergency campaign: CPU per rotation | workers ${j.cpuMsPerRotation.worker} ms + PostgreSQL ${j.cpuMsPerRotation.postgres} ms + simulator ${j.cpuMsPerRotation.sim} ms = **${j.cpuMsPerRotation.total} ms**; ${j.database.statementsPerRotation} top-level statements per rotation | ≤ 34 ms | ${ok(j.cpuMsPerRotation.total <= 34, `${(j.cpuMsPerRotation.total / 34).toFixed(1)}×`)} |`,
        `| emergency campaign: worker memory | RSS ${(j.rssMb as J[]).map((x) => `${x.rssMb} MB at ${x.at}`).join(', ')}; **peak ${j.peakRssMb} MB** | flat, < 400 MB | ${ok(j.peakRssMb < 400)} |`,
      ];
    case 'scale-out':
      return [
        `| scale-out: ${j.connectors} rotations with 1 / 2 / 4 worker processes (pool 32), and 2 with pool 8 | ${(j.rows as J[]).map((r) => `${r.workers}w/pool ${r.dbPool}: ${r.perSec}/s (${r.scaling}×)`).join('; ')}; stops scaling after ${j.stopsScalingAfter} on ${j.cores} cores | shown, with where it stops | ${ok((j.rows as J[]).every((r) => r.failed === 0))} |`,
      ];
    case 'onboarding': {
      const c = j.consentAndDiscovery as J;
      const target = (j.targets.consentAndDiscoveryMs / 1000) * (j.tenants / 10_000);
      return [
        `| onboarding: consent checks + discovery scans, ${j.tenants.toLocaleString('en')} tenants (first start's import: ${(j.importMs / 1000).toFixed(1)} s) | **${(c.wallMs / 1000).toFixed(1)} s** = ${c.perSec} tenants/s; CPU per tenant: onboarding ${c.cpuMsPerTenant.onboarding} ms + PostgreSQL ${c.cpuMsPerTenant.postgres} ms + simulator ${c.cpuMsPerTenant.sim} ms = ${c.cpuMsPerTenant.total} ms; ${c.statementsPerTenant} statements per tenant | ≤ ${target.toFixed(0)} s | ${ok(j.withinTarget, `${(c.wallMs / 1000 - target).toFixed(0)} s (${(c.wallMs / 1000 / target).toFixed(1)}×)`)} |`,
      ];
    }
    case 'pages':
      return (j.pages as J[]).map(
        (p) =>
          `| pages (Lighthouse): ${p.name} \`${p.url.replace(/connector=[0-9a-f-]+/, 'connector=<id>')}\` | performance **${p.performance}**, accessibility **${p.accessibility}**${p.note ? ` (${p.note})` : ''} | ≥ 90, ≥ 95 | ${ok(p.withinTarget, [p.performance < 90 ? `${90 - p.performance} performance points` : '', p.accessibility < 95 ? `${95 - p.accessibility} accessibility points` : ''].filter(Boolean).join(', '))} |`,
      );
  }
}

/** The "why" of missed targets, kept in one place: bench/README.md's section of that name. */
function whyMissed(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'bench', 'README.md'), 'utf8');
  const start = readme.indexOf('### Why targets are missed');
  if (start < 0) return [];
  const end = readme.indexOf('\n## ', start);
  return [
    readme
      .slice(start, end < 0 ? undefined : end)
      .replace('### ', '## ')
      .trim(),
    '',
  ];
}

// Figures neither run now nor saved by an earlier run here (bench/.results is not in git: a fresh
// checkout has none). Writing RESULTS.md would replace their last figures with "FAILED to run", so
// it is left as it is; the figures run now are saved and a later run fills in the rest.
const missing = SCRIPTS.filter(
  (name) => !ran.some((o) => o.name === name) && !fs.existsSync(path.join(RESULTS_DIR, `${name}.json`)),
);
if (missing.length > 0) {
  process.stderr.write(
    `\nbench/RESULTS.md left as it is: no saved result of ${missing.join(', ')} on this machine (bench/.results is not in git). Run them too, e.g. \`npm run bench -- ${missing.join(' ')}\`, and RESULTS.md is written with every figure.\n`,
  );
  process.exit(ran.every((o) => o.code === 0) ? 0 : 1);
}

const md = [
  '# Benchmark results',
  '',
  `Generated by \`npm run bench\` (bench/run-all.ts) on ${m.date}${reportOnly || only.length ? '; figures not run this time come from their last run (the date is in each section below)' : ''}.`,
  '',
  `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.platform}, Node ${m.node}; load average at start ${load} (other work shares this machine).`,
  '',
  '| figure | measured (one run) | target | |',
  '|---|---|---|---|',
  ...outcomes.flatMap(summary),
  '',
  'How each figure is measured: bench/README.md.',
  '',
  ...whyMissed(),

  ...outcomes.flatMap((o) => [
    `## ${o.name} (${(o.ms / 1000).toFixed(0)} s${o.date ? `, run ${o.date}` : ''})`,
    '',
    '```',
    o.stdout.trim() || `(no output; exit ${o.code})\n${o.stderr.trim().split('\n').slice(-15).join('\n')}`,
    '```',
    '',
  ]),
].join('\n');
fs.writeFileSync(path.join(ROOT, 'bench', 'RESULTS.md'), md);
process.stderr.write('\nwrote bench/RESULTS.md\n');
process.exit(ran.every((o) => o.code === 0) ? 0 : 1);
