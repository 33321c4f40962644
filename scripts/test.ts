/**
 * `npm test`: the whole suite, in the order that fails fastest — the static checks (typecheck,
 * lint, the import-cycle check, format) beside the production build, unit + database tests
 * (Vitest: real embedded PostgreSQL, the simulator in-process), the end-to-end tests (Playwright +
 * Debian's Chromium against `next start`), and the reliability suite at CI size, two files at once.
 * Ends with each step's time and how busy it kept the machine's cores (a step well under 100 %
 * waits more than it computes), then one line: "N passed, N failed".
 *
 * The static checks are independent single-threaded programs, so they run side by side, as many at
 * once as the machine has cores (ESLint, the longest, first), with the production build in the
 * lane the shorter checks leave; each one's output is printed whole when it ends. The later steps
 * use every core themselves and run one after another.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = (p: string) => path.join(root, 'node_modules', p);
const only = process.argv.slice(2);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  FORCE_COLOR: process.env.CI ? '0' : '1',
};

interface Step {
  name: string;
  args: string[];
  /** A JSON report to count tests from. */
  report?: string;
  env?: Record<string, string | undefined>;
  /** Runs side by side with the neighbouring steps of the same group. */
  group?: 'static';
  /** A step of the same group, earlier in it, that must have ended before this one starts. */
  after?: string;
}

const steps: Step[] = [
  { name: 'lint', args: [bin('eslint/bin/eslint.js'), '--max-warnings', '0', '.'], group: 'static' },
  { name: 'typecheck', args: [bin('typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'], group: 'static' },
  { name: 'cycles', args: [bin('tsx/dist/cli.mjs'), 'scripts/check-cycles.ts'], group: 'static' },
  {
    name: 'format',
    args: [bin('prettier/bin/prettier.cjs'), '--check', '--log-level', 'warn', '.'],
    group: 'static',
  },
  // The production build needs nothing the checks make: it fills the lane the shorter checks leave.
  {
    name: 'build',
    args: [bin('next/dist/bin/next'), 'build'],
    group: 'static',
    env: { REKEY_BUILD_TYPECHECKED: '1' },
    // tsc reads the route types the build writes to .next/types: never while they are written.
    after: 'typecheck',
  },
  {
    name: 'unit+db',
    args: [
      bin('vitest/vitest.mjs'),
      'run',
      '--reporter=default',
      '--reporter=json',
      '--outputFile.json=test-results/vitest.json',
    ],
    report: 'test-results/vitest.json',
  },
  { name: 'e2e', args: [bin('@playwright/test/cli.js'), 'test'], report: 'test-results/e2e.json' },
];
if (fs.existsSync(path.join(root, 'vitest.chaos.config.mts'))) {
  steps.push({
    name: 'chaos',
    args: [
      bin('vitest/vitest.mjs'),
      'run',
      '--config',
      'vitest.chaos.config.mts',
      '--reporter=default',
      '--reporter=json',
      '--outputFile.json=test-results/chaos.json',
    ],
    report: 'test-results/chaos.json',
    env: { ...process.env, REKEY_CHAOS_SIZE: process.env.REKEY_CHAOS_SIZE ?? 'ci' },
  });
}

function runStep(step: Step, buffered = false): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, step.args, {
      cwd: root,
      env: { ...env, ...step.env },
      stdio: buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    const output: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => output.push(d));
    child.stderr?.on('data', (d: Buffer) => output.push(d));
    child.on('close', (code, signal) => {
      if (buffered) {
        process.stderr.write(`\n── ${step.name} ──────────────────────────────────────────\n`);
        process.stderr.write(Buffer.concat(output));
      }
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

function count(report: string): { passed: number; failed: number; skipped: number } {
  const file = path.join(root, report);
  if (!fs.existsSync(file)) return { passed: 0, failed: 0, skipped: 0 };
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  if ('numPassedTests' in data) {
    return {
      passed: Number(data.numPassedTests),
      failed: Number(data.numFailedTests),
      skipped: Number(data.numPendingTests ?? 0) + Number(data.numTodoTests ?? 0),
    };
  }
  const stats = data.stats as { expected: number; unexpected: number; flaky: number; skipped: number };
  return { passed: stats.expected, failed: stats.unexpected + stats.flaky, skipped: stats.skipped };
}

const totals = { passed: 0, failed: 0, skipped: 0 };

/** CPU time the whole machine has spent busy so far (ms, summed over cores): to show how busy a step kept it. */
function busyMs(): number {
  return os.cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
}
const timings: string[] = [];
let failedStep: string | undefined;

/** Runs one step and counts its tests; true when it passed. */
async function run(step: Step, buffered: boolean): Promise<boolean> {
  if (step.report) fs.rmSync(path.join(root, step.report), { force: true });
  const started = Date.now();
  const busyBefore = busyMs();
  if (!buffered) process.stderr.write(`\n── ${step.name} ──────────────────────────────────────────\n`);
  const code = await runStep(step, buffered);
  const wall = Date.now() - started;
  // Side-by-side steps share the machine, so their figure is the machine's, not theirs alone.
  const busy = Math.round(((busyMs() - busyBefore) / (wall * os.cpus().length)) * 100);
  timings.push(`${step.name} ${(wall / 1000).toFixed(0)}s (CPU ${busy} %)`);
  let failedTests = 0;
  if (step.report) {
    const c = count(step.report);
    totals.passed += c.passed;
    totals.failed += c.failed;
    totals.skipped += c.skipped;
    failedTests = c.failed;
  }
  // A runner that reports failed tests fails its step whatever its exit code says.
  if (code !== 0 || failedTests > 0) {
    failedStep ??= step.name;
    if (!step.report) totals.failed += 1;
    return false;
  }
  return true;
}

/** Runs a group's steps side by side, at most `lanes` at once; true when all passed. */
async function runSideBySide(group: Step[], lanes: number): Promise<boolean> {
  const queue = [...group];
  const started = new Map<string, Promise<boolean>>();
  let ok = true;
  const lane = async () => {
    for (let step = queue.shift(); step; step = queue.shift()) {
      if (step.after) await started.get(step.after);
      const result = run(step, true);
      started.set(step.name, result);
      ok = (await result) && ok;
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, group.length) }, lane));
  return ok;
}

fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
const selected = steps.filter((s) => !only.length || only.includes(s.name));
const lanes = Math.max(1, os.availableParallelism());
for (let i = 0; i < selected.length;) {
  const step = selected[i]!;
  let end = i + 1;
  while (step.group && end < selected.length && selected[end]!.group === step.group) end++;
  const group = selected.slice(i, end);
  i = end;
  const ok = group.length > 1 ? await runSideBySide(group, lanes) : await run(step, false);
  if (!ok) break;
}
process.stderr.write(`\n${timings.join(' · ')}\n`);
if (failedStep) process.stderr.write(`step "${failedStep}" failed\n`);
process.stdout.write(
  `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}\n`,
);
process.exit(failedStep ? 1 : 0);
