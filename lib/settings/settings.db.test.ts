import { describe, expect, it } from 'vitest';
import { principal } from '@/lib/campaigns/testing/campaign-fixture';
import { db } from '@/lib/db';
import { STATUS_POLICY_KEY, VENDOR_CIDRS_KEY } from '@/lib/detection/detection-settings';
import { updateStatusPolicy } from '@/lib/settings/update-status-policy';
import { updateVendorCidrs } from '@/lib/settings/update-vendor-cidrs';
import { listConnectorTypes, saveConnectorType, SaveConnectorTypeSchema } from '@/lib/settings/save-connector-type';
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

describe('connector types', () => {
  const GRAPH = '00000003-0000-0000-c000-000000000000';
  const MAIL_READ = '810c84a8-4a9e-49e6-bf7d-12d183f40d01';
  const input = (over: Record<string, unknown> = {}) =>
    SaveConnectorTypeSchema.parse({
      name: 'Backup Vault',
      vendor: 'Fabrikam',
      displayNamePattern: 'Backup Vault*',
      requiredResourceAccess: JSON.stringify([
        { resourceAppId: GRAPH, resourceAccess: [{ id: MAIL_READ, type: 'Role' }] },
      ]),
      ...over,
    });

  it('creates and edits a type with its audit events; an operator and a bad permission list write nothing', async () => {
    await expect(saveConnectorType(asOperator, input())).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const bad = input({ requiredResourceAccess: JSON.stringify([{ resourceAppId: 'x', resourceAccess: [] }]) });
    const e = await saveConnectorType(ctx, bad).catch((err: unknown) => err);
    expect(e).toMatchObject({ code: 'BAD_INPUT' });
    expect((e as { details: { fieldErrors: { requiredResourceAccess: string[] } } }).details.fieldErrors).toEqual({
      requiredResourceAccess: [
        '[0].[resourceAppId] must be a GUID',
        '[0].[resourceAccess] name at least one permission',
      ],
    });
    expect(await db.connectorType.count({ where: { name: 'Backup Vault' } })).toBe(0);

    const created = await saveConnectorType(ctx, input());
    expect(created.created).toBe(true);
    const edited = await saveConnectorType(ctx, input({ id: created.id, vendor: 'Fabrikam Ltd' }));
    expect(edited).toEqual({ id: created.id, created: false });
    const row = (await listConnectorTypes(ctx)).find((t) => t.id === created.id);
    expect(row).toMatchObject({
      vendor: 'Fabrikam Ltd',
      requiredResourceAccess: [{ resourceAppId: GRAPH }],
      _count: { connectors: 0 },
    });
    expect(
      (await db.auditEvent.findMany({ where: { targetId: created.id }, orderBy: { seq: 'asc' } })).map((a) => a.action),
    ).toEqual(['connector_type.create', 'connector_type.update']);
    await expect(saveConnectorType(ctx, input())).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
