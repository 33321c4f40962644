import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { addTenant } from '@/lib/tenants/add-tenant';
import {
  ADMIN_CONSENT_STATE_TTL_MS,
  completeAdminConsent,
  startAdminConsent,
} from '@/lib/tenants/admin-consent-request';
import { walkAdminConsent } from '@/sim/testing/admin-consent-driver';
import { createUseCaseContext } from '@/lib/use-case-defaults';
import type { UseCaseContext } from '@/lib/use-case';

const PUBLIC = 'http://localhost:3999';
const CALLBACK = `${PUBLIC}/tenants/consent-callback`;
let gs: GraphSim;
let ctx: UseCaseContext;

beforeAll(async () => {
  gs = await startGraphSim({ throttling: false, managementRedirectUris: [`${PUBLIC}/auth/callback`, CALLBACK] });
  ctx = createUseCaseContext({
    actor: { id: null, label: 'operator@rekey.test' },
    now: new Date(),
    graph: () => gs.graph,
  });
});
afterAll(async () => {
  await gs?.close();
});

const newUser = () =>
  db.user.create({ data: { email: `op-${crypto.randomUUID()}@rekey.test`, name: 'Op' }, select: { id: true } });

/** A tenant Rekey knows but is not consented in, with a Global Administrator. */
async function unconsentedTenant(name: string) {
  const t = gs.makeTenant({ name, consented: false });
  const admin = `admin@${t.domain}`;
  gs.sim.admin.addUser(t.id, {
    userPrincipalName: admin,
    displayName: 'GA',
    directoryRoles: ['62e90394-69f5-4237-9190-012177145e10'],
  });
  const row = await addTenant(ctx, { tenant: t.id, name });
  return { entraId: t.id, id: row.id, admin };
}

const paramsOf = (u: URL) => Object.fromEntries(u.searchParams) as Record<string, string>;

