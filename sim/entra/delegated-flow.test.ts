// The delegated-rotation app end to end through the real MSAL (authorization code + PKCE): consent
// prompt, admin-only permissions, `scp` and `wids` claims, Graph's delegated checks (permission in
// `scp` AND the user's role or ownership) and oauth2PermissionGrants list/delete.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../crypto/jwt';
import type { SimHandle } from '../server';
import type { FleetManifest, ManifestTenant } from '../seed/fleet-manifest';
import { startTestSim } from '../testing/start-test-sim';
import { DIRECTORY_ROLES } from '../directory/directory-roles';
import { MICROSOFT_GRAPH_APP_ID } from '../directory/well-known';

const REDIRECT = 'http://localhost:3999/invite/callback';
let sim: SimHandle;
let manifest: FleetManifest;
let delegated: NonNullable<FleetManifest['delegatedApp']>;

beforeAll(async () => {
  sim = await startTestSim();
  manifest = sim.manifest!;
  delegated = manifest.delegatedApp!;
});
afterAll(async () => {
  await sim.close();
});

function cca(authorityTenant: string): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId: delegated.appId,
      authority: `${sim.url}/${authorityTenant}`,
      knownAuthorities: [new URL(sim.url).host],
      clientCertificate: {
        thumbprintSha256: delegated.thumbprintSha256,
        privateKey: fs.readFileSync(delegated.privateKeyPath, 'utf8'),
      },
    },
  });
}

function decodeEntities(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

function hiddenForm(html: string): URLSearchParams {
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    form.set(decodeEntities(m[1]!), decodeEntities(m[2]!));
  }
  return form;
}

interface Journey {
  /** The page the browser shows after picking the account (consent / admin approval) or the redirect. */
  afterPick: Response;
  html: string;
  authorizeUrl: string;
  verifier: string;
  app: ConfidentialClientApplication;
}

async function startAs(upn: string, authorityTenant: string, scopes = delegated.scopes): Promise<Journey> {
  const app = cca(authorityTenant);
  const verifier = crypto.randomBytes(48).toString('base64url');
  const authorizeUrl = await app.getAuthCodeUrl({
    scopes: scopes.map((s) => `https://graph.microsoft.com/${s}`),
    redirectUri: REDIRECT,
    state: 'invitation-state',
    codeChallenge: crypto.createHash('sha256').update(verifier).digest('base64url'),
    codeChallengeMethod: 'S256',
  });
  const picker = await fetch(authorizeUrl);
  expect(picker.status).toBe(200);
  const form = hiddenForm(await picker.text());
  form.set('user', upn);
  const afterPick = await fetch(authorizeUrl, { method: 'POST', body: form, redirect: 'manual' });
  const html = afterPick.status === 200 ? await afterPick.text() : '';
  return { afterPick, html, authorizeUrl, verifier, app };
}

