/**
 * SIGKILL during customer self-service rotations (issue 20): tenants where Rekey's management app
 * holds no consent at all; each customer's Global Administrator signs in through the real MSAL
 * authorization-code flow (the simulator's consent prompt), Rekey holds their delegated token
 * sealed, the admin confirms, and the worker child process that runs the rotations with those
 * tokens is SIGKILLed at random moments while rotations are mid-way, and restarted each time.
 *
 * Every rotation must resume and end truthfully: SUCCEEDED with the invitation ROTATED, or needing
 * attention with the invitation still ROTATING and saying why — never a false "rotated". In the
 * simulator: no duplicate credential, never a connector without a valid credential (sampled
 * throughout), and every connector that Rekey calls rotated holds exactly the new key. The
 * delegated tokens are never persisted in clear: the access and refresh tokens the sign-ins
 * returned appear in no table (delegated-token rows, jobs, audit, steps, invitations) and in no
 * worker log, the held rows are sealed (`dt1.`) whenever sampled, and none is left at the end.
 */
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { db } from '@/lib/db';
import { confirmInvitationRotation } from '@/lib/invitations/confirm-invitation-rotation';
import { delegatedAppConfig } from '@/lib/invitations/testing/delegated-sign-in';
import { createTestInvitation, customerAdminSignsIn } from '@/lib/testing/invitation-journey';
import { DIRECTORY_ROLES } from '@/sim/directory/directory-roles';
import {
  CHAOS_SIZE,
  chaosWorld,
  checkFinal,
  MASTER_KEY,
  makeCertificates,
  prng,
  sleep,
  startSampler,
  type FleetConnector,
} from './lib/chaos-fleet';

const SIZES = { ci: { tenants: 8, kills: 3 }, full: { tenants: 40, kills: 10 } } as const;
const SIZE = SIZES[CHAOS_SIZE];
const world = chaosWorld([10]);

/** The secrets a sign-in returned: the access token and every secret in MSAL's cache (the refresh token). */
function secretsOf(who: { accessToken: string; cache: string }): string[] {
  const cache = JSON.parse(who.cache) as Record<string, Record<string, { secret?: string }>>;
  const inCache = Object.values(cache).flatMap((section) =>
    Object.values(section ?? {}).flatMap((entry) => (typeof entry?.secret === 'string' ? [entry.secret] : [])),
  );
  return [who.accessToken, ...inCache].filter((s) => s.length >= 20);
}

