/**
 * The customer admin's sign-in through the real MSAL against the simulator, for a tenant where
 * Rekey's management app holds no consent: consent prompt, checks, tokens sealed in the database
 * only while needed, the rotation port reading the tenant with the admin's delegated token, and
 * the negative paths (declined consent, plain user, wrong tenant).
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { isRekeyError, type RekeyError } from '@/lib/errors';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { checkCustomerAdmin } from '@/lib/invitations/check-customer-admin';
import { beginCustomerSignIn, finishCustomerSignIn } from '@/lib/invitations/customer-sign-in';
import type { DelegatedAppConfig } from '@/lib/invitations/delegated-app';
import {
  createDelegatedGraphPort,
  createDelegatedTokenSource,
  deleteDelegatedToken,
  storeDelegatedToken,
  withDelegatedTenants,
} from '@/lib/invitations/delegated-tokens';
import { createGraphPortAdapter } from '@/lib/rotation/graph-port-adapter';
import type { MasterKeyRing } from '@/lib/vault/master-key';
import {
  atMicrosoft,
  delegatedAppConfig,
  INVITE_REDIRECT,
  testKeyRing,
} from '@/lib/invitations/testing/delegated-sign-in';
import { seedDefaults } from '@/lib/seed/seed-defaults';
import { buildCertificate } from '@/lib/testing/fleet-builders';

const REDIRECT = INVITE_REDIRECT;
const ring: MasterKeyRing = testKeyRing();
let gs: GraphSim;
let cfg: DelegatedAppConfig;
let invitationId: string;
let target: GraphSim['manifest']['tenants'][number];

async function rejects(p: Promise<unknown>): Promise<RekeyError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(isRekeyError(e)).toBe(true);
  return e as RekeyError;
}

beforeAll(async () => {
  gs = await startGraphSim({ throttling: false });
  cfg = delegatedAppConfig(gs);
  await seedDefaults(db);
  // The tenant whose admin revoked Rekey's management app: no standing access at all.
  target = gs.tenant('consent-revoked');
  const c = target.connectors[0]!;
  const type = await db.connectorType.create({ data: { name: `Type ${crypto.randomUUID().slice(0, 6)}` } });
  const tenant = await db.tenant.create({
    data: {
      entraTenantId: target.id,
      displayName: target.name,
      defaultDomain: target.domain,
      region: target.region,
      connectors: {
        create: [
          { connectorTypeId: type.id, displayName: c.displayName, appId: c.appId, appObjectId: c.applicationObjectId },
        ],
      },
    },
    include: { connectors: true },
  });
  const newCert = await buildCertificate(db);
  const inv = await db.invitation.create({
    data: {
      tokenHash: crypto.randomBytes(32).toString('hex'),
      entraTenantId: target.id,
      tenantId: tenant.id,
      connectorId: tenant.connectors[0]!.id,
      certificateId: newCert.id,
      reason: 'test',
      expiresAt: new Date(Date.now() + 86_400_000),
    },
  });
  invitationId = inv.id;
});
afterAll(async () => {
  await gs?.close();
});

const upn = (t: { domain: string }, key: string) => `${key}@${t.domain}`;

describe('customer admin sign-in (authorization code + PKCE, delegated-rotation app)', () => {
  it('an admin who cancels the consent prompt: nothing is granted, and the message says so', async () => {
    const { url, flow } = await beginCustomerSignIn(cfg, { invitationId, redirectUri: REDIRECT, now: new Date() });
    const query = await atMicrosoft(url, upn(target, 'ga'), 'decline');
    const e = await rejects(finishCustomerSignIn(cfg, flow, invitationId, query, new Date()));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.details?.reason).toBe('consent_declined');
    expect(e.message).toBe(
      'You did not accept the permissions Rekey asks for, so nothing was changed. To rotate the connection, sign in again and accept.',
    );
    expect(gs.sim.admin.getTenant(target.id).spsByAppId.has(cfg.clientId)).toBe(false);
  });

  it('a plain user is sent back by Microsoft ("needs admin approval") with a message naming the roles that can approve', async () => {
    const { url, flow } = await beginCustomerSignIn(cfg, { invitationId, redirectUri: REDIRECT, now: new Date() });
    const query = await atMicrosoft(url, upn(target, 'user'), 'decline');
    const e = await rejects(finishCustomerSignIn(cfg, flow, invitationId, query, new Date()));
    expect(e.message).toMatch(/^Microsoft says an administrator must approve the permissions Rekey asks for\./);
  });

  it('a response for another invitation, or with another state, is refused', async () => {
    const { url, flow } = await beginCustomerSignIn(cfg, { invitationId, redirectUri: REDIRECT, now: new Date() });
    const query = await atMicrosoft(url, upn(target, 'ga'), 'decline');
    const other = crypto.randomUUID();
    expect((await rejects(finishCustomerSignIn(cfg, flow, other, query, new Date()))).details?.reason).toBe(
      'state_mismatch',
    );
  });

  it('a Global Administrator consents; Rekey holds the tokens sealed, reads the connection with them, and forgets them', async () => {
    const { url, flow } = await beginCustomerSignIn(cfg, { invitationId, redirectUri: REDIRECT, now: new Date() });
    const query = await atMicrosoft(url, upn(target, 'ga'), 'accept');
    const who = await finishCustomerSignIn(cfg, flow, invitationId, query, new Date());
    expect(who.upn).toBe(upn(target, 'ga'));
    expect(who.tenantId).toBe(target.id);
    const check = checkCustomerAdmin(
      { upn: who.upn, tenantId: who.tenantId, roleIds: who.roleIds, ownsApplication: null },
      { entraTenantId: target.id, tenantDomain: null, displayName: target.name },
      'rotate',
    );
    expect(check).toEqual({ ok: true, roles: ['Global Administrator'] });

    await storeDelegatedToken(
      db,
      {
        invitationId,
        entraTenantId: who.tenantId,
        accessToken: who.accessToken,
        expiresOn: who.expiresOn,
        cache: who.cache,
      },
      ring,
    );
    const row = await db.delegatedToken.findUniqueOrThrow({ where: { invitationId } });
    expect(row.sealedAccessToken).not.toContain(who.accessToken.slice(0, 40));
    // Both tokens only as sealed envelopes (version, key id, IV, ciphertext, tag); nothing else in the
    // row looks like a token. (Not searched inside the ciphertext: random base64url holds "eyJ" by
    // chance in ~2 % of runs.)
    const { sealedAccessToken, sealedRefreshToken, ...rest } = row;
    for (const sealed of [sealedAccessToken, sealedRefreshToken])
      expect(sealed).toMatch(/^dt1\.[\w-]+\.[\w-]{16}\.[\w-]{40,}\.[\w-]{22}$/);
    expect(JSON.stringify(rest)).not.toMatch(/refresh_token|secret|eyJ/);

    const source = createDelegatedTokenSource(db, cfg, { ring: () => ring });
    const delegated = createDelegatedGraphPort(source, {
      graphEndpoint: gs.sim.url,
      graphResource: cfg.graphResource,
      authorityHost: gs.sim.url,
    });
    const port = withDelegatedTenants(createGraphPortAdapter(gs.graph), delegated, source);
    const c = target.connectors[0]!;
    const view = await port.readConnection({
      tenant: { id: target.id },
      appId: c.appId,
      appObjectId: c.applicationObjectId,
    });
    const simApp = gs.sim.admin.getTenant(target.id).applications.get(c.applicationObjectId)!;
    expect(view.app?.credentials.map((x) => x.keyId).sort()).toEqual(simApp.keyCredentials.map((k) => k.keyId).sort());
    expect(await port.grantedRoles({ id: target.id })).toEqual(expect.arrayContaining(['Application.ReadWrite.All']));

    // An expiring access token is refreshed through MSAL with the sealed cache, and stored again.
    await db.delegatedToken.update({
      where: { invitationId },
      data: { accessTokenExpiresAt: new Date(Date.now() + 1_000) },
    });
    await port.readConnection({ tenant: { id: target.id }, appId: c.appId, appObjectId: c.applicationObjectId });
    expect(source.provider.stats.msalCalls).toBe(1);
    const refreshed = await db.delegatedToken.findUniqueOrThrow({ where: { invitationId } });
    expect(refreshed.accessTokenExpiresAt.getTime()).toBeGreaterThan(Date.now() + 60_000);
    expect(refreshed.sealedAccessToken).not.toBe(row.sealedAccessToken);

    // Forgotten: no row for the tenant, and the port is back on the management app, which has no consent there.
    expect(await deleteDelegatedToken(db, invitationId)).toBe(true);
    expect(await db.delegatedToken.count({ where: { entraTenantId: target.id } })).toBe(0);
    await expect(
      port.readConnection({ tenant: { id: target.id }, appId: c.appId, appObjectId: c.applicationObjectId }),
    ).rejects.toMatchObject({ code: 'NOT_CONSENTED' });
    await expect(source.provider.getToken(target.id)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('an administrator of another tenant is told exactly which tenant the invitation is for', async () => {
    const other = gs.manifest.tenants.find((t) => t.id !== target.id)!;
    const { url, flow } = await beginCustomerSignIn(cfg, { invitationId, redirectUri: REDIRECT, now: new Date() });
    const who = await finishCustomerSignIn(
      cfg,
      flow,
      invitationId,
      await atMicrosoft(url, upn(other, 'ga'), 'accept'),
      new Date(),
    );
    const check = checkCustomerAdmin(
      { upn: who.upn, tenantId: who.tenantId, roleIds: who.roleIds, ownsApplication: null },
      { entraTenantId: target.id, tenantDomain: null, displayName: target.name },
      'rotate',
    );
    expect(check.ok).toBe(false);
    expect(check.ok === false && check.reason).toBe('WRONG_TENANT');
    expect(check.ok === false && check.message).toContain(
      `but this invitation is for ${target.name} (tenant ${target.id})`,
    );
  });
});
