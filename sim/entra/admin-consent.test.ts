import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MICROSOFT_GRAPH_APP_ID } from '../directory/well-known';
import type { SimHandle } from '../server';
import type { FleetManifest } from '../seed/fleet-manifest';
import { walkAdminConsent } from '../testing/admin-consent-driver';
import { startTestSim } from '../testing/start-test-sim';

const CALLBACK = 'https://rekey.example/tenants/consent-callback';
let sim: SimHandle;
let manifest: FleetManifest;

beforeAll(async () => {
  sim = await startTestSim({ managementRedirectUris: ['https://rekey.example/auth/callback', CALLBACK] });
  manifest = sim.manifest!;
});
afterAll(async () => {
  await sim.close();
});

const revoked = () => manifest.tenants.find((t) => t.scenarios.includes('consent-revoked'))!;
const link = (segment: string, extra: Record<string, string> = {}, path = 'adminconsent') =>
  `${sim.url}/${segment}/${path}?${new URLSearchParams({
    client_id: manifest.managementApp.appId,
    redirect_uri: CALLBACK,
    state: 'st-123',
    ...extra,
  }).toString()}`;
const grantedRoles = (tenantId: string) => {
  const t = sim.admin.getTenant(tenantId);
  const sp = t.spsByAppId.get(manifest.managementApp.appId);
  const graph = t.spsByAppId.get(MICROSOFT_GRAPH_APP_ID)!;
  return sp ? sim.state.rolesOf(t, sp.id, graph).sort() : [];
};

describe('/adminconsent', () => {
  it('grants the app registration’s application permissions in the admin’s tenant and redirects with Microsoft’s parameters', async () => {
    const t = revoked();
    expect(grantedRoles(t.id)).toEqual([]);
    const walk = await walkAdminConsent(link(t.id), { user: t.adminUserPrincipalName, decision: null });
    // The consent screen lists exactly the configured application permissions.
    for (const r of manifest.managementApp.graphRoles) expect(walk.html).toContain(`data-permission="${r}"`);
    const done = await walkAdminConsent(link(t.id), { user: t.adminUserPrincipalName });
    expect(done.status).toBe(302);
    expect(`${done.location!.origin}${done.location!.pathname}`).toBe(CALLBACK);
    expect(Object.fromEntries(done.location!.searchParams)).toEqual({
      admin_consent: 'True',
      tenant: t.id,
      state: 'st-123',
    });
    expect(grantedRoles(t.id)).toEqual([...manifest.managementApp.graphRoles].sort());
  });

  it('v2.0 needs scope and echoes it; organizations lets the admin’s own tenant decide', async () => {
    const t = manifest.tenants[0]!;
    const missing = await walkAdminConsent(link(t.id, {}, 'v2.0/adminconsent'), { user: t.adminUserPrincipalName });
    expect(missing.status).toBe(400);
    expect(missing.html).toContain('AADSTS900144');
    const scope = 'https://graph.microsoft.com/.default';
    const done = await walkAdminConsent(link('organizations', { scope }, 'v2.0/adminconsent'), {
      user: t.adminUserPrincipalName,
    });
    expect(done.location!.searchParams.get('tenant')).toBe(t.id);
    expect(done.location!.searchParams.get('scope')).toBe(scope);
  });

  it('refuses a redirect URI that is not registered exactly (AADSTS50011), before any sign-in', async () => {
    const t = revoked();
    for (const uri of [`${CALLBACK}/`, 'https://rekey.example/Tenants/consent-callback', 'https://evil.example/cb']) {
      const r = await walkAdminConsent(link(t.id, { redirect_uri: uri }), { user: t.adminUserPrincipalName });
      expect(r.status).toBe(400);
      expect(r.html).toContain('AADSTS50011');
    }
  });

  it('cancel sends access_denied back; a non-admin gets "Need admin approval" and nothing is granted', async () => {
    const t = manifest.tenants.find((x) => x.scenarios.includes('consent-revoked'))!;
    sim.admin.revokeConsent(t.id, manifest.managementApp.appId);
    const cancelled = await walkAdminConsent(link(t.id), { user: t.adminUserPrincipalName, decision: 'cancel' });
    expect(cancelled.status).toBe(302);
    expect(cancelled.location!.searchParams.get('error')).toBe('access_denied');
    expect(cancelled.location!.searchParams.get('error_description')).toMatch(/^AADSTS65004/);
    expect(cancelled.location!.searchParams.get('state')).toBe('st-123');
    sim.admin.addUser(t.id, { userPrincipalName: `user@${t.domain}`, displayName: 'Plain user' });
    const plain = await walkAdminConsent(link(t.id), { user: `user@${t.domain}` });
    expect(plain.status).toBe(403);
    expect(plain.html).toContain('Need admin approval');
    expect(grantedRoles(t.id)).toEqual([]);
  });

  it('an unknown client is AADSTS700016', async () => {
    const r = await walkAdminConsent(link(revoked().id, { client_id: '11111111-2222-3333-4444-555555555555' }), {
      user: 'x',
    });
    expect(r.status).toBe(400);
    expect(r.html).toContain('AADSTS700016');
  });
});
