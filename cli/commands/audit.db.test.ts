import { describe, expect, it } from 'vitest';
import { main } from '../main';
import { auditCommands } from './audit';
import { userCommands } from './users';
import { db } from '@/lib/db';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

const commands = [...auditCommands, ...userCommands];

describe('rekey audit verify', () => {
  it('passes an intact chain and reports the first tampered event with exit 1', async () => {
    for (let i = 0; i < 3; i++) {
      await db.$transaction((tx) =>
        appendAuditEvent(
          tx,
          { id: null, label: 'cli-test' },
          { action: 'tenant.update', targetType: 'tenant', targetId: `cli${i}`, after: { n: i } },
        ),
      );
    }
    const good = io();
    expect(await main(['audit', 'verify', '--json'], good.io, commands)).toBe(0);
    expect(JSON.parse(good.out[0]!)).toMatchObject({ ok: true });

    const victim = await db.auditEvent.findFirstOrThrow({ where: { targetId: 'cli1' } });
    await db.$executeRawUnsafe('ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only_row"');
    try {
      await db.$executeRaw`UPDATE "AuditEvent" SET "actorLabel" = 'someone-else' WHERE seq = ${victim.seq}`;
    } finally {
      await db.$executeRawUnsafe('ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only_row"');
    }
    const bad = io();
    expect(await main(['audit', 'verify', '--json'], bad.io, commands)).toBe(1);
    expect(JSON.parse(bad.out[0]!)).toMatchObject({
      ok: false,
      brokenAt: victim.seq.toString(),
      reason: 'hash_mismatch',
    });
    expect(bad.err.join('\n')).toContain(`BROKEN at event ${victim.seq}`);
  });
});

describe('rekey users', () => {
  it('grants, lists and revokes roles, pre-provisioning the user', async () => {
    const tenant = await db.tenant.create({
      data: { entraTenantId: crypto.randomUUID(), displayName: 'Cli Tenant', defaultDomain: 'cli.example' },
    });
    const a = io();
    expect(
      await main(
        ['users', 'grant', 'tech@msp.example', 'operator', '--tenant', 'cli.example', '--group', 'emea', '--json'],
        a.io,
        commands,
      ),
    ).toBe(0);
    expect(JSON.parse(a.out[0]!)).toMatchObject({
      ok: true,
      created: true,
      grant: { role: 'operator', allTenants: false, tenantIds: [tenant.id], groups: ['emea'] },
    });

    const l = io();
    expect(await main(['users', 'list'], l.io, commands)).toBe(0);
    expect(l.out.join('\n')).toMatch(/tech@msp\.example.*operator\[Cli Tenant, group:emea\].*not signed in yet/);
    // Like every list command: --json is an array of row objects, --ndjson the same rows one per line.
    const j = io();
    expect(await main(['users', 'list', '--json'], j.io, commands)).toBe(0);
    const users = JSON.parse(j.out.join('')) as { email: string; roles: unknown[] }[];
    expect(users.find((u) => u.email === 'tech@msp.example')).toMatchObject({
      linked: false,
      roles: [
        {
          role: 'operator',
          allTenants: false,
          tenants: [{ id: tenant.id, displayName: 'Cli Tenant' }],
          groups: ['emea'],
        },
      ],
    });
    const nd = io();
    expect(await main(['users', 'list', '--ndjson'], nd.io, commands)).toBe(0);
    expect(nd.out.map((line) => JSON.parse(line) as unknown)).toEqual(users);

    const bad = io();
    expect(await main(['users', 'grant', 'tech@msp.example', 'admin', '--tenant', tenant.id], bad.io, commands)).toBe(
      1,
    );
    expect(await main(['users', 'grant', 'tech@msp.example', 'superuser'], io().io, commands)).toBe(2);

    const r = io();
    expect(await main(['users', 'revoke', 'tech@msp.example', '--json'], r.io, commands)).toBe(0);
    expect(JSON.parse(r.out[0]!).revoked).toHaveLength(1);
    expect(
      await db.auditEvent.count({
        where: { actorLabel: { startsWith: 'cli:' }, action: { in: ['user.create', 'role.grant', 'role.revoke'] } },
      }),
    ).toBe(3);
  });
});
