import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '@/lib/auth/principal';
import { db } from '@/lib/db';
import {
  findActiveRotation,
  findConnectorForWizard,
  findRotationExtras,
  findWizardRotation,
  listCandidateCertificates,
  listConnectorRotations,
  listRotationPage,
  parseRotationFilters,
  validateCertificate,
} from '@/lib/rotation/rotation-queries';
import { buildCert } from '@/lib/testing/certs';
import { buildConnectorType, buildTenant } from '@/lib/testing/fleet-builders';
import { storeCertificate } from '@/lib/testing/store-certificate';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const now = new Date('2026-12-01T12:00:00Z');
const DAY = 86_400_000;
const admin: Principal = {
  userId: randomUUID(),
  email: 'admin@rekey.example',
  name: 'Admin',
  roles: [{ role: 'admin', allTenants: true, tenantIds: [], groups: [] }],
};
let scoped: Principal;
const ctxOf = (principal?: Principal) =>
  createUseCaseContext({ actor: { id: null, label: 'test' }, now, ...(principal ? { principal } : {}) });

const cert = (slot: number, region: string | null, validFrom = -DAY, validTo = 200 * DAY) =>
  storeCertificate(
    db,
    buildCert({
      subject: `CN=rotation-queries-${slot}`,
      notBefore: new Date(now.getTime() + validFrom),
      notAfter: new Date(now.getTime() + validTo),
      slot: 700 + slot,
    }).der,
    { region },
  );

let eu: Awaited<ReturnType<typeof buildTenant>>;
let us: Awaited<ReturnType<typeof buildTenant>>;
let current: Awaited<ReturnType<typeof cert>>;
let euCert: Awaited<ReturnType<typeof cert>>;
let usCert: Awaited<ReturnType<typeof cert>>;
let advised: Awaited<ReturnType<typeof cert>>;
let expired: Awaited<ReturnType<typeof cert>>;
let euActive: string;
let euDone: string;
let usDone: string;

beforeAll(async () => {
  const type = await buildConnectorType(db, 'Queries');
  eu = await buildTenant(db, {
    name: 'Queries EU',
    region: 'EU',
    connectors: [{ status: 'compromised', typeId: type.id, name: 'EU Sync' }],
  });
  us = await buildTenant(db, {
    name: 'Queries US',
    region: 'US',
    connectors: [{ status: 'healthy', typeId: type.id, name: 'US Sync' }],
  });
  scoped = {
    userId: randomUUID(),
    email: 'eu@rekey.example',
    name: 'EU operator',
    roles: [{ role: 'operator', allTenants: false, tenantIds: [eu.id], groups: [] }],
  };
  current = await cert(1, 'EU');
  euCert = await cert(2, 'EU');
  usCert = await cert(3, 'US', -DAY, 300 * DAY);
  advised = await cert(4, 'EU');
  expired = await cert(5, 'EU', -300 * DAY, -DAY);
  await db.advisory.create({
    data: {
      title: 'Leaked connector key',
      severity: 'critical',
      publishedAt: now,
      indicators: { create: [{ kind: 'sha1', value: advised.sha1Thumbprint }] },
    },
  });
  const euConnector = eu.connectors[0]!;
  await db.connector.update({ where: { id: euConnector.id }, data: { currentCertificateId: current.id } });
  const rotation = (connectorId: string, state: 'RUNNING' | 'SUCCEEDED', createdAt: Date) =>
    db.rotation.create({
      data: {
        connectorId,
        mode: 'rotate',
        state,
        step: state === 'RUNNING' ? 'add_new' : 'done',
        toCertificateId: euCert.id,
        fromCertificateId: current.id,
        actorLabel: 'ops@rekey.example',
        attempts: 2,
        createdAt,
        finishedAt: state === 'SUCCEEDED' ? createdAt : null,
      },
    });
  euDone = (await rotation(euConnector.id, 'SUCCEEDED', new Date(now.getTime() - 2 * DAY))).id;
  euActive = (await rotation(euConnector.id, 'RUNNING', new Date(now.getTime() - DAY))).id;
  usDone = (await rotation(us.connectors[0]!.id, 'SUCCEEDED', new Date(now.getTime() - 3 * DAY))).id;
});

