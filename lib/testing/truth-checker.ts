/**
 * The truth checker (tests only): reads the simulator's ground truth — every tenant's apps and
 * their credentials, and who can be read — and computes what Rekey should say, then compares it
 * with what Rekey shows (figures read from the browser, `rekey … --json` or the lib functions).
 *
 * What Rekey should say:
 * - exposed: connectors of tenants Rekey reads now (access ok) whose app holds a credential an
 *   advisory names, plus connectors last known exposed in tenants it cannot read now (they stay
 *   exposed until a successful scan proves otherwise);
 * - no access / not scanned recently: the tenants in each access state (lib/fleet/tenant-access);
 *   a tenant the simulator refuses is never shown as readable, and a tenant whose apps hold a
 *   compromised key is never silently fine (either counted exposed or in one of those tiles);
 * - drift: a connector whose app holds a credential Rekey did not put there is drift or worse.
 */
import type { Db } from '@/lib/db';
import { isExposedStatus } from '@/lib/fleet/fleet-figures';
import { loadMaxScanAgeHours, tenantAccess, type TenantAccess } from '@/lib/fleet/tenant-access';
import type { SimTenant } from '@/lib/testing/simulator-read';

export interface ShownFigures {
  exposed: number;
  noAccess: number;
  notScannedRecently: number;
}

export interface TruthCheck {
  expected: ShownFigures;
  /** One line per claim the simulator contradicts; empty when Rekey tells the truth. */
  mismatches: string[];
}

const WORSE_THAN_DRIFT = new Set(['targeted', 'compromised', 'expired', 'drift']);

/** The SHA-1 thumbprints advisories name (uppercase hex). */
export async function compromisedThumbprints(db: Db): Promise<Set<string>> {
  const rows = await db.$queryRaw<{ value: string }[]>`
    SELECT DISTINCT upper(value) AS value FROM "AdvisoryIndicator" WHERE kind = 'sha1'`;
  return new Set(rows.map((r) => r.value));
}

export async function checkTruth(
  db: Db,
  sim: SimTenant[],
  opts: { now: Date; shown: ShownFigures; compromised?: Set<string> },
): Promise<TruthCheck> {
  const compromised = opts.compromised ?? (await compromisedThumbprints(db));
  const maxScanAgeHours = await loadMaxScanAgeHours(db);
  const simById = new Map(sim.map((t) => [t.entraTenantId, t]));
  const tenants = await db.tenant.findMany({
    where: { entraTenantId: { in: sim.map((t) => t.entraTenantId) } },
    select: {
      entraTenantId: true,
      displayName: true,
      consentState: true,
      consentDetail: true,
      lastScanAt: true,
      lastScanError: true,
      connectors: {
        select: {
          appId: true,
          displayName: true,
          status: true,
          expectedThumbprints: true,
          currentCertificate: { select: { sha1Thumbprint: true } },
        },
      },
    },
  });
  const mismatches: string[] = [];
  const expected: ShownFigures = { exposed: 0, noAccess: 0, notScannedRecently: 0 };
  const counted: Record<TenantAccess, number> = { no_access: 0, not_scanned_recently: 0, ok: 0 };
  for (const t of tenants) {
    const truth = simById.get(t.entraTenantId)!;
    const { access } = tenantAccess(t, opts.now, maxScanAgeHours);
    counted[access]++;
    const holdsCompromised = truth.apps.some((a) => a.sha1.some((s) => compromised.has(s)));
    if (!truth.readable && access === 'ok')
      mismatches.push(`${t.displayName}: the simulator refuses Rekey, but Rekey shows the tenant as readable`);
    if (access !== 'ok') {
      expected.exposed += t.connectors.filter((c) => isExposedStatus(c.status)).length;
      continue;
    }
    if (holdsCompromised && !t.connectors.length)
      mismatches.push(`${t.displayName}: an app holds a compromised credential, but Rekey lists no connector`);
    for (const c of t.connectors) {
      const app = truth.apps.find((a) => a.appId === c.appId);
      const held = app?.sha1 ?? [];
      const exposed = held.some((s) => compromised.has(s));
      if (exposed) expected.exposed++;
      if (exposed !== isExposedStatus(c.status))
        mismatches.push(
          `${t.displayName} / ${c.displayName}: the app ${exposed ? 'holds' : 'does not hold'} a compromised credential, but Rekey says ${c.status}`,
        );
      const known = new Set([
        ...c.expectedThumbprints.map((x) => x.toUpperCase()),
        ...(c.currentCertificate ? [c.currentCertificate.sha1Thumbprint.toUpperCase()] : []),
      ]);
      const unknown = held.filter((s) => !known.has(s));
      if (unknown.length && !WORSE_THAN_DRIFT.has(c.status))
        mismatches.push(
          `${t.displayName} / ${c.displayName}: the app holds ${unknown.length} credential(s) Rekey did not add (${unknown.join(', ')}), but Rekey says ${c.status}`,
        );
    }
  }
  expected.noAccess = counted.no_access;
  expected.notScannedRecently = counted.not_scanned_recently;
  for (const k of ['exposed', 'noAccess', 'notScannedRecently'] as const)
    if (opts.shown[k] !== expected[k])
      mismatches.push(`${k}: Rekey shows ${opts.shown[k]}, the truth is ${expected[k]}`);
  return { expected, mismatches };
}
