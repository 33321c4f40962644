/**
 * Two campaigns whose selections overlap (each holds ⅔ of the fleet; the middle third is in
 * both), started at the same moment, both running on two worker processes with a little fault
 * load. No connector may be rotated twice: exactly one succeeded rotation per connector, the
 * overlapping items of the campaign that lost the race SKIPPED with a reason, one credential
 * (the new one) per connector app, and never a connector without a valid credential.
 */
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import {
  CHAOS_SIZE,
  chaosWorld,
  SIZE,
  campaignOutcome,
  checkFinal,
  makeCertificates,
  makeFleet,
  sleep,
  startChaosCampaign,
  startSampler,
} from './lib/chaos-fleet';

const world = chaosWorld([15, 15]);

describe(`overlapping campaigns (${CHAOS_SIZE})`, () => {
  it('never rotate one connector twice', async () => {
    const { gs, workers } = world;
    const certs = await makeCertificates('Overlap');
    const fleet = await makeFleet(gs, SIZE.overlapConnectors, certs, 'Overlap');
    const third = Math.floor(fleet.length / 3);
    const a = fleet.slice(0, 2 * third).map((c) => c.connectorId);
    const b = fleet.slice(third).map((c) => c.connectorId);
    gs.sim.faults.failFraction(0.1, 429, 1, 'graph');
    const sampler = startSampler(gs, fleet);
    for (const w of workers) w.start();
    for (const w of workers) await w.ready();
    const [ca, cb] = await Promise.all([
      startChaosCampaign('Overlap A', a, certs.newCert.id, 20),
      startChaosCampaign('Overlap B', b, certs.newCert.id, 20),
    ]);

    const deadline = Date.now() + 300_000;
    for (;;) {
      const running = await db.campaign.count({ where: { id: { in: [ca, cb] }, state: 'RUNNING' } });
      if (running === 0 || Date.now() > deadline) break;
      for (const w of workers)
        if (w.child?.exitCode !== null || w.child?.signalCode !== null)
          throw new Error(`a worker died:\n${w.log.slice(-4000)}`);
      await sleep(250);
    }
    const sampled = sampler.stop();
    gs.sim.faults.clear();
    const [oa, ob] = [await campaignOutcome(ca), await campaignOutcome(cb)];
    process.stderr.write(`[chaos] overlap ${CHAOS_SIZE}: A ${JSON.stringify(oa)}; B ${JSON.stringify(ob)}\n`);

    expect(oa.state).toBe('FINISHED');
    expect(ob.state).toBe('FINISHED');
    // One rotation per connector, across both campaigns (and nothing else rotated them).
    const perConnector = await db.rotation.groupBy({
      by: ['connectorId'],
      where: { connectorId: { in: fleet.map((c) => c.connectorId) } },
      _count: true,
    });
    expect(perConnector).toHaveLength(fleet.length);
    expect(perConnector.filter((r) => r._count !== 1)).toEqual([]);
    expect(
      await db.rotation.count({
        where: { connectorId: { in: fleet.map((c) => c.connectorId) }, state: { not: 'SUCCEEDED' } },
      }),
    ).toBe(0);
    // Every connector's items: exactly one SUCCEEDED; an overlapping connector's other item SKIPPED with a reason.
    const items = await db.campaignItem.findMany({
      where: { campaignId: { in: [ca, cb] } },
      select: { connectorId: true, state: true, message: true },
    });
    const byConnector = new Map<string, { state: string; message: string | null }[]>();
    for (const i of items) byConnector.set(i.connectorId, [...(byConnector.get(i.connectorId) ?? []), i]);
    for (const c of fleet) {
      const its = byConnector.get(c.connectorId) ?? [];
      expect(its.filter((i) => i.state === 'SUCCEEDED')).toHaveLength(1);
      for (const i of its.filter((x) => x.state !== 'SUCCEEDED')) {
        expect(i.state).toBe('SKIPPED');
        expect(i.message).toMatch(/already has an active rotation|already the current certificate/);
      }
    }
    expect(checkFinal(gs, fleet, certs)).toEqual({ notExactlyNew: [], duplicates: [], withoutValid: [], oldOnSp: [] });
    expect(sampled.gaps).toEqual([]);
    expect(sampled.duplicates).toEqual([]);
  });
});
