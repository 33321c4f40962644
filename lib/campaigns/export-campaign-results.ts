/**
 * A campaign's results as CSV, one line at a time (an async generator, so a route handler can
 * stream 3,600+ rows without holding them): keyset pages of 1,000 items. Cells are escaped and
 * guarded against formula injection (lib/reports/csv.ts).
 */
import type { Db } from '@/lib/db';
import type { Principal } from '@/lib/auth/principal';
import { RekeyError } from '@/lib/errors';
import { csvLine } from '@/lib/csv';
import { requireCampaignScope, requireUuid } from '@/lib/campaigns/campaign-access';
import type { UseCaseContext } from '@/lib/use-case';

export const CAMPAIGN_RESULT_COLUMNS = [
  'tenant',
  'entra_tenant_id',
  'region',
  'connector',
  'app_id',
  'wave',
  'item_state',
  'message',
  'rotation_id',
  'rotation_state',
  'from_sha1',
  'to_sha1',
  'started_at',
  'finished_at',
] as const;

interface Row {
  id: string;
  tenant: string;
  entraTenantId: string;
  region: string;
  connector: string;
  appId: string;
  wave: number;
  state: string;
  message: string | null;
  rotationId: string | null;
  rotationState: string | null;
  fromSha1: string | null;
  toSha1: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export async function* exportCampaignResults(
  db: Db,
  campaignId: string,
  opts: { principal?: Principal; pageSize?: number } = {},
): AsyncGenerator<string> {
  requireUuid(campaignId);
  if (!(await db.campaign.findUnique({ where: { id: campaignId }, select: { id: true } })))
    throw new RekeyError('NOT_FOUND', `Campaign ${campaignId} not found.`);
  await requireCampaignScope(db, campaignId, opts.principal, 'viewer');
  yield csvLine(CAMPAIGN_RESULT_COLUMNS);
  const size = opts.pageSize ?? 1_000;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await db.$queryRaw<Row[]>`
      SELECT ci.id, t."displayName" AS tenant, t."entraTenantId"::text AS "entraTenantId", t.region, c."displayName" AS connector, c."appId",
             ci.wave, ci.state::text AS state, ci.message, r.id AS "rotationId", r.state::text AS "rotationState",
             fc."sha1Thumbprint" AS "fromSha1", tc."sha1Thumbprint" AS "toSha1", r."startedAt", r."finishedAt"
      FROM "CampaignItem" ci
      JOIN "Connector" c ON c.id = ci."connectorId" JOIN "Tenant" t ON t.id = c."tenantId"
      LEFT JOIN "Rotation" r ON r.id = ci."rotationId"
      LEFT JOIN "Certificate" fc ON fc.id = r."fromCertificateId" LEFT JOIN "Certificate" tc ON tc.id = r."toCertificateId"
      WHERE ci."campaignId" = ${campaignId}::uuid AND ci.id > ${after}::uuid
      ORDER BY ci.id LIMIT ${size}`;
    for (const r of rows) {
      yield csvLine([
        r.tenant,
        r.entraTenantId,
        r.region,
        r.connector,
        r.appId,
        r.wave,
        r.state,
        r.message,
        r.rotationId,
        r.rotationState,
        r.fromSha1,
        r.toSha1,
        r.startedAt,
        r.finishedAt,
      ]);
    }
    if (rows.length < size) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** A campaign's results as CSV lines for the caller (refused outside `ctx.principal`'s scope). */
export function exportCampaignResultsFor(
  ctx: Pick<UseCaseContext, 'db' | 'principal'>,
  input: { campaignId: string },
): AsyncGenerator<string> {
  return exportCampaignResults(ctx.db, input.campaignId, { principal: ctx.principal });
}
