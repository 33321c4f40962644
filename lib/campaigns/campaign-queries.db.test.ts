import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import type { Actor } from '@/lib/audit/append-audit-event';
import { lockCampaign } from '@/lib/campaigns/campaign-access';
import { createCampaign } from '@/lib/campaigns/create-campaign';
import {
  campaignCreators,
  defaultCertificateFor,
  findCampaignSelection,
  getCampaignStartFacts,
  listCandidateCertificates,
  previewSelection,
  regionsOfConnectors,
} from '@/lib/campaigns/campaign-queries';
import { insertRealCertificate, installInertRotationDeps, principal } from '@/lib/campaigns/testing/campaign-fixture';
import { buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const now = new Date('2026-12-01T12:00:00Z');
const actor: Actor = { id: null, label: 'test' };
const admin = principal('admin');
const adminCtx = createUseCaseContext({ actor, now, principal: admin });
const adminName = `Queries Admin ${admin.userId.slice(0, 6)}`;

let alpha: Awaited<ReturnType<typeof buildTenant>>;
let bravo: Awaited<ReturnType<typeof buildTenant>>;
let euCert: { id: string };
let usCert: { id: string };

beforeAll(async () => {
  installInertRotationDeps(() => now);
  await db.user.create({ data: { id: admin.userId, email: admin.email, name: adminName } });
  euCert = await insertRealCertificate(db, 'CN=Queries EU 2027, O=Rekey Tests');
  usCert = await insertRealCertificate(db, 'CN=Queries US 2027, O=Rekey Tests');
  await db.certificate.update({ where: { id: euCert.id }, data: { region: 'EU' } });
  const type = await buildConnectorType(db, 'Queries');
  alpha = await buildTenant(db, {
    name: 'Queries Alpha',
    region: 'EU',
    group: 'QA',
    connectors: [{ status: 'compromised', typeId: type.id }],
  });
  bravo = await buildTenant(db, {
    name: 'Queries Bravo',
    region: 'US',
    group: 'QB',
    connectors: [{ status: 'compromised', typeId: type.id }],
  });
});

describe('campaign page queries (ctx, input)', () => {
  it('previews a selection within the principal’s operator scope only', async () => {
    const selection = { kind: 'list' as const, connectorIds: [alpha.connectors[0]!.id, bravo.connectors[0]!.id] };
    const all = await previewSelection(adminCtx, selection);
    expect(all).toMatchObject({ eligible: 2, tenants: 2, error: null });
    const scoped = createUseCaseContext({ actor, now, principal: principal('operator', { groups: ['QA'] }) });
    const mine = await previewSelection(scoped, { kind: 'filter', filters: { status: 'compromised' } });
    expect(mine.eligible + mine.skipped).toBe(1);
    expect(mine.regions.map((r) => r.region)).toEqual(['EU']);
    const outside = await previewSelection(scoped, selection);
    expect(outside).toMatchObject({ eligible: 0, error: expect.stringContaining('outside your scope') });
  });

  it('lists valid certificates, maps a region to its own certificate, and names the regions of connectors', async () => {
    const certs = await listCandidateCertificates(adminCtx);
    expect(certs.map((c) => c.id)).toEqual(expect.arrayContaining([euCert.id, usCert.id]));
    expect(defaultCertificateFor('EU', certs)).toBe(euCert.id);
    expect(await regionsOfConnectors(adminCtx, [alpha.connectors[0]!.id, bravo.connectors[0]!.id])).toEqual([
      'EU',
      'US',
    ]);
  });

  it('finds a draft’s selection for someone in scope, and NOT_FOUND for anyone else or a malformed id', async () => {
    const { campaign } = await createCampaign(adminCtx, {
      name: 'Queries draft',
      selection: { kind: 'list', connectorIds: [alpha.connectors[0]!.id, bravo.connectors[0]!.id] },
      regionCertificates: { EU: euCert.id, US: usCert.id },
      waves: [{ size: null }],
    });
    const found = await findCampaignSelection(adminCtx, campaign.id);
    expect(found.selection).toMatchObject({ kind: 'list' });
    const outsider = createUseCaseContext({ actor, now, principal: principal('operator', { groups: ['QA'] }) });
    await expect(findCampaignSelection(outsider, campaign.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(findCampaignSelection(adminCtx, 'not-a-uuid')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    expect(await getCampaignStartFacts(adminCtx, campaign.id)).toEqual({ mode: 'rotate', items: 2 });
    expect((await campaignCreators(adminCtx, [campaign.id])).get(campaign.id)).toBe(adminName);
  });

  it('locks a campaign and reads its row (one raw statement) exactly as a typed query gives it', async () => {
    const { campaign } = await createCampaign(adminCtx, {
      name: 'Queries lock',
      selection: { kind: 'list', connectorIds: [alpha.connectors[0]!.id] },
      regionCertificates: { EU: euCert.id },
      waves: [{ size: null }],
      deadline: '2027-01-31T17:00:00.000Z',
    });
    const typed = await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    expect(typed.deadline).toBeInstanceOf(Date);
    expect(await db.$transaction((tx) => lockCampaign(tx, campaign.id))).toEqual(typed);
    await expect(
      db.$transaction((tx) => lockCampaign(tx, '00000000-0000-4000-8000-000000000000')),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
