import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '@/cli/command';
import { rotateCommand, type RotateTerminal } from '@/cli/commands/rotate';
import { db } from '@/lib/db';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { buildCert } from '@/lib/testing/certs';
import { storeCertificate } from '@/lib/testing/store-certificate';

afterAll(async () => {
  await closeJobQueues();
});

let n = 0;
async function seed() {
  n++;
  const tenant = await db.tenant.create({ data: { entraTenantId: crypto.randomUUID(), displayName: `Contoso ${n}` } });
  const type = await db.connectorType.upsert({
    where: { name: 'Mail Archive' },
    update: {},
    create: { name: 'Mail Archive' },
  });
  const now = Date.now();
  const cert = async (slot: number) => {
    const b = buildCert({
      subject: `CN=cli-test-${n}-${slot}`,
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 100 * 86_400_000),
      slot: 200 + slot,
    });
    return storeCertificate(db, b.der);
  };
  const from = await cert(n * 2);
  const to = await cert(n * 2 + 1);
  const connector = await db.connector.create({
    data: {
      tenantId: tenant.id,
      connectorTypeId: type.id,
      displayName: `Mail Archive ${n}`,
      appId: crypto.randomUUID(),
      appObjectId: crypto.randomUUID(),
      currentCertificateId: from.id,
    },
  });
  return { connector, to };
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}
const terminal = (isTTY: boolean, answer = ''): RotateTerminal & { asked: string[] } => {
  const asked: string[] = [];
  return { isTTY, asked, ask: async (q) => (asked.push(q), answer) };
};

describe('rekey rotate', () => {
  it('refuses without --yes when stdin is not a terminal, and starts nothing', async () => {
    const { connector, to } = await seed();
    const c = io();
    expect(await runCommand(rotateCommand(terminal(false)), ['--connector', connector.id, '--to', to.id], c.io)).toBe(
      2,
    );
    expect(c.err.join('\n')).toMatch(/not a terminal\. Pass --yes/);
    expect(await db.rotation.count({ where: { connectorId: connector.id } })).toBe(0);
  });

  it('prints the plan and starts nothing when the typed confirmation does not match', async () => {
    const { connector, to } = await seed();
    const c = io();
    const t = terminal(true, 'nope');
    expect(await runCommand(rotateCommand(t), ['--connector', connector.id, '--to', to.sha1Thumbprint], c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/Steps: +preflight → add_new → verify_new → remove_old → verify_old_gone/);
    expect(t.asked[0]).toMatch(new RegExp(`Type the connector's name \\(${connector.displayName}\\)`));
    expect(await db.rotation.count({ where: { connectorId: connector.id } })).toBe(0);
  });

  it('starts after the connector name is typed', async () => {
    const { connector, to } = await seed();
    const c = io();
    expect(
      await runCommand(
        rotateCommand(terminal(true, connector.displayName)),
        ['--connector', connector.id, '--to', to.id, '--mode', 'reestablish'],
        c.io,
      ),
    ).toBe(0);
    const r = await db.rotation.findFirstOrThrow({ where: { connectorId: connector.id } });
    expect(r).toMatchObject({ mode: 'reestablish', state: 'PENDING', step: 'preflight' });
    expect(r.actorLabel).toMatch(/^cli:/);
  });

  it('starts with --yes and reports JSON; a second start is refused with the running rotation named', async () => {
    const { connector, to } = await seed();
    const c = io();
    expect(
      await runCommand(
        rotateCommand(terminal(false)),
        ['--connector', connector.id, '--to', to.sha1Thumbprint.toLowerCase(), '--yes', '--json'],
        c.io,
      ),
    ).toBe(0);
    const out = JSON.parse(c.out[0]!) as { ok: boolean; rotation: { id: string; state: string } };
    expect(out).toMatchObject({ ok: true, rotation: { state: 'PENDING' } });
    const again = io();
    expect(
      await runCommand(rotateCommand(terminal(false)), ['--connector', connector.id, '--to', to.id, '--yes'], again.io),
    ).toBe(1);
    expect(again.err.join('\n')).toContain(
      `already has an active rotation (rotation ${out.rotation.id}, PENDING at step preflight`,
    );
  });

  it('checks its options', async () => {
    const c = io();
    expect(
      await runCommand(
        rotateCommand(terminal(false)),
        ['--connector', crypto.randomUUID(), '--to', 'x', '--recreate', '--yes'],
        c.io,
      ),
    ).toBe(2);
    expect(c.err.join('\n')).toMatch(/--recreate needs --mode reestablish/);
    expect(await runCommand(rotateCommand(terminal(false)), ['--to', 'x', '--yes'], c.io)).toBe(2);
  });
});
