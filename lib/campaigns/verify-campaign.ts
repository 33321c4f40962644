/**
 * The final verification read before a campaign says done: once no item is queued or running,
 * read every tenant of the campaign's finished items once and check each connector app holds the
 * campaign's new credential and not the one its rotation was meant to remove.
 * - A SUCCEEDED item that passes is marked "Verified in the tenant …"; one that fails (the old
 *   key is back, the new one is gone) or whose tenant cannot be read becomes FAILED with the
 *   reason, so the campaign finishes with exceptions and can retry it.
 * - An item SKIPPED as "Already on the new certificate" that passes is marked "Verified on the
 *   target …" — only those count as success (`skippedOnTarget`); unverified skips stay exceptions.
 */
import { db, Prisma, type Db } from '@/lib/db';
import { isRekeyError } from '@/lib/errors';
import { describeKeyCredential } from '@/lib/graph/describe-key-credential';
import { getGraphEnvironment } from '@/lib/graph/graph-environment';
import { tenantRefOf, type GraphGateway } from '@/lib/graph/graph-gateway';
import type { CredentialTarget } from '@/lib/graph/graph-types';
import { listKeyCredentialsBatch } from '@/lib/graph/list-key-credentials';
import { mapPool } from '@/lib/detection/detection-context';

import { ALREADY_ON_TARGET, VERIFIED_ON_TARGET, VERIFIED_SUCCESS } from '@/lib/campaigns/campaign-outcome';

export { ALREADY_ON_TARGET, VERIFIED_ON_TARGET, VERIFIED_SUCCESS };

const READ_ATTEMPTS = 5;
const RETRY_DELAY_MS = 500;
/**
 * Tenants read at the same time. Each read is one `$batch` round trip to a different tenant (the
 * per-tenant limits never bind; the gateway's per-app budgets and global concurrency still
 * apply): one at a time, 600 tenants took ~35 s of round trips after the last rotation ended.
 */
export const VERIFY_CONCURRENCY = 16;

interface Row {
  id: string;
  state: 'SUCCEEDED' | 'SKIPPED';
  tenantId: string;
  entraTenantId: string;
  tenantName: string;
  tokenGeneration: number;
  appObjectId: string;
  spObjectId: string | null;
  newSha1: string | null;
  oldSha1: string | null;
}

/**
 * Items still to verify. `slice`: only SUCCEEDED ones, the longest finished first, at most this
 * many (the reads while the campaign runs); else all of them (the final read).
 */
async function unverified(d: Db, campaignId: string, slice?: number): Promise<Row[]> {
  const succeeded = Prisma.sql`ci.state = 'SUCCEEDED' AND (ci.message IS NULL OR ci.message NOT LIKE ${`${VERIFIED_SUCCESS}%`})`;
  const which =
    slice === undefined
      ? Prisma.sql`((${succeeded}) OR (ci.state = 'SKIPPED' AND ci.message = ${ALREADY_ON_TARGET}))`
      : Prisma.sql`${succeeded} ORDER BY ci."updatedAt", ci.id LIMIT ${slice}`;
  return d.$queryRaw<Row[]>`
    SELECT ci.id, ci.state::text AS state, t.id AS "tenantId", t."entraTenantId"::text AS "entraTenantId", t."displayName" AS "tenantName",
           t."tokenGeneration", c."appObjectId", c."spObjectId", upper(nc."sha1Thumbprint") AS "newSha1", upper(oc."sha1Thumbprint") AS "oldSha1"
    FROM "CampaignItem" ci JOIN "Connector" c ON c.id = ci."connectorId" JOIN "Tenant" t ON t.id = c."tenantId"
    LEFT JOIN "CampaignRegionCertificate" crc ON crc."campaignId" = ci."campaignId" AND crc.region = t.region
    LEFT JOIN "Certificate" nc ON nc.id = crc."certificateId"
    LEFT JOIN "Rotation" r ON r.id = ci."rotationId" LEFT JOIN "Certificate" oc ON oc.id = r."fromCertificateId"
    WHERE ci."campaignId" = ${campaignId}::uuid AND ${which}`;
}

/** True when nothing of the campaign is queued or running (the moment to verify). */
export async function readyToVerify(d: Db, campaignId: string): Promise<boolean> {
  const [r] = await d.$queryRaw<{ active: number; state: string }[]>`
    SELECT (SELECT count(*)::int FROM "CampaignItem" WHERE "campaignId" = ${campaignId}::uuid AND state IN ('QUEUED', 'RUNNING')) AS active,
           (SELECT state::text FROM "Campaign" WHERE id = ${campaignId}::uuid) AS state`;
  return r?.state === 'RUNNING' && r.active === 0;
}