/** Rows of `table` whose text holds `needle` (a distinctive 40-character slice of a secret). */
async function rowsHolding(table: string, needle: string): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM ${table} t WHERE t::text LIKE '%' || $1 || '%'`,
    needle,
  );
  return rows[0]!.n;
}

describe(`worker killed during delegated (customer-token) rotations (${CHAOS_SIZE})`, () => {
  it(`${SIZE.tenants} customer rotations through ${SIZE.kills} SIGKILLs: resumed truthfully, no duplicates, no gaps, no token in clear`, async () => {
    const { gs } = world;
    const worker = world.workers[0]!;
    const seed = Number(process.env.REKEY_CHAOS_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const cfg = delegatedAppConfig(gs);
    const d = gs.manifest.delegatedApp!;
    // The worker child process reaches customer tenants with the delegated-rotation app.
    process.env.REKEY_DELEGATED_CLIENT_ID = d.appId;
    process.env.REKEY_DELEGATED_CERT_PATH = d.certificatePath;
    process.env.REKEY_DELEGATED_KEY_PATH = d.privateKeyPath;
    const ring = { current: MASTER_KEY, previous: [] };
    const certs = await makeCertificates('Delegated');
    const type = await db.connectorType.upsert({
      where: { name: 'Chaos Connect' },
      update: {},
      create: { name: 'Chaos Connect', displayNamePattern: '* sync *' },
    });

    // The fleet: tenants Rekey's management app was never consented in, each with its admin.
    const fleet: (FleetConnector & { name: string; upn: string; tenantId: string })[] = [];
    for (let i = 0; i < SIZE.tenants; i++) {
      const t = gs.makeTenant({ name: `Delegated ${String(i).padStart(3, '0')}`, consented: false });
      const name = `Delegated sync ${i}`;
      const c = gs.makeConnector(t.id, { displayName: name, certificates: [certs.oldBuilt.pem] });
      const upn = `ga@${t.domain}`;
      gs.sim.admin.addUser(t.id, {
        userPrincipalName: upn,
        displayName: 'Customer admin',
        directoryRoles: [DIRECTORY_ROLES.globalAdministrator.id],
      });
      const tenantId = randomUUID();
      const connectorId = randomUUID();
      await db.tenant.create({
        data: { id: tenantId, entraTenantId: t.id, displayName: t.name, defaultDomain: t.domain, region: 'EU' },
      });
      await db.connector.create({
        data: {
          id: connectorId,
          tenantId,
          connectorTypeId: type.id,
          displayName: name,
          appId: c.appId,
          appObjectId: c.appObjectId,
          spObjectId: c.spObjectId,
          currentCertificateId: certs.oldCert.id,
        },
      });
      fleet.push({ connectorId, simTenantId: t.id, appId: c.appId, name, upn, tenantId });
    }
    const mgmt = gs.manifest.managementApp.appId;
    const mgmtConsented = () =>
      fleet.filter((c) =>
        [...gs.sim.admin.getTenant(c.simTenantId).servicePrincipals.values()].some((sp) => sp.appId === mgmt),
      );
    expect(mgmtConsented()).toEqual([]);

    // Each customer admin: opens the link, signs in (consent prompt), confirms. Rekey holds the token sealed.
    const secrets: string[] = [];
    const invitations: string[] = [];
    for (const c of fleet) {
      const inv = await createTestInvitation(db, {
        entraTenantId: c.simTenantId,
        tenantId: c.tenantId,
        connectorId: c.connectorId,
        certificateId: certs.newCert.id,
        reason: 'chaos: compromised certificate',
      });
      invitations.push(inv.id);
      const { who, admin } = await customerAdminSignsIn(db, {
        cfg,
        ring,
        invitationId: inv.id,
        upn: c.upn,
        clientIp: '198.51.100.7',
      });
      secrets.push(...secretsOf(who));
      await confirmInvitationRotation(admin, { invitationId: inv.id, typedName: c.name });
    }
    expect(secrets.length).toBeGreaterThanOrEqual(2 * fleet.length);

    const sampler = startSampler(gs, fleet);
    const unsealed = new Set<string>();
    const tokenSampler = setInterval(() => {
      void db.delegatedToken
        .findMany({ select: { invitationId: true, sealedAccessToken: true, sealedRefreshToken: true } })
        .then((rows) => {
          for (const r of rows)
            if (
              !r.sealedAccessToken.startsWith('dt1.') ||
              (r.sealedRefreshToken && !r.sealedRefreshToken.startsWith('dt1.'))
            )
              unsealed.add(r.invitationId);
        })
        .catch(() => undefined);
    }, 100);

    // Each Graph and token request takes 100–150 ms, as over the Internet: 8 rotations then last
    // long enough for every kill to land mid-way (without it they could all finish before the last).
    gs.sim.faults.latency(100, 50);
    worker.start();
    const started = Date.now();
    const deadline = started + 600_000;
    const kills: string[] = [];
    const active = () =>
      db.rotation.count({
        where: {
          connectorId: { in: fleet.map((c) => c.connectorId) },
          state: { in: ['PENDING', 'RUNNING', 'WAITING'] },
        },
      });
    const stepsDone = () =>
      db.rotationStep.count({ where: { rotation: { connectorId: { in: fleet.map((c) => c.connectorId) } } } });
    // Kill only while rotations are mid-way: after the worker (re)started has made progress since the
    // last kill, and within a further random 0–150 ms (about one Graph call), so each kill lands inside
    // Graph calls made with the customers' tokens. A rotation's steps come in bursts (its writes, then
    // a wait for replication, then its checks, under a second in all for the fleet), so a longer random
    // wait could let the last burst finish before the last kill.
    let stepsAtKill = 0;
    while (Date.now() < deadline && (await active()) > 0) {
      const steps = await stepsDone();
      if (
        kills.length < SIZE.kills &&
        steps > stepsAtKill &&
        worker.log.includes(`worker running (pid ${worker.child?.pid})`)
      ) {
        await sleep(Math.floor(random() * 150));
        const mid = await active();
        if (mid === 0) break; // all finished during the wait: a kill now would interrupt nothing
        await worker.kill('SIGKILL');
        stepsAtKill = await stepsDone();
        kills.push(`${((Date.now() - started) / 1000).toFixed(1)}s/${mid} active/${stepsAtKill} steps`);
        worker.start();
      } else {
        await sleep(100);
        if (worker.child?.exitCode !== null || worker.child?.signalCode !== null)
          throw new Error(`the worker died:\n${worker.log.slice(-4000)}`);
      }
    }
    const wallMs = Date.now() - started;
    gs.sim.faults.clear();
    clearInterval(tokenSampler);
    const sampled = sampler.stop();
    await worker.kill('SIGTERM');

    const rotations = await db.rotation.findMany({
      where: { connectorId: { in: fleet.map((c) => c.connectorId) } },
      select: { id: true, connectorId: true, state: true, errorMessage: true },
    });
    const invs = await db.invitation.findMany({
      where: { id: { in: invitations } },
      select: { id: true, connectorId: true, state: true, stateDetail: true, usedAt: true, rotationId: true },
    });
    const byState = (xs: { state: string }[]) =>
      xs.reduce<Record<string, number>>((a, x) => ({ ...a, [x.state]: (a[x.state] ?? 0) + 1 }), {});
    process.stderr.write(
      `[chaos] delegated kills ${CHAOS_SIZE} (seed ${seed}): ${fleet.length} customer rotations in ${(wallMs / 1000).toFixed(1)} s; kills at ${kills.join(', ')}; rotations ${JSON.stringify(byState(rotations))}; invitations ${JSON.stringify(byState(invs))}; ${sampled.samples} samples\n`,
    );
    if (rotations.some((r) => r.state !== 'SUCCEEDED'))
      process.stderr.write(`${JSON.stringify(rotations, null, 1)}\n${worker.log.slice(-3000)}\n`);

    expect(kills).toHaveLength(SIZE.kills);
    // One rotation per connector: a kill never made a second one.
    expect(rotations).toHaveLength(fleet.length);
    // Truthful ends: each invitation says what its rotation did.
    for (const r of rotations) {
      const inv = invs.find((i) => i.connectorId === r.connectorId)!;
      expect(inv.rotationId).toBe(r.id);
      if (r.state === 'SUCCEEDED') expect([inv.state, inv.usedAt !== null]).toEqual(['ROTATED', true]);
      else if (r.state === 'NEEDS_ATTENTION')
        expect([inv.state, r.errorMessage]).toEqual(['ROTATING', expect.any(String)]);
      else expect([r.state, inv.state]).toEqual([r.state, 'FAILED']);
    }
    // The simulator agrees: every connector Rekey calls rotated holds exactly the new key; none ever lost a valid one.
    const succeeded = fleet.filter(
      (c) => rotations.find((r) => r.connectorId === c.connectorId)?.state === 'SUCCEEDED',
    );
    const final = checkFinal(gs, succeeded, certs);
    expect(final).toEqual({ notExactlyNew: [], duplicates: [], withoutValid: [], oldOnSp: [] });
    expect(checkFinal(gs, fleet, certs).withoutValid).toEqual([]);
    expect(checkFinal(gs, fleet, certs).duplicates).toEqual([]);
    expect(sampled.gaps).toEqual([]);
    expect(sampled.duplicates).toEqual([]);
    // All of them resumed to the end under the kills.
    expect(byState(rotations)).toEqual({ SUCCEEDED: fleet.length });
    // Still no standing access: the management app was never consented anywhere in the fleet.
    expect(mgmtConsented()).toEqual([]);

    // The delegated tokens: sealed whenever held, none left, and never in clear anywhere.
    expect([...unsealed]).toEqual([]);
    expect(await db.delegatedToken.count({ where: { invitationId: { in: invitations } } })).toBe(
      rotations.filter((r) => r.state === 'NEEDS_ATTENTION').length,
    );
    const tables = [
      '"DelegatedToken"',
      '"Invitation"',
      '"InvitationEvent"',
      '"AuditEvent"',
      '"Rotation"',
      '"RotationStep"',
      'pgboss.job',
    ];
    const leaks: string[] = [];
    for (const s of secrets) {
      const needle = s.slice(Math.max(0, s.length - 40));
      for (const t of tables) if ((await rowsHolding(t, needle)) > 0) leaks.push(`${t} holds a token`);
      if (worker.log.includes(needle)) leaks.push('the worker log holds a token');
    }
    expect(leaks).toEqual([]);
  });
});
