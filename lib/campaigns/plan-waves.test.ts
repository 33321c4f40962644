import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WAVES,
  WavesSchema,
  canaryOrder,
  maxFailuresFor,
  planWaves,
  waveSizes,
  type WaveCandidate,
  type WaveSpec,
} from '@/lib/campaigns/plan-waves';

const c = (
  id: string,
  region: string,
  type: string,
  status: WaveCandidate['status'],
  tenantName = `T-${id}`,
): WaveCandidate => ({ connectorId: id, tenantId: `t${id}`, tenantName, region, connectorTypeId: type, status });

describe('wave sizes', () => {
  it.each<[string, WaveSpec[], number, number[]]>([
    ['a canary of 10 then the rest', DEFAULT_WAVES, 100, [10, 90]],
    ['a canary larger than the campaign takes everything', DEFAULT_WAVES, 4, [4, 0]],
    ['percentages round up', [{ percent: 5 }, { percent: 25 }, { size: null }], 101, [6, 26, 69]],
    ['what fixed sizes leave over joins the last wave', [{ size: 2 }, { size: 3 }], 10, [2, 8]],
    ['one wave takes everything', [{ size: null }], 7, [7]],
    ['an empty campaign has empty waves', [{ size: 1 }, { size: null }], 0, [0, 0]],
  ])('%s', (_name, specs, total, expected) => {
    expect(waveSizes(specs, total)).toEqual(expected);
  });
});

describe('the waves schema', () => {
  it.each<[string, unknown, boolean]>([
    ['canary then rest', [{ size: 10 }, { size: null }], true],
    ['percent waves', [{ percent: 1, maxFailures: 2 }, { size: null }], true],
    ['rest before the end is refused', [{ size: null }, { size: 10 }], false],
    ['size and percent together are refused', [{ size: 1, percent: 5 }], false],
    ['a wave with neither is refused', [{}], false],
    ['no waves is refused', [], false],
    ['a percent over 100 is refused', [{ percent: 120 }], false],
  ])('%s', (_n, input, ok) => {
    expect(WavesSchema.safeParse(input).success).toBe(ok);
  });

  it('gates every wave but the last, at 0 failures unless told', () => {
    const specs: WaveSpec[] = [{ size: 5 }, { size: 50, maxFailures: 3 }, { size: null }];
    expect([0, 1, 2].map((i) => maxFailuresFor(specs, i))).toEqual([0, 3, Number.POSITIVE_INFINITY]);
  });
});

describe('planning waves', () => {
  const fleet = [
    c('1', 'EU', 'A', 'healthy', 'Alpha'),
    c('2', 'EU', 'A', 'compromised', 'Bravo'),
    c('3', 'EU', 'B', 'healthy', 'Charlie'),
    c('4', 'US', 'A', 'targeted', 'Delta'),
    c('5', 'US', 'A', 'compromised', 'Echo'),
    c('6', 'US', 'B', 'expiring', 'Foxtrot'),
    c('7', 'US', 'A', 'compromised', 'Able'),
  ];

  it('fills the canary round-robin across region × type strata, worst stratum first', () => {
    expect(canaryOrder(fleet).map((x) => x.connectorId)).toEqual(['4', '2', '6', '3', '7', '1', '5']);
  });

  it('puts a canary of 4 across all four region/type combinations, the rest by severity then tenant', () => {
    const plan = planWaves(fleet, [{ size: 4 }, { size: null }]);
    expect(plan.filter((p) => p.wave === 0).map((p) => p.connectorId)).toEqual(['4', '2', '6', '3']);
    expect(plan.filter((p) => p.wave === 1).map((p) => p.connectorId)).toEqual(['7', '5', '1']);
  });

  it('orders a single wave by severity, then tenant name', () => {
    expect(planWaves(fleet, [{ size: null }]).map((p) => p.connectorId)).toEqual(['4', '7', '2', '5', '6', '1', '3']);
  });

  it('is deterministic whatever the input order', () => {
    const shuffled = [fleet[3]!, fleet[0]!, fleet[6]!, fleet[2]!, fleet[5]!, fleet[1]!, fleet[4]!];
    expect(planWaves(shuffled, [{ size: 2 }, { percent: 50 }, { size: null }])).toEqual(
      planWaves(fleet, [{ size: 2 }, { percent: 50 }, { size: null }]),
    );
  });

  it('gives every connector exactly one wave', () => {
    const plan = planWaves(fleet, [{ size: 1 }, { size: 2 }, { size: 1 }]);
    expect(plan.map((p) => p.wave)).toEqual([0, 1, 1, 2, 2, 2, 2]);
    expect(new Set(plan.map((p) => p.connectorId)).size).toBe(7);
  });
});