describe('the rotation pages’ reads (ctx, input)', () => {
  it('parses the list filters and drops what is malformed', () => {
    const id = randomUUID();
    expect(parseRotationFilters({ state: 'active', mode: 'rotate', connector: id, tenant: 'x', q: ' Sync ' })).toEqual({
      state: 'active',
      mode: 'rotate',
      connector: id,
      tenant: undefined,
      q: 'Sync',
      actor: undefined,
    });
    expect(parseRotationFilters({ state: 'BOGUS', mode: 'sideways' })).toMatchObject({
      state: undefined,
      mode: undefined,
    });
  });

  it('lists a page of rotations in the principal’s tenants only, filtered and sorted', async () => {
    const all = await listRotationPage(ctxOf(admin), { filters: {}, sort: 'createdAt', dir: 'desc', page: 1 });
    expect(all.total).toBe(3);
    expect(all.rows.map((r) => r.id)).toEqual([euActive, euDone, usDone]);
    const mine = await listRotationPage(ctxOf(scoped), { filters: {}, sort: 'createdAt', dir: 'asc', page: 1 });
    expect(mine.rows.map((r) => r.id)).toEqual([euDone, euActive]);
    const active = await listRotationPage(ctxOf(admin), {
      filters: { state: 'active' },
      sort: 'createdAt',
      dir: 'desc',
      page: 1,
    });
    expect(active.rows.map((r) => r.id)).toEqual([euActive]);
    const byName = await listRotationPage(ctxOf(admin), {
      filters: { q: 'queries us' },
      sort: 'createdAt',
      dir: 'desc',
      page: 1,
    });
    expect(byName.rows.map((r) => r.id)).toEqual([usDone]);
    const second = await listRotationPage(ctxOf(admin), {
      filters: {},
      sort: 'createdAt',
      dir: 'desc',
      page: 2,
      pageSize: 2,
    });
    expect(second).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(second.rows.map((r) => r.id)).toEqual([usDone]);
  });

  it('reads the connector for the wizard with its tenant; null for a malformed or unknown id', async () => {
    const c = await findConnectorForWizard(ctxOf(admin), { connectorId: eu.connectors[0]!.id });
    expect(c).toMatchObject({ displayName: 'EU Sync', tenantId: eu.id, tenant: { region: 'EU' } });
    expect(c?.currentCertificate?.id).toBe(current.id);
    expect(Object.keys(c!.currentCertificate!)).not.toContain('der');
    expect(await findConnectorForWizard(ctxOf(admin), { connectorId: 'nope' })).toBeNull();
    expect(await findConnectorForWizard(ctxOf(admin), { connectorId: randomUUID() })).toBeNull();
  });

  it('offers valid, trusted certificates other than the current one, the region’s first; names the advised one', async () => {
    const r = await listCandidateCertificates(ctxOf(admin), { region: 'EU', currentCertificateId: current.id });
    const ids = r.candidates.map((c) => c.id);
    expect(ids).toEqual([euCert.id, usCert.id]);
    expect(ids).not.toContain(expired.id);
    expect(r.recommendedId).toBe(euCert.id);
    expect(r.candidates.every((c) => c.hasPrivateKey === false)).toBe(true);
    expect(r.excluded.map((x) => x.id)).toEqual([advised.id]);
    expect(r.excluded[0]!.reason).toMatch(/Leaked connector key|advisory/i);
    const inUs = await listCandidateCertificates(ctxOf(admin), { region: 'US', currentCertificateId: null });
    expect(inUs.recommendedId).toBe(usCert.id);
    expect(inUs.candidates.map((c) => c.id)).toContain(current.id);
  });

  it('validates a certificate for Entra at ctx.now; null for an unknown id', async () => {
    const v = await validateCertificate(ctxOf(admin), { certificateId: euCert.id });
    expect(v).not.toBeNull();
    const late = await validateCertificate(
      { db, now: new Date(now.getTime() + 400 * DAY) },
      { certificateId: euCert.id },
    );
    expect(JSON.stringify(late)).not.toEqual(JSON.stringify(v));
    expect(await validateCertificate(ctxOf(admin), { certificateId: randomUUID() })).toBeNull();
  });

  it('finds a connector’s active rotation, its history, a wizard rotation and a rotation’s extras, in scope only', async () => {
    const euConnector = eu.connectors[0]!.id;
    expect(await findActiveRotation(ctxOf(scoped), { connectorId: euConnector })).toMatchObject({
      id: euActive,
      state: 'RUNNING',
    });
    expect(await findActiveRotation(ctxOf(admin), { connectorId: us.connectors[0]!.id })).toBeNull();
    expect((await listConnectorRotations(ctxOf(scoped), { connectorId: euConnector })).map((r) => r.id)).toEqual([
      euActive,
      euDone,
    ]);
    expect(await listConnectorRotations(ctxOf(scoped), { connectorId: us.connectors[0]!.id })).toEqual([]);
    expect(await findWizardRotation(ctxOf(scoped), { rotationId: euActive, connectorId: euConnector })).toMatchObject({
      id: euActive,
      toCertificate: { sha1Thumbprint: euCert.sha1Thumbprint },
    });
    expect(
      await findWizardRotation(ctxOf(scoped), { rotationId: usDone, connectorId: us.connectors[0]!.id }),
    ).toBeNull();
    expect(await findRotationExtras(ctxOf(scoped), { rotationId: euDone })).toMatchObject({
      attempts: 2,
      connector: { tenant: { id: eu.id } },
    });
    expect(await findRotationExtras(ctxOf(scoped), { rotationId: usDone })).toBeNull();
    expect(await findRotationExtras(ctxOf(), { rotationId: usDone })).toMatchObject({ attempts: 2 });
  });
});
