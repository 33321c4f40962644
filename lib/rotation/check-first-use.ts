/**
 * Step 6 of the wizard (optional): has the vendor's service signed in with the new key since the
 * rotation finished? Reads the tenant's sign-in logs through the caller's Graph access. Rekey's own
 * verification sign-in with the new key happens before the rotation finishes, so only later
 * sign-ins count as the vendor's.
 */
import { getDetectionSettings } from '@/lib/detection/detection-settings';
import { findFirstUseAfter, type FirstUseResult } from '@/lib/detection/first-use-after-rotation';
import { RekeyError } from '@/lib/errors';
import { getRotationEvidence } from '@/lib/rotation/get-rotation-evidence';
import type { UseCaseContext } from '@/lib/use-case';

export type FirstUseView =
  | { status: 'used'; at: string; ipAddress: string; fromVendorRange: boolean; resource: string | null }
  | { status: 'not_yet'; checkedSignIns: number; checkedAt: string }
  | { status: 'unavailable'; message: string };

export async function checkFirstUse(ctx: UseCaseContext, input: { rotationId: string }): Promise<FirstUseView> {
  const ev = await getRotationEvidence(ctx, { rotationId: input.rotationId });
  if (ev.rotation.state !== 'SUCCEEDED' || !ev.rotation.finishedAt)
    throw new RekeyError('CONFLICT', "The vendor's first sign-in can be checked once the rotation has succeeded.");
  const { vendorCidrs } = await getDetectionSettings(ctx);
  const r: FirstUseResult = await findFirstUseAfter(ctx.graph(ev.tenant.entraTenantId).gateway, {
    tenant: { id: ev.tenant.entraTenantId, name: ev.tenant.displayName },
    appId: ev.connector.appId,
    keyId: ev.facts.add?.keyId ?? undefined,
    sha1: ev.to.sha1,
    after: ev.rotation.finishedAt,
    vendorCidrs,
  });
  if (r.status === 'used')
    return {
      status: 'used',
      at: r.at.toISOString(),
      ipAddress: r.ipAddress,
      fromVendorRange: r.fromVendorRange,
      resource: r.resource,
    };
  if (r.status === 'not_yet')
    return { status: 'not_yet', checkedSignIns: r.checkedSignIns, checkedAt: ctx.now.toISOString() };
  return { status: 'unavailable', message: r.message };
}
