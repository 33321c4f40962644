/**
 * Splits a campaign's connectors into waves (pure). A wave is sized by a count (`size`), a share
 * of the whole (`percent`, rounded up) or takes "everything else" (`size: null`, last wave only).
 * Whatever the specs leave over joins the last wave, so every connector gets a wave.
 *
 * Ordering (deterministic, so the same selection always gives the same plan):
 * - The first wave of a multi-wave plan is the canary. It exists to catch *systematic* mistakes
 *   (a wrong certificate for a region, a connector type whose permissions differ) before they hit
 *   the fleet, so it is filled round-robin across (region, connector type) strata — one connector
 *   from each combination in turn — which makes even a small canary cover every combination it can.
 * - Within a stratum and for every later wave: most severe status first (targeted → healthy: the
 *   connectors in an attacker's hands are remediated first), then tenant name, then ids.
 * The dispatcher starts the items of a wave in the same severity order (in SQL, at start time).
 */
import { z } from 'zod';
import { CONNECTOR_STATUS_VALUES, type ConnectorStatusValue } from '@/lib/fleet/statuses';

export const WaveSpecSchema = z
  .object({
    /** A number of connectors, or null for "everything else" (last wave only). */
    size: z.number().int().min(1).max(1_000_000).nullable().optional(),
    /** A share of the campaign (0–100], rounded up. */
    percent: z.number().gt(0).max(100).optional(),
    /**
     * The gate after this wave: failed + needs-attention items above this pause the campaign and
     * notify instead of starting the next wave. Default 0 for every wave but the last.
     */
    maxFailures: z.number().int().min(0).optional(),
  })
  .refine((w) => (w.size !== undefined) !== (w.percent !== undefined), {
    message: 'give each wave either size (a number, or null for the rest) or percent',
  });
export type WaveSpec = z.infer<typeof WaveSpecSchema>;

export const WavesSchema = z
  .array(WaveSpecSchema)
  .min(1)
  .max(20)
  .refine((ws) => ws.every((w, i) => w.size !== null || i === ws.length - 1), {
    message: 'only the last wave may take the rest (size: null)',
  });

/** Canary of 10, then the rest. */
export const DEFAULT_WAVES: WaveSpec[] = [{ size: 10 }, { size: null }];

export interface WaveCandidate {
  connectorId: string;
  tenantId: string;
  tenantName: string;
  region: string;
  connectorTypeId: string;
  status: ConnectorStatusValue;
}

export interface PlannedItem {
  connectorId: string;
  wave: number;
}

const rank = (s: ConnectorStatusValue) => CONNECTOR_STATUS_VALUES.indexOf(s);
const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function compareBySeverity(a: WaveCandidate, b: WaveCandidate): number {
  return (
    rank(a.status) - rank(b.status) ||
    cmpStr(a.tenantName, b.tenantName) ||
    cmpStr(a.tenantId, b.tenantId) ||
    cmpStr(a.connectorId, b.connectorId)
  );
}

/** Wave sizes for `total` connectors; the last wave gets whatever is left (possibly 0). */
export function waveSizes(specs: readonly WaveSpec[], total: number): number[] {
  const sizes: number[] = [];
  let left = total;
  specs.forEach((w, i) => {
    const last = i === specs.length - 1;
    const want =
      w.percent !== undefined
        ? Math.ceil((w.percent / 100) * total)
        : w.size === null || w.size === undefined
          ? left
          : w.size;
    const n = last ? left : Math.min(want, left);
    sizes.push(n);
    left -= n;
  });
  return sizes;
}

/** The gate after wave `i`: Infinity for the last wave (nothing follows it). */
export function maxFailuresFor(specs: readonly WaveSpec[], i: number): number {
  if (i >= specs.length - 1) return Number.POSITIVE_INFINITY;
  return specs[i]?.maxFailures ?? 0;
}

/** Round-robin over (region, connector type) strata, each stratum in severity order. */
export function canaryOrder(candidates: readonly WaveCandidate[]): WaveCandidate[] {
  const strata = new Map<string, WaveCandidate[]>();
  for (const c of [...candidates].sort(compareBySeverity)) {
    const key = `${c.region}\u0000${c.connectorTypeId}`;
    const list = strata.get(key) ?? [];
    list.push(c);
    strata.set(key, list);
  }
  // Strata ordered by their most severe member, then by key, so a canary of 1 takes the worst.
  const lists = [...strata.entries()]
    .sort(([ka, a], [kb, b]) => compareBySeverity(a[0]!, b[0]!) || cmpStr(ka, kb))
    .map(([, l]) => l);
  const out: WaveCandidate[] = [];
  for (let i = 0; out.length < candidates.length; i++) {
    for (const l of lists) if (l[i]) out.push(l[i]!);
  }
  return out;
}

export function planWaves(candidates: readonly WaveCandidate[], specs: readonly WaveSpec[]): PlannedItem[] {
  const sizes = waveSizes(specs, candidates.length);
  if (sizes.length === 0) return [];
  const out: PlannedItem[] = [];
  let remaining = [...candidates].sort(compareBySeverity);
  if (sizes.length > 1) {
    const canary = canaryOrder(candidates).slice(0, sizes[0]);
    const picked = new Set(canary.map((c) => c.connectorId));
    for (const c of canary) out.push({ connectorId: c.connectorId, wave: 0 });
    remaining = remaining.filter((c) => !picked.has(c.connectorId));
  }
  let wave = sizes.length > 1 ? 1 : 0;
  let taken = 0;
  for (const c of remaining) {
    while (wave < sizes.length - 1 && taken >= sizes[wave]!) {
      wave++;
      taken = 0;
    }
    out.push({ connectorId: c.connectorId, wave });
    taken++;
  }
  return out;
}
