/**
 * The `rekey` binary beside the stack `npm start` runs (playwright.config.ts's webServer): spawned
 * with nothing but the data directory npm start was given — no DATABASE_URL, no management app, no
 * CA — it finds the database and the simulator through the runtime description. What it prints is
 * checked against the database the dashboard reads and against the simulator (Graph, read with the
 * management app), and a shell script drives a whole emergency with exit codes and --json.
 * Runs after the browser specs (project "cli"): the emergency rotates every exposed connector.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { E2E_DATA_DIR } from '../playwright.config';
import { queryStack } from './support/stack-database';
import { appsHoldingThumbprints, getJson, type SimManifest } from './support/simulator-truth';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.resolve(root, E2E_DATA_DIR);
const BIN = path.join(root, 'bin', 'rekey.mjs');

const shellEnv = (): NodeJS.ProcessEnv => ({
  ...({} as NodeJS.ProcessEnv),
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  REKEY_DATA_DIR: dataDir,
});

function run(file: string, args: string[], env: NodeJS.ProcessEnv = shellEnv(), timeout = 60_000) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(file, args, { cwd: root, env, timeout, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}
const rekey = (...args: string[]) => run(process.execPath, [BIN, ...args]);

interface Runtime {
  databaseUrl: string;
  databasePasswordFile: string;
  microsoft365: { authorityHost: string; caPath: string };
}
const runtime = (): Runtime => JSON.parse(fs.readFileSync(path.join(dataDir, 'runtime.json'), 'utf8')) as Runtime;

const query = <T>(sql: string, params: unknown[] = []) => queryStack<T>(dataDir, sql, params);

async function manifest(): Promise<SimManifest> {
  const r = runtime();
  return (
    await getJson<SimManifest>(
      `${r.microsoft365.authorityHost}/_sim/manifest`,
      fs.readFileSync(r.microsoft365.caPath, 'utf8'),
    )
  ).body;
}

interface ConnectorJson {
  id: string;
  appId: string;
  status: string;
  tenant: { entraTenantId: string; region: string };
}

/** Connectors holding a certificate an advisory names, per the simulator (`tenant/appId`). */
async function exposedInSimulator() {
  const r = runtime();
  const thumbprints = new Set(
    (await query<{ value: string }>(`SELECT upper(value) AS value FROM "AdvisoryIndicator" WHERE kind = 'sha1'`)).map(
      (x) => x.value,
    ),
  );
  expect(thumbprints.size).toBeGreaterThan(0);
  return appsHoldingThumbprints({
    simUrl: r.microsoft365.authorityHost,
    ca: fs.readFileSync(r.microsoft365.caPath, 'utf8'),
    manifest: await manifest(),
    thumbprints,
  });
}

test.describe.configure({ mode: 'serial' });

test('npm start wrote its runtime description with mode 0600, no key material and no password', () => {
  const file = path.join(dataDir, 'runtime.json');
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  const text = fs.readFileSync(file, 'utf8');
  expect(text).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
  expect(new URL(runtime().databaseUrl).password).toBe('');
  const roles = JSON.parse(fs.readFileSync(runtime().databasePasswordFile, 'utf8')) as Record<
    string,
    { password: string }
  >;
  for (const r of Object.values(roles)) expect(text).not.toContain(r.password);
});