/** Reads and verdicts of one call: `read` counts the items read, whatever their verdict. */
export interface VerifyResult {
  verified: number;
  failed: number;
  read: number;
}

/**
 * Reads the tenants of the campaign's unverified finished items and records a verdict on each.
 * `slice` (while the campaign runs): only succeeded items, at most that many.
 */
export async function verifyCampaignOnTargets(
  campaignId: string,
  opts: { now: Date; gateway?: GraphGateway; slice?: number },
): Promise<VerifyResult> {
  const rows = await unverified(db, campaignId, opts.slice);
  const out = { verified: 0, failed: 0, read: rows.length };
  if (rows.length === 0) return out;
  const gw = opts.gateway ?? getGraphEnvironment().gateway;
  const byTenant = new Map<string, Row[]>();
  for (const r of rows) byTenant.set(r.tenantId, [...(byTenant.get(r.tenantId) ?? []), r]);
  const at = opts.now.toISOString();
  // The verdicts, written together once every tenant was read (one statement, not one per item).
  const verdicts: { id: string; from: string; state: string; message: string }[] = [];
  const set = (r: Row, state: string, message: string) =>
    verdicts.push({ id: r.id, from: r.state, state, message: message.slice(0, 2000) });
  await mapPool([...byTenant.values()], VERIFY_CONCURRENCY, async (items) => {
    const first = items[0]!;
    const ref = tenantRefOf({
      entraTenantId: first.entraTenantId,
      displayName: first.tenantName,
      tokenGeneration: first.tokenGeneration,
    });
    const targets: CredentialTarget[] = items.flatMap((r) => [
      { on: 'application' as const, objectId: r.appObjectId },
      ...(r.spObjectId ? [{ on: 'servicePrincipal' as const, objectId: r.spObjectId }] : []),
    ]);
    // A read that fails (Graph unavailable, a dropped connection) is tried again before it can
    // fail an item: only a tenant that stays unreadable makes the campaign finish with exceptions.
    let creds: Awaited<ReturnType<typeof listKeyCredentialsBatch>> | null = null;
    let readError = '';
    for (let attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
      try {
        creds = await listKeyCredentialsBatch(gw, ref, targets);
        readError = '';
        const failed = [...creds.values()].find((x) => !x.ok);
        if (!failed || failed.ok || failed.error.code === 'NOT_FOUND') break;
        readError = failed.error.message;
      } catch (e) {
        creds = null;
        readError = isRekeyError(e) ? e.message : (e as Error).message;
      }
      if (attempt < READ_ATTEMPTS) await new Promise((r) => setTimeout(r, RETRY_DELAY_MS * attempt));
    }
    for (const r of items) {
      const held = new Set<string>();
      let problem = creds ? '' : `the final verification could not read the tenant: ${readError}`;
      for (const [id, on] of [
        [r.appObjectId, 'application'],
        [r.spObjectId, 'servicePrincipal'],
      ] as const) {
        if (!id || !creds) continue;
        const got = creds.get(id);
        if (!got) continue;
        if (!got.ok) {
          if (on === 'application') problem = `the final verification could not read the app: ${got.error.message}`;
          continue;
        }
        for (const k of got.keyCredentials) {
          const s = describeKeyCredential(k, on).sha1;
          if (s) held.add(s.toUpperCase());
        }
      }
      if (!problem && r.newSha1 && !held.has(r.newSha1))
        problem = `the final verification found the new credential ${r.newSha1} missing from the app`;
      if (!problem && r.oldSha1 && r.oldSha1 !== r.newSha1 && held.has(r.oldSha1))
        problem = `the final verification found the old credential ${r.oldSha1} still in the app`;
      if (r.state === 'SUCCEEDED') {
        if (problem) {
          set(r, 'FAILED', `Not done: ${problem}.`);
          out.failed++;
        } else {
          set(r, 'SUCCEEDED', `${VERIFIED_SUCCESS} at ${at}: the new credential is there, the old one gone.`);
          out.verified++;
        }
      } else if (!problem) {
        set(r, 'SKIPPED', `${VERIFIED_ON_TARGET} at ${at}: the app holds the new credential.`);
        out.verified++;
      }
    }
  });
  // Skips whose read found a problem keep their state and message: nothing to write for them.
  if (verdicts.length === 0) return out;
  await db.$executeRaw`
    UPDATE "CampaignItem" ci SET state = v.state::"CampaignItemState", message = v.message, "updatedAt" = ${opts.now}
    FROM unnest(${verdicts.map((v) => v.id)}::uuid[], ${verdicts.map((v) => v.from)}::text[],
                ${verdicts.map((v) => v.state)}::text[], ${verdicts.map((v) => v.message)}::text[]) AS v(id, "from", state, message)
    WHERE ci.id = v.id AND ci.state = v."from"::"CampaignItemState"`;
  return out;
}