async function answer(j: Journey, choice: 'accept' | 'decline'): Promise<URL> {
  const form = hiddenForm(j.html);
  form.set('consent', choice);
  const res = await fetch(j.authorizeUrl, { method: 'POST', body: form, redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

async function redeem(j: Journey, redirect: URL, scopes = delegated.scopes) {
  const code = redirect.searchParams.get('code');
  expect(code).toBeTruthy();
  const result = await j.app.acquireTokenByCode({
    code: code!,
    redirectUri: REDIRECT,
    codeVerifier: j.verifier,
    scopes: scopes.map((s) => `https://graph.microsoft.com/${s}`),
  });
  return result;
}

async function graph(token: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sim.url}/v1.0${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function upnOf(t: ManifestTenant, key: string): string {
  return t.users!.find((u) => u.userPrincipalName.startsWith(`${key}@`))!.userPrincipalName;
}

function tenantRecord(id: string) {
  return sim.context.directory.tenants.get(id)!;
}

describe('delegated rotation app (authorization code + PKCE through the real MSAL)', () => {
  it('seeds every customer tenant with one user per admin role and a plain user, and no consent to the app', () => {
    const t = manifest.tenants[0]!;
    expect(t.users!.map((u) => u.directoryRoles.join())).toEqual([
      'Global Administrator',
      'Privileged Role Administrator',
      'Application Administrator',
      'Cloud Application Administrator',
      '',
    ]);
    expect(tenantRecord(t.id).spsByAppId.has(delegated.appId)).toBe(false);
  });

  it('a plain user is told an admin must approve, and going back returns access_denied to the app', async () => {
    const t = manifest.tenants[1]!;
    const j = await startAs(upnOf(t, 'user'), t.id);
    expect(j.html).toContain('Need admin approval');
    expect(j.html).toContain('Application.ReadWrite.All');
    const back = await answer(j, 'decline');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toContain('AADSTS90094');
    expect(back.searchParams.get('state')).toBe('invitation-state');
    expect(tenantRecord(t.id).spsByAppId.has(delegated.appId)).toBe(false);
  });

  it('an admin who cancels the consent prompt returns AADSTS65004 and nothing is created', async () => {
    const t = manifest.tenants[1]!;
    const j = await startAs(upnOf(t, 'ga'), t.id);
    expect(j.html).toContain('Permissions requested');
    const back = await answer(j, 'decline');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toContain('AADSTS65004');
    expect(back.searchParams.get('code')).toBeNull();
    expect(tenantRecord(t.id).spsByAppId.has(delegated.appId)).toBe(false);
    expect(tenantRecord(t.id).oauth2PermissionGrants.size).toBe(0);
  });

  it('a Global Administrator consents for the organization; the token carries scp and wids; Graph lets them roll keys', async () => {
    const t = manifest.tenants[2]!;
    const j = await startAs(upnOf(t, 'ga'), 'organizations');
    expect(j.html).toContain('Consent on behalf of your organization');
    const result = await redeem(j, await answer(j, 'accept'));
    expect(result.tenantId).toBe(t.id);
    const claims = decodeJwt(result.accessToken)!.payload;
    expect(String(claims.scp).split(' ').sort()).toEqual([...delegated.scopes].sort());
    expect(claims.idtyp).toBe('user');
    expect(claims.wids).toContain(DIRECTORY_ROLES.globalAdministrator.id);
    const idClaims = decodeJwt(result.idToken)!.payload;
    expect(idClaims.wids).toContain(DIRECTORY_ROLES.globalAdministrator.id);

    const tenant = tenantRecord(t.id);
    const clientSp = tenant.spsByAppId.get(delegated.appId)!;
    expect(clientSp).toBeDefined();
    const grants = (await (
      await graph(result.accessToken, 'GET', `/oauth2PermissionGrants?$filter=clientId eq '${clientSp.id}'`)
    ).json()) as { value: { id: string; consentType: string; scope: string; resourceId: string }[] };
    expect(grants.value).toHaveLength(1);
    expect(grants.value[0]!.consentType).toBe('AllPrincipals');
    expect(grants.value[0]!.resourceId).toBe(tenant.spsByAppId.get(MICROSOFT_GRAPH_APP_ID)!.id);

    const connector = t.connectors[0]!;
    const patch = await graph(result.accessToken, 'PATCH', `/applications/${connector.applicationObjectId}`, {
      notes: 'rotated by the customer admin',
    });
    expect(patch.status).toBe(204);
    expect(tenant.applications.get(connector.applicationObjectId)!.notes).toBe('rotated by the customer admin');
  });

  it('after consent a plain user signs in without a prompt, but Graph refuses their writes (no role, not owner)', async () => {
    const t = manifest.tenants[2]!;
    const j = await startAs(upnOf(t, 'user'), t.id);
    expect(j.afterPick.status).toBe(302);
    const result = await redeem(j, new URL(j.afterPick.headers.get('location')!));
    expect(String(decodeJwt(result.accessToken)!.payload.scp)).toContain('Application.ReadWrite.All');
    const connector = t.connectors[0]!;
    const read = await graph(result.accessToken, 'GET', `/applications/${connector.applicationObjectId}`);
    expect(read.status).toBe(200);
    const patch = await graph(result.accessToken, 'PATCH', `/applications/${connector.applicationObjectId}`, {
      notes: 'x',
    });
    expect(patch.status).toBe(403);
    expect(((await patch.json()) as { error: { code: string } }).error.code).toBe('Authorization_RequestDenied');
    // Owning the application is enough.
    const tenant = tenantRecord(t.id);
    const user = tenant.usersByUpn.get(upnOf(t, 'user'))!;
    tenant.applications.get(connector.applicationObjectId)!.owners.push(user.id);
    const asOwner = await graph(result.accessToken, 'PATCH', `/applications/${connector.applicationObjectId}`, {
      notes: 'by the owner',
    });
    expect(asOwner.status).toBe(204);
    // Deleting the tenant-wide grant needs an admin-consent role.
    const grant = [...tenant.oauth2PermissionGrants.values()][0]!;
    expect((await graph(result.accessToken, 'DELETE', `/oauth2PermissionGrants/${grant.id}`)).status).toBe(403);
  });

  it('a Cloud Application Administrator may roll credentials but not grant Graph app roles; a Privileged Role Administrator may', async () => {
    const t = manifest.tenants[2]!;
    const tenant = tenantRecord(t.id);
    const connector = t.connectors[0]!;
    const tokenFor = async (key: string) => {
      const j = await startAs(upnOf(t, key), t.id);
      expect(j.afterPick.status).toBe(302);
      return (await redeem(j, new URL(j.afterPick.headers.get('location')!))).accessToken;
    };
    const caa = await tokenFor('cloudappadmin');
    expect((await graph(caa, 'PATCH', `/applications/${connector.applicationObjectId}`, { notes: 'caa' })).status).toBe(
      204,
    );
    const graphSp = tenant.spsByAppId.get(MICROSOFT_GRAPH_APP_ID)!;
    const assignment = {
      principalId: connector.servicePrincipalId,
      resourceId: graphSp.id,
      appRoleId: graphSp.appRoles[0]!.id,
    };
    const byCaa = await graph(
      caa,
      'POST',
      `/servicePrincipals/${connector.servicePrincipalId}/appRoleAssignments`,
      assignment,
    );
    expect(byCaa.status).toBe(403);
    const pra = await tokenFor('pra');
    const byPra = await graph(
      pra,
      'POST',
      `/servicePrincipals/${connector.servicePrincipalId}/appRoleAssignments`,
      assignment,
    );
    expect(byPra.status).toBe(201);
    // …but a Privileged Role Administrator alone may not change an application it does not own.
    expect((await graph(pra, 'PATCH', `/applications/${connector.applicationObjectId}`, { notes: 'pra' })).status).toBe(
      403,
    );
  });

  it('the admin removes the delegated grant and the service principal; later sign-ins prompt again', async () => {
    const t = manifest.tenants[2]!;
    const tenant = tenantRecord(t.id);
    const j = await startAs(upnOf(t, 'ga'), t.id);
    const token = (await redeem(j, new URL(j.afterPick.headers.get('location')!))).accessToken;
    const clientSp = tenant.spsByAppId.get(delegated.appId)!;
    const grant = [...tenant.oauth2PermissionGrants.values()].find((g) => g.clientId === clientSp.id)!;
    expect((await graph(token, 'DELETE', `/oauth2PermissionGrants/${grant.id}`)).status).toBe(204);
    expect((await graph(token, 'GET', `/oauth2PermissionGrants/${grant.id}`)).status).toBe(404);
    expect((await graph(token, 'DELETE', `/servicePrincipals/${clientSp.id}`)).status).toBe(204);
    expect(tenant.spsByAppId.has(delegated.appId)).toBe(false);
    const again = await startAs(upnOf(t, 'ga'), t.id);
    expect(again.html).toContain('Permissions requested');
  });
});
