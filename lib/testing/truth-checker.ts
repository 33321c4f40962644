/**
 * The truth checker (tests only): reads the simulator's ground truth — every tenant's apps and
 * their credentials, and who can be read — and computes what Rekey should say, then compares it
 * with what Rekey shows: figures read from the browser (overview tiles, the lists behind them, the
 * security report), `rekey … --json`, or the lib functions, each claim named by where it was read.
 *
 * What Rekey should say:
 * - exposed: connectors of tenants Rekey reads now (access ok) whose app holds a credential an
 *   advisory names, plus connectors last known exposed in tenants it cannot read now (they stay
 *   exposed until a successful scan proves otherwise);
 * - no access / not scanned recently: the tenants in each access state (lib/fleet/tenant-access);
 *   a tenant the simulator refuses is never shown as readable, and a tenant whose apps hold a
 *   compromised key is never silently fine (either counted exposed or in one of those tiles);
 * - drift: a connector whose app holds a credential Rekey did not put there is drift or worse, in
 *   Rekey's records and in every list or page that shows the connector.
 * A contradiction in a tenant Rekey counts as readable is named with its last successful scan
 * ("stale"): the simulator changed behind Rekey's back and Rekey has not looked since.
 *
 * Campaigns (`checkCampaignClaims`): an item shown succeeded (or skipped as verified on the target)
 * and a campaign shown "Completed" must hold the new credential and not the one its rotation was
 * meant to remove, in the simulator.
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
export type Figure = keyof ShownFigures;

/** One number Rekey shows, and where it was read ("overview tile", "rekey connectors list --json"…). */
export interface FigureClaim {
  where: string;
  figure: Figure;
  value: number;
}
/** One connector as a list shows it (browser table, CLI JSON). */
export interface ConnectorClaim {
  where: string;
  entraTenantId: string;
  appId: string;
  status: string;
}
/** One tenant as a list shows it: its access state and (where the list shows it) how many of its connectors are exposed. */
export interface TenantClaim {
  where: string;
  entraTenantId: string;
  access: string;
  exposed?: number;
}
export interface Shown {
  figures?: FigureClaim[];
  connectors?: ConnectorClaim[];
  tenants?: TenantClaim[];
}

