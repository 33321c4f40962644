/**
 * SIGKILL at random moments: the worker child process is killed 5 (ci) / 20 (full) times while a
 * campaign runs — spread over the campaign by progress, each at a further random delay, so kills
 * land in the middle of Graph calls, step commits and campaign dispatches alike — and restarted
 * each time, under a light fault load (10 % 429). The campaign must still end with every rotation
 * succeeded, no duplicate credential, every connector app holding exactly the new valid
 * credential, and (sampled throughout) never a connector without a valid credential.
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
  prng,
  rotationTrouble,
  sleep,
  startChaosCampaign,
  startSampler,
  stepSummary,
} from './lib/chaos-fleet';

const world = chaosWorld([30]);

describe(`worker killed with SIGKILL (${CHAOS_SIZE})`, () => {
  it(`completes ${SIZE.killConnectors} rotations through ${SIZE.kills} SIGKILLs with the same guarantees`, async () => {
    const { gs } = world;
    const worker = world.workers[0]!;
    const seed = Number(process.env.REKEY_CHAOS_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const certs = await makeCertificates('Kill');
    const fleet = await makeFleet(gs, SIZE.killConnectors, certs, 'Kill');
    gs.sim.faults.failFraction(0.1, 429, 1, 'graph');
    // Graph's own latency (~100 ms a call). Without it the simulator answers in ~1 ms and the
    // campaign can finish while the worker is still restarting from a kill, so the last kill
    // never happens (seen in CI: 4 of 5 kills, the campaign done 1.5 s after the fourth).
    gs.sim.faults.latency(100, 50);
    const sampler = startSampler(gs, fleet);

    worker.start();
    const campaignId = await startChaosCampaign(
      'Kill',
      fleet.map((c) => c.connectorId),
      certs.newCert.id,
      30,
    );
    const started = Date.now();
    const kills: string[] = [];
    const deadline = started + 600_000;
    let state = 'RUNNING';
    // Kill k happens once k/(kills+2) of the fleet is done, after a further random 0–1.5 s, so the
    // kills are spread over the campaign and land at arbitrary points of its work; the last one
    // comes with over a quarter of the fleet still to go, so a restart's seconds cannot outrun it.
    while (state === 'RUNNING' && Date.now() < deadline) {
      const done = await db.campaignItem.count({ where: { campaignId, state: 'SUCCEEDED' } });
      if (
        kills.length < SIZE.kills &&
        done >= Math.floor(((kills.length + 1) * fleet.length) / (SIZE.kills + 2)) &&
        worker.log.includes(`worker running (pid ${worker.child?.pid})`)
      ) {
        await sleep(Math.floor(random() * 1_500));
        await worker.kill('SIGKILL');
        kills.push(`${((Date.now() - started) / 1000).toFixed(1)}s/${done} done`);
        worker.start();
      } else {
        await sleep(100);
        if (worker.child?.exitCode !== null || worker.child?.signalCode !== null)
          throw new Error(`the worker died:\n${worker.log.slice(-4000)}`);
      }
      state = (await db.campaign.findUniqueOrThrow({ where: { id: campaignId }, select: { state: true } })).state;
    }
    const wallMs = Date.now() - started;
    const sampled = sampler.stop();
    gs.sim.faults.clear();
    const final = checkFinal(gs, fleet, certs);
    const done = await campaignOutcome(campaignId, wallMs);
    process.stderr.write(
      `[chaos] kills ${CHAOS_SIZE} (seed ${seed}): ${fleet.length} connectors in ${(wallMs / 1000).toFixed(1)} s; kills at ${kills.join(', ')}; items ${JSON.stringify(done.items)}; rotations ${JSON.stringify(done.rotations)}; ${sampled.samples} samples\n[chaos] steps: ${await stepSummary(campaignId)}\n[chaos] worker: ${worker.jobFailures()}\n`,
    );
    if (done.state !== 'FINISHED' || done.items.SUCCEEDED !== fleet.length)
      process.stderr.write(`${await rotationTrouble(campaignId)}\n${worker.log.slice(-3000)}\n`);

    expect(kills).toHaveLength(SIZE.kills);
    expect(done.state).toBe('FINISHED');
    expect(done.items).toEqual({ SUCCEEDED: fleet.length });
    expect(done.rotations).toEqual({ SUCCEEDED: fleet.length });
    expect(final).toEqual({ notExactlyNew: [], duplicates: [], withoutValid: [], oldOnSp: [] });
    expect(sampled.gaps).toEqual([]);
    expect(sampled.duplicates).toEqual([]);
  });
});
