/**
 * Settings › Detection: the vendor's known egress ranges (`detection.vendorCidrs`). Every line is
 * validated (a wrong list would hide an attacker, so nothing is saved when one line is bad); the
 * setting and its audit event commit together; then every connector is re-classified, since
 * "targeted" depends on which addresses count as the vendor's.
 */
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import type { Prisma } from '@/lib/db';
import { VENDOR_CIDRS_KEY, VendorCidrsSchema } from '@/lib/detection/detection-settings';
import { reclassifyConnectors } from '@/lib/detection/reclassify-connectors';
import type { UseCaseContext } from '@/lib/use-case';
import { requireSettingsAdmin } from '@/lib/settings/require-settings-admin';
import { RekeyError } from '@/lib/errors';

/** One address or range per line; blank lines and `#` comments skipped. Errors name the line. */
export function parseCidrLines(text: string): string[] {
  const entries = text
    .split(/\r?\n/)
    .map((l, i) => ({ line: i + 1, value: l.replace(/#.*/, '').trim() }))
    .filter((e) => e.value !== '');
  const parsed = VendorCidrsSchema.safeParse(entries.map((e) => e.value));
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => {
      const idx = typeof i.path[0] === 'number' ? i.path[0] : null;
      return idx !== null && entries[idx] ? `line ${entries[idx].line}: ${i.message}` : i.message;
    });
    throw new RekeyError('BAD_INPUT', `Nothing was saved; fix these lines:\n${errors.join('\n')}`, {
      fieldErrors: { cidrs: errors },
    });
  }
  return [...new Set(parsed.data)];
}

export async function updateVendorCidrs(ctx: UseCaseContext, text: string) {
  requireSettingsAdmin(ctx, 'Changing the vendor ranges');
  const cidrs = parseCidrLines(text);
  await ctx.db.$transaction(async (tx) => {
    const old = await tx.setting.findUnique({ where: { key: VENDOR_CIDRS_KEY } });
    await tx.setting.upsert({
      where: { key: VENDOR_CIDRS_KEY },
      create: { key: VENDOR_CIDRS_KEY, value: cidrs as Prisma.InputJsonValue, updatedById: ctx.actor.id },
      update: { value: cidrs as Prisma.InputJsonValue, updatedById: ctx.actor.id },
    });
    await appendAuditEvent(
      tx,
      ctx.actor,
      {
        action: 'settings.update',
        targetType: 'setting',
        targetId: VENDOR_CIDRS_KEY,
        before: old?.value ?? null,
        after: cidrs,
      },
      ctx.now,
    );
  });
  const result = await reclassifyConnectors(
    ctx.db,
    { all: true },
    { now: ctx.now, actor: ctx.actor, reason: `settings ${VENDOR_CIDRS_KEY}` },
  );
  return { cidrs, examined: result.examined, changed: result.changed };
}
