/**
 * Scale-out: the same emergency campaign (bench/emergency-campaign.ts: simulator with throttling
 * and +50 ms latency, real `rekey worker` processes) with 1, 2 and 4 worker processes, and with 2
 * workers on a smaller PostgreSQL pool — printing each run's rate, its fraction of the
 * throttle-bound ideal and the CPU per rotation, and where adding processes stops paying off on
 * this machine (every process shares its cores with PostgreSQL and the simulator).
 *
 * `npx tsx bench/scale-out.ts [connectors]` (default 300 per run).
 */
import os from 'node:os';
import { isMain, positionalArgs, writeJsonResult } from './lib/bench-db';
import { run as runCampaign, type EmergencyCampaignResult } from './emergency-campaign';

export interface ScaleOutRow {
  workers: number;
  dbPool: number;
  wallMs: number;
  succeeded: number;
  failed: number;
  perSec: number;
  fractionOfIdeal: number;
  /** Rate over the one-worker run's rate. */
  scaling: number;
  cpuMsPerRotation: EmergencyCampaignResult['cpuMsPerRotation'];
  peakRssMb: number;
}

export interface ScaleOutResult {
  name: 'scale-out';
  connectors: number;
  cores: number;
  idealPerSec: number;
  rows: ScaleOutRow[];
  /** The last process count that still raised the rate by ≥ 10 %. */
  stopsScalingAfter: number;
}

const CONFIGS = [
  { workers: 1, dbPool: 32 },
  { workers: 2, dbPool: 32 },
  { workers: 4, dbPool: 32 },
  { workers: 2, dbPool: 8 },
];

export async function run(
  connectors = 300,
  log = (s: string) => process.stderr.write(`${s}\n`),
): Promise<ScaleOutResult> {
  const rows: ScaleOutRow[] = [];
  let ideal = 0;
  for (const c of CONFIGS) {
    log(`scale-out: ${connectors} rotations with ${c.workers} worker process(es), pool ${c.dbPool}`);
    const r = await runCampaign({
      connectors,
      baselineSample: 2,
      workerProcesses: c.workers,
      dbPool: c.dbPool,
      log: () => undefined,
    });
    ideal = r.ideal.perSec;
    rows.push({
      workers: c.workers,
      dbPool: c.dbPool,
      wallMs: r.wallMs,
      succeeded: r.succeeded,
      failed: r.failed,
      perSec: r.achievedPerSec,
      fractionOfIdeal: r.fractionOfIdeal,
      scaling: 0,
      cpuMsPerRotation: r.cpuMsPerRotation,
      peakRssMb: r.peakRssMb,
    });
  }
  const one = rows.find((r) => r.workers === 1)!.perSec;
  for (const r of rows) r.scaling = Math.round((r.perSec / one) * 100) / 100;
  const byWorkers = rows.filter((r) => r.dbPool === CONFIGS[0]!.dbPool).sort((a, b) => a.workers - b.workers);
  let stops = byWorkers[0]!.workers;
  for (let i = 1; i < byWorkers.length; i++)
    if (byWorkers[i]!.perSec >= byWorkers[i - 1]!.perSec * 1.1) stops = byWorkers[i]!.workers;
    else break;
  return { name: 'scale-out', connectors, cores: os.cpus().length, idealPerSec: ideal, rows, stopsScalingAfter: stops };
}

export function format(r: ScaleOutResult): string {
  return [
    `scale-out: ${r.connectors} rotations per run on ${r.cores} cores (simulator, PostgreSQL and workers share them); ideal ${r.idealPerSec}/s`,
    '  workers  pool  wall      rotations/s  of ideal  vs 1 worker  CPU/rotation: workers + PostgreSQL + sim = total  peak RSS',
    ...r.rows.map(
      (x) =>
        `  ${String(x.workers).padStart(7)}  ${String(x.dbPool).padStart(4)}  ${`${(x.wallMs / 1000).toFixed(1)} s`.padStart(8)}  ${String(x.perSec).padStart(11)}  ${String(x.fractionOfIdeal).padStart(8)}  ${`${x.scaling}×`.padStart(11)}  ${`${x.cpuMsPerRotation.worker} + ${x.cpuMsPerRotation.postgres} + ${x.cpuMsPerRotation.sim} = ${x.cpuMsPerRotation.total} ms`.padStart(44)}  ${x.peakRssMb} MB${x.failed ? `  (${x.failed} FAILED)` : ''}`,
    ),
    `  adding worker processes raised the rate (≥ 10 %) up to ${r.stopsScalingAfter}; beyond that the ${r.cores} cores are the limit, not the number of processes`,
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const n = Number(positionalArgs()[0] ?? 300);
  const r = await run(n);
  process.stdout.write(`${format(r)}\n`);
  writeJsonResult(r);
  process.exit(0);
}