export interface TruthCheck {
  expected: ShownFigures;
  /** Per tenant (entraTenantId): its access state and exposed connectors, as Rekey should show them. */
  tenants: Map<string, { displayName: string; access: TenantAccess; exposed: number }>;
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

function claimsOf(shown: ShownFigures | Shown): Shown {
  if ('exposed' in shown && typeof shown.exposed === 'number') {
    const f = shown;
    return {
      figures: (['exposed', 'noAccess', 'notScannedRecently'] as const).map((k) => ({
        where: 'Rekey',
        figure: k,
        value: f[k],
      })),
    };
  }
  return shown as Shown;
}

export async function checkTruth(
  db: Db,
  sim: SimTenant[],
  opts: { now: Date; shown: ShownFigures | Shown; compromised?: Set<string> },
): Promise<TruthCheck> {
  const compromised = opts.compromised ?? (await compromisedThumbprints(db));
  const maxScanAgeHours = await loadMaxScanAgeHours(db);
  const simById = new Map(sim.map((t) => [t.entraTenantId, t]));
  const rows = await db.tenant.findMany({
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
  const tenants: TruthCheck['tenants'] = new Map();
  /**
   * Per `entraTenantId/appId`: whether Rekey should show the connector exposed, and the credentials
   * its app holds that Rekey did not add (read now; empty where the tenant cannot be read).
   */
  const connectorExposed = new Map<string, { name: string; exposed: boolean; unknown: string[] }>();
  for (const t of rows) {
    const truth = simById.get(t.entraTenantId)!;
    const { access } = tenantAccess(t, opts.now, maxScanAgeHours);
    counted[access]++;
    const stale = ` — stale: Rekey's last successful scan of ${t.displayName} was ${t.lastScanAt?.toISOString() ?? 'never'}, and it has not looked since`;
    const tenantRow = { displayName: t.displayName, access, exposed: 0 };
    tenants.set(t.entraTenantId, tenantRow);
    const holdsCompromised = truth.apps.some((a) => a.sha1.some((s) => compromised.has(s)));
    if (!truth.readable && access === 'ok')
      mismatches.push(`${t.displayName}: the simulator refuses Rekey, but Rekey shows the tenant as readable${stale}`);
    // Unreadable (to Rekey or, behind its back, in the simulator): the last known state stands.
    if (access !== 'ok' || !truth.readable) {
      for (const c of t.connectors) {
        const exposed = isExposedStatus(c.status);
        if (exposed) tenantRow.exposed++;
        connectorExposed.set(`${t.entraTenantId}/${c.appId}`, {
          name: `${t.displayName} / ${c.displayName}`,
          exposed,
          unknown: [],
        });
      }
      expected.exposed += tenantRow.exposed;
      continue;
    }
    if (holdsCompromised && !t.connectors.length)
      mismatches.push(`${t.displayName}: an app holds a compromised credential, but Rekey lists no connector${stale}`);
    for (const c of t.connectors) {
      const app = truth.apps.find((a) => a.appId === c.appId);
      const held = app?.sha1 ?? [];
      const exposed = held.some((s) => compromised.has(s));
      if (exposed) tenantRow.exposed++;
      if (exposed !== isExposedStatus(c.status))
        mismatches.push(
          `${t.displayName} / ${c.displayName}: the app ${exposed ? 'holds' : 'does not hold'} a compromised credential, but Rekey says ${c.status}${stale}`,
        );
      const known = new Set([
        ...c.expectedThumbprints.map((x) => x.toUpperCase()),
        ...(c.currentCertificate ? [c.currentCertificate.sha1Thumbprint.toUpperCase()] : []),
      ]);
      const unknown = held.filter((s) => !known.has(s));
      connectorExposed.set(`${t.entraTenantId}/${c.appId}`, {
        name: `${t.displayName} / ${c.displayName}`,
        exposed,
        unknown,
      });
      if (unknown.length && !WORSE_THAN_DRIFT.has(c.status))
        mismatches.push(
          `${t.displayName} / ${c.displayName}: the app holds ${unknown.length} credential(s) Rekey did not add (${unknown.join(', ')}), but Rekey says ${c.status}${stale}`,
        );
    }
    expected.exposed += tenantRow.exposed;
  }
  expected.noAccess = counted.no_access;
  expected.notScannedRecently = counted.not_scanned_recently;

  const shown = claimsOf(opts.shown);
  // A figure counts every tenant Rekey holds; one the read did not cover cannot be checked, so say so
  // instead of reporting a wrong count as a lie.
  if (shown.figures?.length) {
    const unread = await db.tenant.findMany({
      where: { entraTenantId: { notIn: sim.map((t) => t.entraTenantId) } },
      select: { displayName: true },
      orderBy: { displayName: 'asc' },
    });
    if (unread.length)
      mismatches.push(
        `the simulator read does not cover ${unread.length} tenant(s) Rekey holds (${unread
          .slice(0, 5)
          .map((t) => t.displayName)
          .join(', ')}), so the figures cannot be checked — read every tenant`,
      );
  }
  for (const f of shown.figures ?? [])
    if (f.value !== expected[f.figure])
      mismatches.push(`${f.figure}: ${f.where} shows ${f.value}, the truth is ${expected[f.figure]}`);
  for (const t of shown.tenants ?? []) {
    const e = tenants.get(t.entraTenantId);
    if (!e) continue;
    if (t.access !== e.access)
      mismatches.push(`${e.displayName}: ${t.where} shows access ${t.access}, the truth is ${e.access}`);
    if (t.exposed !== undefined && t.exposed !== e.exposed)
      mismatches.push(
        `${e.displayName}: ${t.where} shows ${t.exposed} exposed connector(s), the truth is ${e.exposed}`,
      );
  }
  for (const c of shown.connectors ?? []) {
    const e = connectorExposed.get(`${c.entraTenantId}/${c.appId}`);
    if (!simById.has(c.entraTenantId)) continue;
    if (!e) {
      mismatches.push(`${c.where} lists connector app ${c.appId} in ${c.entraTenantId}, which Rekey does not hold`);
      continue;
    }
    if (isExposedStatus(c.status) !== e.exposed)
      mismatches.push(`${e.name}: ${c.where} shows ${c.status}, the truth is ${e.exposed ? 'exposed' : 'not exposed'}`);
    // A credential Rekey did not add is drift (or a worse status that wins over it), never "healthy".
    if (e.unknown.length && !WORSE_THAN_DRIFT.has(c.status))
      mismatches.push(
        `${e.name}: ${c.where} shows ${c.status}, but the app holds ${e.unknown.length} credential(s) Rekey did not add (${e.unknown.join(', ')})`,
      );
  }
  return { expected, tenants, mismatches };
}

/** What a campaign shows: its outcome label and each item's state (from the page, the CSV or the CLI). */
export interface CampaignClaims {
  where: string;
  outcome: string;
  items: { entraTenantId: string; appId: string; state: string; message?: string | null }[];
}

/**
 * Compares a campaign's claims with the simulator: every item shown SUCCEEDED, or SKIPPED as
 * verified on the target, and every item of a campaign shown "Completed", must hold the campaign's
 * new credential and not the one its rotation was meant to remove. A campaign shown "Finished with
 * exceptions" must have at least one item the simulator does not show on its new credential, or
 * one that did not end as intended. Returns one line per contradiction, naming tenant and connector.
 */
export async function checkCampaignClaims(
  db: Db,
  sim: SimTenant[],
  campaignId: string,
  claims: CampaignClaims[],
): Promise<{ onTarget: Map<string, boolean>; mismatches: string[] }> {
  const items = await db.$queryRaw<
    {
      entraTenantId: string;
      tenant: string;
      connector: string;
      appId: string;
      newSha1: string | null;
      oldSha1: string | null;
    }[]
  >`
    SELECT t."entraTenantId"::text AS "entraTenantId", t."displayName" AS tenant, c."displayName" AS connector, c."appId",
           upper(nc."sha1Thumbprint") AS "newSha1", upper(oc."sha1Thumbprint") AS "oldSha1"
    FROM "CampaignItem" ci JOIN "Connector" c ON c.id = ci."connectorId" JOIN "Tenant" t ON t.id = c."tenantId"
    LEFT JOIN "CampaignRegionCertificate" crc ON crc."campaignId" = ci."campaignId" AND crc.region = t.region
    LEFT JOIN "Certificate" nc ON nc.id = crc."certificateId"
    LEFT JOIN "Rotation" r ON r.id = ci."rotationId" LEFT JOIN "Certificate" oc ON oc.id = r."fromCertificateId"
    WHERE ci."campaignId" = ${campaignId}::uuid`;
  const simById = new Map(sim.map((t) => [t.entraTenantId, t]));
  const onTarget = new Map<string, boolean>();
  const names = new Map<string, string>();
  const why = new Map<string, string>();
  for (const i of items) {
    const key = `${i.entraTenantId}/${i.appId}`;
    names.set(key, `${i.tenant} / ${i.connector}`);
    const t = simById.get(i.entraTenantId);
    const held = t?.apps.find((a) => a.appId === i.appId)?.sha1 ?? [];
    const reasons: string[] = [];
    if (!t) reasons.push('the simulator was not read for this tenant');
    else if (!t.readable) reasons.push('the simulator refuses to show the tenant');
    else {
      if (!i.newSha1 || !held.includes(i.newSha1)) reasons.push('the app does not hold the new credential');
      if (i.oldSha1 && held.includes(i.oldSha1)) reasons.push(`the app still holds the old credential ${i.oldSha1}`);
    }
    onTarget.set(key, reasons.length === 0);
    if (reasons.length) why.set(key, reasons.join(' and '));
  }
  const mismatches: string[] = [];
  for (const claim of claims) {
    const shownKeys = new Set(claim.items.map((x) => `${x.entraTenantId}/${x.appId}`));
    if (shownKeys.size !== onTarget.size)
      mismatches.push(`${claim.where} shows ${shownKeys.size} item(s), the campaign has ${onTarget.size}`);
    for (const x of claim.items) {
      const key = `${x.entraTenantId}/${x.appId}`;
      const state = x.state.toUpperCase();
      const claimsDone =
        state === 'SUCCEEDED' || (state === 'SKIPPED' && /^Verified on the target/.test(x.message ?? ''));
      if (claimsDone && !onTarget.get(key))
        mismatches.push(
          `${names.get(key) ?? key}: ${claim.where} says ${x.state.toLowerCase()}, but ${why.get(key) ?? 'it is not in the campaign'}`,
        );
    }
    if (/^Completed/i.test(claim.outcome))
      for (const [key, ok] of onTarget)
        if (!ok) mismatches.push(`${names.get(key)}: ${claim.where} says Completed, but ${why.get(key)}`);
    if (/^Finished with exceptions/i.test(claim.outcome)) {
      const exceptional = claim.items.some((x) => !['SUCCEEDED', 'SKIPPED'].includes(x.state.toUpperCase()));
      if (!exceptional && [...onTarget.values()].every(Boolean))
        mismatches.push(`${claim.where} says Finished with exceptions, but every item is on its new credential`);
    }
  }
  return { onTarget, mismatches };
}
