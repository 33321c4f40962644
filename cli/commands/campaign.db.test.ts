import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { main } from '@/cli/main';
import { campaignCommands } from '@/cli/commands/campaign';
import { buildCertificate, buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';
import { insertRealCertificate } from '@/lib/campaigns/testing/campaign-fixture';
import { closeJobQueues } from '@/lib/jobs/job-queues';

let certSha1: string;
let connectorIds: string[];

beforeAll(async () => {
  const type = await buildConnectorType(db);
  const old = await buildCertificate(db);
  certSha1 = (await insertRealCertificate(db)).sha1Thumbprint;
  const t = await buildTenant(db, {
    region: 'EU',
    connectors: [
      { status: 'compromised', typeId: type.id },
      { status: 'healthy', typeId: type.id },
      { status: 'compromised', typeId: type.id },
    ],
  });
  connectorIds = t.connectors.map((c) => c.id);
  await db.connector.updateMany({ data: { currentCertificateId: old.id } });
});
afterAll(async () => {
  await closeJobQueues();
});

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) }, campaignCommands);
  return {
    code,
    out,
    err,
    json:
      out.length && out[out.length - 1]!.startsWith('{')
        ? (JSON.parse(out[out.length - 1]!) as Record<string, unknown>)
        : null,
  };
}

describe('rekey campaign', () => {
  it('creates, starts, shows, pauses, resumes and exports a campaign', async () => {
    const created = await run([
      'campaign',
      'create',
      '--name',
      'CLI',
      '--status',
      'compromised',
      '--cert',
      `EU=${certSha1}`,
      '--waves',
      '1,rest',
      '--concurrency',
      '5',
      '--start',
      '--json',
    ]);
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({ ok: true, state: 'RUNNING', queued: 2, skipped: 0 });
    const id = created.json!.id as string;

    const status = await run(['campaign', 'status', id, '--json']);
    expect(status.json).toMatchObject({
      ok: true,
      progress: {
        campaign: { state: 'RUNNING', waves: [{ size: 1 }, { size: null }] },
        totals: { total: 2, QUEUED: 2 },
      },
    });
    const human = await run(['campaign', 'status', id]);
    expect(human.out[0]).toMatch(/wave 1 {2}\*\[-+\]\s+0%\s+0\/1/);

    expect((await run(['campaign', 'pause', id, '--json'])).json).toMatchObject({ state: 'PAUSED' });
    expect((await run(['campaign', 'resume', id, '--json'])).json).toMatchObject({ state: 'RUNNING' });
    const csv = await run(['campaign', 'export', id]);
    expect(csv.out).toHaveLength(3);
    expect(csv.out[0]).toMatch(/^tenant,entra_tenant_id,region,/);
    expect((await run(['campaign', 'cancel', id, '--json'])).json).toMatchObject({ state: 'CANCELLED' });
  });

  it('reports a missing region certificate as bad input (exit 1) with the regions named', async () => {
    const r = await run([
      'campaign',
      'create',
      '--name',
      'x',
      '--connectors',
      connectorIds.join(','),
      '--cert',
      `US=${certSha1}`,
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', details: { missingRegions: ['EU'] } } });
  });

  it('needs --as for approval', async () => {
    const r = await run(['campaign', 'approve', '00000000-0000-4000-8000-000000000000']);
    expect(r.code).toBe(2);
  });
});
