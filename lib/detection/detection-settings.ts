/**
 * The settings detection reads: the status policy (`policy.status`) and the vendor's known egress
 * ranges (`detection.vendorCidrs`). A bad stored value is a configuration error that names the
 * setting, never a silent default — a wrong CIDR list would hide an attacker.
 */
import { z } from 'zod';
import { jsonRowsSql, Prisma, queryRows, type Db } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { parseCidr } from '@/lib/detection/cidr';
import { StatusPolicySchema, type StatusPolicy } from '@/lib/status/classify-connector';
import type { UseCaseContext } from '@/lib/use-case';

export const VENDOR_CIDRS_KEY = 'detection.vendorCidrs';
export const STATUS_POLICY_KEY = 'policy.status';

export const VendorCidrsSchema = z
  .array(z.string().trim().max(64))
  .max(1_000)
  .superRefine((list, ctx) => {
    list.forEach((c, i) => {
      if (!parseCidr(c))
        ctx.addIssue({ code: 'custom', path: [i], message: `'${c}' is not an IPv4/IPv6 address or CIDR range` });
    });
  });

export interface DetectionSettings {
  policy: StatusPolicy;
  vendorCidrs: string[];
}

/** The two detection settings' rows as one JSON array of `{ key, value }`, for a statement that reads more. */
export const detectionSettingsJsonSql = jsonRowsSql(
  Prisma.sql`SELECT "key", "value" FROM "Setting" WHERE "key" IN (${VENDOR_CIDRS_KEY}, ${STATUS_POLICY_KEY})`,
  'x."key"',
);

export async function loadDetectionSettings(db: Db | Prisma.TransactionClient): Promise<DetectionSettings> {
  // Raw: the fleet pages and scans read it (reclassification embeds detectionSettingsJsonSql).
  const [row] = await queryRows<{ settings: { key: string; value: unknown }[] }>(
    db,
    Prisma.sql`SELECT ${detectionSettingsJsonSql} AS settings`,
  );
  return detectionSettingsFrom(row!.settings);
}

/** The settings from their stored rows (absent → defaults); an invalid stored value throws CONFIG naming it. */
export function detectionSettingsFrom(rows: { key: string; value: unknown }[]): DetectionSettings {
  const get = (k: string) => rows.find((r) => r.key === k)?.value;
  const policy = StatusPolicySchema.safeParse(get(STATUS_POLICY_KEY) ?? {});
  if (!policy.success)
    throw new RekeyError(
      'CONFIG',
      `The setting ${STATUS_POLICY_KEY} is invalid: ${policy.error.issues.map((i) => i.message).join('; ')}`,
    );
  const cidrs = VendorCidrsSchema.safeParse(get(VENDOR_CIDRS_KEY) ?? []);
  if (!cidrs.success)
    throw new RekeyError(
      'CONFIG',
      `The setting ${VENDOR_CIDRS_KEY} is invalid: ${cidrs.error.issues.map((i) => i.message).join('; ')}`,
    );
  return { policy: policy.data, vendorCidrs: cidrs.data };
}

/** The detection settings, for a page or action (lib/use-case.ts); use cases inside a transaction use loadDetectionSettings(tx). */
export function getDetectionSettings(ctx: Pick<UseCaseContext, 'db'>): Promise<DetectionSettings> {
  return loadDetectionSettings(ctx.db);
}