describe('admin consent with a bound state', () => {
  it('the started link reaches the simulator, the admin accepts, the callback verifies the tenant and audits it; a reload replays', async () => {
    const user = await newUser();
    const t = await unconsentedTenant('Consent Accept');
    const now = new Date();
    const { url, expiresAt } = await startAdminConsent({ tenantId: t.id, userId: user.id }, { ...ctx, now });
    const link = new URL(url);
    expect(`${link.origin}${link.pathname}`).toBe(`${gs.sim.url}/${t.entraId}/adminconsent`);
    expect(link.searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(link.searchParams.get('client_id')).toBe(gs.manifest.managementApp.appId);
    const state = link.searchParams.get('state')!;
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt.getTime() - now.getTime()).toBe(ADMIN_CONSENT_STATE_TTL_MS);
    // Only the hash is stored.
    expect(await db.adminConsentRequest.count({ where: { id: state } })).toBe(0);

    const walk = await walkAdminConsent(url, { user: t.admin });
    expect(walk.status).toBe(302);
    expect(`${walk.location!.origin}${walk.location!.pathname}`).toBe(CALLBACK);
    const out = await completeAdminConsent({ params: paramsOf(walk.location!), userId: user.id }, ctx);
    expect(out).toMatchObject({ kind: 'granted', tenantId: t.id, replayed: false });
    expect(out.message).toMatch(/Rekey can now work in Consent Accept/);
    const row = await db.tenant.findUniqueOrThrow({ where: { id: t.id } });
    expect(row.consentState).toBe('consented');
    expect([...row.grantedRoles].sort()).toEqual([...gs.manifest.managementApp.graphRoles].sort());
    const audit = await db.auditEvent.findMany({ where: { tenantId: t.id, action: 'tenant.admin-consent' } });
    expect(audit.map((a) => (a.after as { outcome: string }).outcome)).toEqual(['granted']);

    // Reload: same answer, nothing runs again.
    const again = await completeAdminConsent({ params: paramsOf(walk.location!), userId: user.id }, ctx);
    expect(again).toMatchObject({ kind: 'granted', replayed: true, message: out.message });
    expect(await db.auditEvent.count({ where: { tenantId: t.id, action: 'tenant.admin-consent' } })).toBe(1);
  });

  it('another user, a missing or unknown state, and an expired request are refused without touching the tenant', async () => {
    const owner = await newUser();
    const other = await newUser();
    const t = await unconsentedTenant('Consent Refused');
    const { url } = await startAdminConsent({ tenantId: t.id, userId: owner.id }, ctx);
    const walk = await walkAdminConsent(url, { user: t.admin });
    const params = paramsOf(walk.location!);
    const foreign = await completeAdminConsent({ params, userId: other.id }, ctx);
    expect(foreign).toMatchObject({
      kind: 'rejected',
      message: expect.stringMatching(/started by another Rekey user/),
    });
    expect(
      await completeAdminConsent({ params: { ...params, state: undefined }, userId: owner.id }, ctx),
    ).toMatchObject({ kind: 'rejected', message: expect.stringMatching(/no state/) });
    expect(
      await completeAdminConsent({ params: { ...params, state: 'forged-state' }, userId: owner.id }, ctx),
    ).toMatchObject({ kind: 'rejected', message: expect.stringMatching(/does not match any consent request/) });
    const late = new Date(Date.now() + ADMIN_CONSENT_STATE_TTL_MS + 1000);
    expect(await completeAdminConsent({ params, userId: owner.id }, { ...ctx, now: late })).toMatchObject({
      kind: 'rejected',
      message: expect.stringMatching(/expired/),
    });
    // Nothing was concluded for the tenant: no audit, consent not recorded.
    expect(await db.auditEvent.count({ where: { tenantId: t.id, action: 'tenant.admin-consent' } })).toBe(0);
    expect((await db.tenant.findUniqueOrThrow({ where: { id: t.id } })).consentState).toBe('unknown');
    // The owner, in time, still can (the refusals did not consume it).
    expect(await completeAdminConsent({ params, userId: owner.id }, ctx)).toMatchObject({ kind: 'granted' });
  });

  it('a declined consent (access_denied) and another error are told apart, audited, and grant nothing', async () => {
    const user = await newUser();
    const t = await unconsentedTenant('Consent Declined');
    const { url } = await startAdminConsent({ tenantId: t.id, userId: user.id }, ctx);
    const walk = await walkAdminConsent(url, { user: t.admin, decision: 'cancel' });
    const declined = await completeAdminConsent({ params: paramsOf(walk.location!), userId: user.id }, ctx);
    expect(declined).toMatchObject({ kind: 'declined' });
    expect(declined.message).toMatch(/declined the consent \(AADSTS65004/);

    const second = await startAdminConsent({ tenantId: t.id, userId: user.id }, ctx);
    const state = new URL(second.url).searchParams.get('state')!;
    const failed = await completeAdminConsent(
      {
        params: { state, error: 'invalid_client', error_description: 'AADSTS650052: The app is trying\r\nto access' },
        userId: user.id,
      },
      ctx,
    );
    expect(failed).toMatchObject({
      kind: 'failed',
      message: 'Entra ID did not grant the consent: invalid_client: AADSTS650052: The app is trying to access',
    });
    const third = await startAdminConsent({ tenantId: t.id, userId: user.id }, ctx);
    const wrong = await completeAdminConsent(
      {
        params: {
          state: new URL(third.url).searchParams.get('state')!,
          admin_consent: 'True',
          tenant: crypto.randomUUID(),
        },
        userId: user.id,
      },
      ctx,
    );
    expect(wrong).toMatchObject({ kind: 'failed', message: expect.stringMatching(/not in Consent Declined/) });
    const outcomes = (await db.auditEvent.findMany({ where: { tenantId: t.id, action: 'tenant.admin-consent' } })).map(
      (a) => (a.after as { outcome: string }).outcome,
    );
    expect(outcomes.sort()).toEqual(['declined', 'failed', 'wrong-tenant']);
    expect(gs.sim.admin.getTenant(t.entraId).spsByAppId.get(gs.manifest.managementApp.appId)).toBeUndefined();
  });
});
