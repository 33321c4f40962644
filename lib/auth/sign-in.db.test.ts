/**
 * The real sign-in, end to end, against the in-process Microsoft 365 simulator: our sign-in
 * route → the simulator's authorize endpoint and user picker → our callback (MSAL
 * acquireTokenByCode with PKCE + nonce, id_token verified against the simulator's JWKS) →
 * a session cookie that reads back as the picked user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { parseEnv } from '@/lib/env';
import type { AuthDeps } from '@/lib/auth/auth-core';
import { handleCallback, handleSignIn, handleSignOut, type AuthRouteDeps } from '@/lib/auth/auth-routes';
import { deriveCookieKey } from '@/lib/auth/cookie-crypto';
import { DEFAULT_SESSION_POLICY, readSession, SESSION_COOKIE_PLAIN } from '@/lib/auth/session';
import { signInConfigFromEnv } from '@/lib/auth/sign-in-client';
import { RateLimiter } from '@/lib/http/rate-limit';
import { startTestSim } from '@/sim/testing/start-test-sim';
import type { SimHandle } from '@/sim/server';

const APP = 'http://localhost:3000';
let sim: SimHandle;
let deps: AuthRouteDeps;
const key = deriveCookieKey('sign-in-test-secret-0123456789abcdef');

beforeAll(async () => {
  sim = await startTestSim();
  const m = sim.manifest!;
  const e = parseEnv({
    ...process.env,
    REKEY_MGMT_CLIENT_ID: m.managementApp.appId,
    REKEY_MGMT_CERT_PATH: m.managementApp.certificatePath,
    REKEY_MGMT_KEY_PATH: m.managementApp.privateKeyPath,
    REKEY_HOME_TENANT: m.managementApp.homeTenantId,
    REKEY_AUTHORITY_HOST: sim.url,
  });
  const auth: AuthDeps = {
    db,
    cookieKey: key,
    policy: DEFAULT_SESSION_POLICY,
    origin: { trustProxy: false },
    now: () => new Date(),
  };
  deps = {
    auth,
    signIn: () => signInConfigFromEnv(e),
    policy: { admins: null, homeTenant: m.managementApp.homeTenantId },
    limiter: new RateLimiter({ perMinute: 1000 }),
  };
  await db.session.deleteMany();
  await db.roleAssignment.deleteMany();
  await db.user.deleteMany();
});

afterAll(async () => {
  await sim?.close();
});

function cookiesOf(res: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair!.indexOf('=');
    out.set(pair!.slice(0, i), pair!.slice(i + 1));
  }
  return out;
}

/** What the browser does at the simulator: open the picker, choose `upn`, get redirected back. */
async function pickUser(authorizeUrl: string, upn: string): Promise<string> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain(`data-upn="${upn}"`);
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    form.append(decodeEntities(m[1]!), decodeEntities(m[2]!));
  }
  form.set('user', upn);
  const res = await fetch(authorizeUrl, { method: 'POST', body: form, redirect: 'manual' });
  expect(res.status).toBe(302);
  return res.headers.get('location')!;
}