test('tenants list --json returns the demo fleet with no configuration', async () => {
  const r = await rekey('tenants', 'list', '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const tenants = JSON.parse(r.stdout) as { entraTenantId: string; displayName: string; region: string }[];
  const m = await manifest();
  const known = new Map([...m.tenants.map((t) => [t.id, t] as const)]);
  for (const t of m.tenants)
    expect(
      tenants.find((x) => x.entraTenantId === t.id),
      t.name,
    ).toMatchObject({ displayName: t.name, region: t.region });
  // Nothing the simulator does not know (the tenants spec onboards its home tenant).
  for (const t of tenants)
    expect(known.has(t.entraTenantId) || t.entraTenantId === m.homeTenant.id, t.displayName).toBe(true);
});

test('connectors list --status compromised is exactly what the dashboard counts, and true in the tenants', async () => {
  const [compromised, targeted] = await Promise.all([
    rekey('connectors', 'list', '--status', 'compromised', '--json'),
    rekey('connectors', 'list', '--status', 'targeted', '--json'),
  ]);
  expect(compromised.code).toBe(0);
  expect(targeted.code).toBe(0);
  const list = JSON.parse(compromised.stdout) as ConnectorJson[];
  expect(list.length).toBeGreaterThan(0);
  expect(new Set(list.map((c) => c.status))).toEqual(new Set(['compromised']));

  // The database the dashboard reads, and the overview's own figure (the fleet counts).
  const inDb = await query<{ id: string }>(`SELECT id FROM "Connector" WHERE status = 'compromised'`);
  expect(list.map((c) => c.id).sort()).toEqual(inDb.map((c) => c.id).sort());
  const [overview] = await query<{ n: number }>(
    `SELECT coalesce(sum(connectors), 0)::int AS n FROM "FleetConnectorCount" WHERE status = 'compromised'`,
  );
  expect(list.length).toBe(overview!.n);

  // The simulator: every connector on a compromised certificate is listed as compromised or
  // targeted, and nothing else is.
  const truth = await exposedInSimulator();
  const listed = [...list, ...(JSON.parse(targeted.stdout) as ConnectorJson[])].map(
    (c) => `${c.tenant.entraTenantId}/${c.appId}`,
  );
  const readable = [...truth.holding].filter((k) => !truth.unreadable.includes(k.split('/')[0]!));
  expect(listed.sort()).toEqual(readable.sort());

  // --ndjson streams the same objects, one per line.
  const nd = await rekey('connectors', 'list', '--status', 'compromised', '--ndjson');
  expect(
    nd.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown),
  ).toEqual(list);
});

test('scripts/examples/emergency.sh rotates every exposed connector, verified in the tenants', async () => {
  test.setTimeout(300_000);
  const before = await exposedInSimulator();
  const exposedBefore = [...before.holding].filter((k) => !before.unreadable.includes(k.split('/')[0]!));
  expect(exposedBefore.length).toBeGreaterThan(0);

  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-emergency-')), 'results.csv');
  const r = await run(
    'bash',
    [path.join(root, 'scripts/examples/emergency.sh'), '--out', out],
    { ...shellEnv(), REKEY: `${process.execPath} ${BIN}`, REKEY_WATCH_INTERVAL: '1' },
    280_000,
  );
  expect(r.stderr).toMatch(/emergency: audit log intact/);
  expect(r.code).toBe(0);

  // The export has one SUCCEEDED row per exposed connector.
  const lines = fs.readFileSync(out, 'utf8').trim().split(/\r\n/);
  const header = lines[0]!.split(',');
  expect(lines).toHaveLength(exposedBefore.length + 1);
  for (const line of lines.slice(1)) expect(line.split(',')[header.indexOf('item_state')]).toBe('SUCCEEDED');

  // The tenants no longer hold a compromised credential, and Rekey agrees.
  const after = await exposedInSimulator();
  expect([...after.holding].filter((k) => !after.unreadable.includes(k.split('/')[0]!))).toEqual([]);
  const left = await rekey('connectors', 'list', '--status', 'compromised', '--json');
  expect(JSON.parse(left.stdout)).toEqual([]);
  const campaigns = JSON.parse((await rekey('campaign', 'list', '--state', 'FINISHED', '--json')).stdout) as {
    name: string;
    outcome: string;
    items: { total: number; SUCCEEDED: number };
  }[];
  const emergency = campaigns.find((c) => c.name.startsWith('Emergency '));
  expect(emergency?.items).toMatchObject({
    total: exposedBefore.length,
    SUCCEEDED: exposedBefore.length,
  });
  // Completed only because every item succeeded and the tenants above confirm it.
  expect(emergency?.outcome).toBe('Completed');
});
