import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '@/cli/main';
import { tenantCommands } from '@/cli/commands/tenants';
import { db } from '@/lib/db';
import { resetEnvCache } from '@/lib/env';
import { resetGraphEnvironment } from '@/lib/graph/graph-environment';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { seedDefaults } from '@/lib/seed/seed-defaults';

let gs: GraphSim;
const saved = { ...process.env };
beforeAll(async () => {
  gs = await startGraphSim({ throttling: false });
  const m = gs.manifest.managementApp;
  // Only the environment says "simulator": the CLI builds everything from it.
  Object.assign(process.env, {
    REKEY_MGMT_CLIENT_ID: m.appId,
    REKEY_MGMT_CERT_PATH: m.certificatePath,
    REKEY_MGMT_KEY_PATH: m.privateKeyPath,
    REKEY_AUTHORITY_HOST: gs.sim.url,
    REKEY_GRAPH_ENDPOINT: gs.sim.url,
    REKEY_CLOUD: 'global',
  });
  resetEnvCache();
  resetGraphEnvironment();
  await seedDefaults(db);
});
afterAll(async () => {
  process.env = saved;
  resetEnvCache();
  resetGraphEnvironment();
  await gs?.close();
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) }, tenantCommands);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('rekey tenants', () => {
  it('imports a CSV, refuses a bad one, scans, and checks consent', async () => {
    const a = gs.makeTenant({ name: 'Cli A' });
    gs.makeConnector(a.id, { displayName: 'Continuity Monitor' });
    const b = gs.makeTenant({ name: 'Cli B' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-cli-'));
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, `tenant,name\n${a.id},Cli A\nnot-a-tenant!,X\n`);
    const r1 = await run('tenants', 'import', bad);
    expect(r1.code).toBe(1);
    expect(r1.out).toMatch(/3\s+not-a-tenant!\s+X\s+invalid/);
    expect(r1.err).toMatch(/nothing imported: 1 of 2 rows need fixing/);
    expect(await db.tenant.count({ where: { entraTenantId: a.id } })).toBe(0);

    const good = path.join(dir, 'good.csv');
    fs.writeFileSync(good, `tenant,name,region\n${a.id},Cli A,EU\n${b.domain},Cli B,US\n`);
    const r2 = await run('tenants', 'import', good, '--json');
    expect(r2.code).toBe(0);
    expect(JSON.parse(r2.out)).toMatchObject({ ok: true, imported: 2 });

    const r3 = await run('tenants', 'scan', '--tenant', a.id, '--json');
    expect(r3.code).toBe(0);
    expect(JSON.parse(r3.out).results[0]).toMatchObject({ ok: true, summary: { connectors: 1 } });

    const r4 = await run('tenants', 'consent', '--tenant', b.domain);
    expect(r4.code).toBe(0);
    expect(r4.out).toMatch(/consented/);

    expect((await run('tenants', 'scan')).code).toBe(2);
  });
});
