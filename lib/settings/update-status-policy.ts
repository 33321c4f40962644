/**
 * Settings › Status policy: store `policy.status` with its audit event in one transaction, then
 * re-classify every connector under the new policy (in batches, each with its own audit event,
 * as lib/detection/reclassify-connectors does) and report how many changed status.
 */
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import type { Prisma } from '@/lib/db';
import { STATUS_POLICY_KEY } from '@/lib/detection/detection-settings';
import { reclassifyConnectors } from '@/lib/detection/reclassify-connectors';
import type { UseCaseContext } from '@/lib/use-case';
import { requireSettingsAdmin } from '@/lib/settings/require-settings-admin';
import { StatusPolicySchema, type StatusPolicy } from '@/lib/status/classify-connector';

export async function updateStatusPolicy(ctx: UseCaseContext, input: StatusPolicy) {
  requireSettingsAdmin(ctx, 'Changing the status policy');
  const policy = StatusPolicySchema.parse(input);
  const before = await ctx.db.$transaction(async (tx) => {
    const old = await tx.setting.findUnique({ where: { key: STATUS_POLICY_KEY } });
    await tx.setting.upsert({
      where: { key: STATUS_POLICY_KEY },
      create: { key: STATUS_POLICY_KEY, value: policy as Prisma.InputJsonValue, updatedById: ctx.actor.id },
      update: { value: policy as Prisma.InputJsonValue, updatedById: ctx.actor.id },
    });
    await appendAuditEvent(
      tx,
      ctx.actor,
      {
        action: 'settings.update',
        targetType: 'setting',
        targetId: STATUS_POLICY_KEY,
        before: old?.value ?? null,
        after: policy,
      },
      ctx.now,
    );
    return old?.value ?? null;
  });
  const result = await reclassifyConnectors(
    ctx.db,
    { all: true },
    { now: ctx.now, actor: ctx.actor, reason: `settings ${STATUS_POLICY_KEY}` },
  );
  return { policy, before, examined: result.examined, changed: result.changed };
}
