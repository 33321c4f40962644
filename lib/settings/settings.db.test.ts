import { describe, expect, it } from 'vitest';
import { principal } from '@/lib/campaigns/testing/campaign-fixture';
import { db } from '@/lib/db';
import { STATUS_POLICY_KEY, VENDOR_CIDRS_KEY } from '@/lib/detection/detection-settings';
import { updateStatusPolicy } from '@/lib/settings/update-status-policy';
import { updateVendorCidrs } from '@/lib/settings/update-vendor-cidrs';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const now = new Date('2026-12-01T12:00:00Z');
const admin = principal('admin');
const ctx = createUseCaseContext({ actor: { id: admin.userId, label: admin.email }, now, principal: admin });
const asOperator = createUseCaseContext({ ...ctx, principal: principal('operator') });

describe('the status policy', () => {
  it('is saved with its audit event by an admin and refused for an operator', async () => {
    await expect(
      updateStatusPolicy(asOperator, { expiringWithinDays: 10, maxAgeDays: 100, maxScanAgeHours: 24 }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await db.setting.findUnique({ where: { key: STATUS_POLICY_KEY } })).toBeNull();
    const r = await updateStatusPolicy(ctx, { expiringWithinDays: 10, maxAgeDays: 100, maxScanAgeHours: 24 });
    expect(r).toMatchObject({ policy: { expiringWithinDays: 10, maxAgeDays: 100, maxScanAgeHours: 24 }, before: null });
    expect((await db.setting.findUniqueOrThrow({ where: { key: STATUS_POLICY_KEY } })).value).toEqual({
      expiringWithinDays: 10,
      maxAgeDays: 100,
      maxScanAgeHours: 24,
    });
    expect(
      await db.auditEvent.count({
        where: { action: 'settings.update', targetId: STATUS_POLICY_KEY, actorLabel: admin.email },
      }),
    ).toBe(1);
  });
});

describe('the vendor ranges', () => {
  it('saves nothing when one line is bad, naming the line; saves the de-duplicated list otherwise', async () => {
    await expect(updateVendorCidrs(ctx, '203.0.113.0/24\n# office\nnot an address')).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('line 3') as unknown,
    });
    expect(await db.setting.findUnique({ where: { key: VENDOR_CIDRS_KEY } })).toBeNull();
    const r = await updateVendorCidrs(ctx, '203.0.113.0/24\n\n203.0.113.0/24\n198.51.100.7');
    expect(r.cidrs).toEqual(['203.0.113.0/24', '198.51.100.7']);
    expect((await db.setting.findUniqueOrThrow({ where: { key: VENDOR_CIDRS_KEY } })).value).toEqual(r.cidrs);
    await expect(updateVendorCidrs(asOperator, '198.51.100.7')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