function decodeEntities(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

async function signInAs(upn: string, returnTo = '/tenants?q=x') {
  const start = await handleSignIn(
    new Request(`${APP}/auth/sign-in?returnTo=${encodeURIComponent(returnTo)}`, {
      headers: { host: 'localhost:3000' },
    }),
    deps,
  );
  expect(start.status).toBe(302);
  const authorizeUrl = start.headers.get('location')!;
  const flowCookie = cookiesOf(start).get('rekey_signin')!;
  const callbackUrl = await pickUser(authorizeUrl, upn);
  const done = await handleCallback(
    new Request(callbackUrl, { headers: { host: 'localhost:3000', cookie: `rekey_signin=${flowCookie}` } }),
    deps,
  );
  return { start, authorizeUrl, flowCookie, callbackUrl, done };
}

describe('sign-in with the simulator (authorization code + PKCE)', () => {
  it('asks for a code with PKCE S256, state and nonce, and keeps the secrets in a sealed HttpOnly cookie', async () => {
    const start = await handleSignIn(new Request(`${APP}/auth/sign-in`, { headers: { host: 'localhost:3000' } }), deps);
    const url = new URL(start.headers.get('location')!);
    expect(url.origin).toBe(sim.url);
    expect(url.pathname).toBe(`/${sim.manifest!.managementApp.homeTenantId}/oauth2/v2.0/authorize`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('redirect_uri')).toBe(`${APP}/auth/callback`);
    expect(url.searchParams.get('state')!.length).toBeGreaterThanOrEqual(32);
    expect(url.searchParams.get('nonce')!.length).toBeGreaterThanOrEqual(32);
    const setCookie = start.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/rekey_signin=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600/);
    expect(setCookie).not.toContain(url.searchParams.get('state')!);
  });

  it('signs in the first user as admin and returns to the page asked for', async () => {
    const { done } = await signInAs('admin@rekey.example');
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${APP}/tenants?q=x`);
    const session = cookiesOf(done).get(SESSION_COOKIE_PLAIN)!;
    expect(cookiesOf(done).get('rekey_signin')).toBe('');
    const r = await readSession(db, key, session, { now: new Date(), policy: DEFAULT_SESSION_POLICY });
    expect(r).toMatchObject({
      ok: true,
      session: {
        principal: { email: 'admin@rekey.example', name: 'Ada Admin', roles: [{ role: 'admin', allTenants: true }] },
      },
    });
    const user = await db.user.findUniqueOrThrow({ where: { email: 'admin@rekey.example' } });
    expect(user.oid).toBe(sim.manifest!.users.find((u) => u.userPrincipalName === 'admin@rekey.example')!.id);
    expect(await db.auditEvent.count({ where: { action: 'user.sign_in', actorId: user.id } })).toBe(1);
  });

  it('sends a second user without a role to the no-access page', async () => {
    const { done } = await signInAs('viewer@rekey.example');
    expect(done.headers.get('location')).toBe(`${APP}/auth/no-access`);
  });

  it("refuses a callback whose state does not match this browser's attempt (login CSRF)", async () => {
    const mine = await handleSignIn(new Request(`${APP}/auth/sign-in`, { headers: { host: 'localhost:3000' } }), deps);
    const theirs = await handleSignIn(
      new Request(`${APP}/auth/sign-in`, { headers: { host: 'localhost:3000' } }),
      deps,
    );
    const callbackForTheirs = await pickUser(theirs.headers.get('location')!, 'operator@rekey.example');
    const res = await handleCallback(
      new Request(callbackForTheirs, {
        headers: { host: 'localhost:3000', cookie: `rekey_signin=${cookiesOf(mine).get('rekey_signin')}` },
      }),
      deps,
    );
    expect(res.headers.get('location')).toBe(`${APP}/auth/error?reason=mismatch`);
    expect(cookiesOf(res).has(SESSION_COOKIE_PLAIN)).toBe(false);
  });

  it('refuses a callback without the flow cookie, and a replayed code', async () => {
    const { callbackUrl, flowCookie } = await signInAs('operator@rekey.example');
    const noCookie = await handleCallback(new Request(callbackUrl, { headers: { host: 'localhost:3000' } }), deps);
    expect(noCookie.headers.get('location')).toBe(`${APP}/auth/error?reason=expired`);
    const replay = await handleCallback(
      new Request(callbackUrl, { headers: { host: 'localhost:3000', cookie: `rekey_signin=${flowCookie}` } }),
      deps,
    );
    expect(replay.headers.get('location')).toBe(`${APP}/auth/error?reason=rejected`);
  });

  it('reports an error from the identity provider', async () => {
    const res = await handleCallback(
      new Request(`${APP}/auth/callback?error=access_denied&error_description=x`, {
        headers: { host: 'localhost:3000' },
      }),
      deps,
    );
    expect(res.headers.get('location')).toBe(`${APP}/auth/error?reason=denied`);
  });

  it('rate-limits sign-in attempts per client', async () => {
    const limited = { ...deps, limiter: new RateLimiter({ perMinute: 2 }, null) };
    const go = () =>
      handleSignIn(
        new Request(`${APP}/auth/sign-in`, { headers: { host: 'localhost:3000', 'x-forwarded-for': '203.0.113.7' } }),
        limited,
      );
    const statuses = [(await go()).status, (await go()).status];
    const third = await go();
    expect(statuses).toEqual([302, 302]);
    expect(third.headers.get('location')).toBe(`${APP}/auth/error?reason=rate_limited`);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('signs out with a same-origin POST only, ending the session with an audit event', async () => {
    const { done } = await signInAs('admin@rekey.example');
    const session = cookiesOf(done).get(SESSION_COOKIE_PLAIN)!;
    const cookie = `${SESSION_COOKIE_PLAIN}=${session}`;
    const cross = await handleSignOut(
      new Request(`${APP}/auth/sign-out`, {
        method: 'POST',
        headers: { host: 'localhost:3000', origin: 'https://evil.example', cookie },
      }),
      deps,
    );
    expect(cross.status).toBe(403);
    expect((await readSession(db, key, session, { now: new Date(), policy: DEFAULT_SESSION_POLICY })).ok).toBe(true);
    const out = await handleSignOut(
      new Request(`${APP}/auth/sign-out`, { method: 'POST', headers: { host: 'localhost:3000', origin: APP, cookie } }),
      deps,
    );
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe(`${APP}/auth/signed-out`);
    expect(out.headers.getSetCookie().join()).toMatch(/rekey_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/);
    expect((await readSession(db, key, session, { now: new Date(), policy: DEFAULT_SESSION_POLICY })).ok).toBe(false);
    expect(await db.auditEvent.count({ where: { action: 'user.sign_out' } })).toBe(1);
  });
});
