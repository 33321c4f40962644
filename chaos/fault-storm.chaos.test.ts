/**
 * A campaign under a fault storm: ~30 % of Graph requests answered 429 with Retry-After, ~5 % 503,
 * 2 % of connections (Graph and token endpoint) dropped, and the token endpoint down for
 * 10 s (ci) / 30 s (full) at the start. The real worker runs as a child process with production
 * settings (graph limits, retry policy). The campaign must end with every rotation succeeded, no
 * duplicate credential anywhere, every connector app holding exactly the new valid credential —
 * and, sampled throughout, never a connector without a valid credential.
 */
import { describe, expect, it } from 'vitest';
import {
  CHAOS_SIZE,
  chaosWorld,
  SIZE,
  campaignOutcome,
  checkFinal,
  checkFleetTruth,
  makeCertificates,
  makeFleet,
  rotationTrouble,
  stepSummary,
  startChaosCampaign,
  startSampler,
  waitForCampaign,
} from './lib/chaos-fleet';

const world = chaosWorld([40]);

describe(`fault storm (${CHAOS_SIZE})`, () => {
  it(`rotates ${SIZE.stormConnectors} connectors with 0 failures, 0 duplicates, never without a valid credential`, async () => {
    const { gs } = world;
    const worker = world.workers[0]!;
    const certs = await makeCertificates('Storm');
    const fleet = await makeFleet(gs, SIZE.stormConnectors, certs, 'Storm');

    // The storm: one failFraction rule at a time in the sim, so alternate 429 and 503 in
    // 100 ms slices (6 : 1) at 35 % — about 30 % 429 and 5 % 503 overall.
    const f = gs.sim.faults;
    f.dropConnections(0.02, 'all');
    f.tokenEndpointDown(SIZE.tokenOutageSeconds);
    let slice = 0;
    const storm = setInterval(() => {
      const status = slice++ % 7 === 6 ? 503 : 429;
      f.failFraction(0.35, status, 1, 'graph');
    }, 100);
    const sampler = startSampler(gs, fleet);

    worker.start();
    const campaignId = await startChaosCampaign(
      'Storm',
      fleet.map((c) => c.connectorId),
      certs.newCert.id,
      Math.min(100, SIZE.stormConnectors),
    );
    let outcome;
    try {
      outcome = await waitForCampaign(campaignId, Date.now() + 600_000, async () => {
        if (worker.child?.exitCode !== null || worker.child?.signalCode !== null)
          throw new Error(`the worker died:\n${worker.log.slice(-4000)}`);
      });
    } finally {
      clearInterval(storm);
    }
    const sampled = sampler.stop();
    f.clear();
    const final = checkFinal(gs, fleet, certs);
    const done = await campaignOutcome(campaignId, outcome.wallMs);
    process.stderr.write(
      `[chaos] storm ${CHAOS_SIZE}: ${fleet.length} connectors in ${(outcome.wallMs / 1000).toFixed(1)} s; items ${JSON.stringify(done.items)}; rotations ${JSON.stringify(done.rotations)}; ${sampled.samples} samples\n[chaos] steps: ${await stepSummary(campaignId)}\n[chaos] worker: ${worker.jobFailures()}\n`,
    );
    if (done.state !== 'FINISHED' || done.items.SUCCEEDED !== fleet.length)
      process.stderr.write(`${await rotationTrouble(campaignId)}\n${worker.log.slice(-3000)}\n`);

    expect(done.state).toBe('FINISHED');
    expect(done.items).toEqual({ SUCCEEDED: fleet.length });
    expect(done.rotations).toEqual({ SUCCEEDED: fleet.length });
    expect(final).toEqual({ notExactlyNew: [], duplicates: [], withoutValid: [], oldOnSp: [] });
    expect(sampled.gaps).toEqual([]);
    expect(sampled.duplicates).toEqual([]);
    expect(sampled.samples).toBeGreaterThan(10);
    // The truth checker: every overview figure matches what the simulator holds after the storm.
    expect(await checkFleetTruth(gs, fleet)).toEqual([]);
  });
});
