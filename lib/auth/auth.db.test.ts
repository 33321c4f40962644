import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { db } from '@/lib/db';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { createDefineAction, createDefineRoute } from '@/lib/auth/action';
import type { AuthDeps } from '@/lib/auth/auth-core';
import { deriveCookieKey, sealCookie } from '@/lib/auth/cookie-crypto';
import type { IdTokenClaims } from '@/lib/auth/id-token';
import { grantRole, listAssignableScopes, listUsers, revokeRole, setUserDisabled } from '@/lib/auth/manage-users';
import { createUseCaseContext } from '@/lib/use-case-defaults';
import { parseAdminList, signInUser, type SignInPolicy } from '@/lib/auth/provision-user';
import {
  createSession,
  DEFAULT_SESSION_POLICY,
  loadPrincipal,
  readSession,
  SESSION_COOKIE_PLAIN,
} from '@/lib/auth/session';
import { requireTenantAccess } from '@/lib/auth/tenant-access';
import { RekeyError } from '@/lib/errors';
import type { RequestContext } from '@/lib/http/request-context';
import { auditWhere, AuditFilterSchema, exportAuditEvents, listAuditEvents } from '@/lib/audit/list-audit-events';

const key = deriveCookieKey('test-secret-'.repeat(4));
const policy = DEFAULT_SESSION_POLICY;
const T0 = new Date('2026-03-01T09:00:00Z');
const HOME = '11111111-1111-4111-8111-111111111111';
const OTHER_TENANT = '22222222-2222-4222-8222-222222222222';
const MIN = 60_000;

let n = 0;
function claims(over: Partial<IdTokenClaims> = {}): IdTokenClaims {
  n++;
  return {
    oid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    tid: HOME,
    sub: `s${n}`,
    name: `User ${n}`,
    preferredUsername: `user${n}@rekey.example`,
    nonce: 'x',
    iss: 'i',
    exp: 0,
    ...over,
  };
}

async function signIn(c: IdTokenClaims, p: SignInPolicy = { admins: null, homeTenant: HOME }, now = T0) {
  return signInUser(db, c, { policy: p, now, sessionPolicy: policy, cookieKey: key });
}

async function resetPeople() {
  await db.session.deleteMany();
  await db.roleAssignment.deleteMany();
  await db.user.deleteMany();
}

async function makeUser(
  email: string,
  roles: { role: 'admin' | 'operator' | 'viewer'; tenantIds?: string[]; groups?: string[] }[] = [],
) {
  const user = await db.user.create({ data: { email, name: email } });
  for (const r of roles) {
    const scoped = (r.tenantIds?.length ?? 0) + (r.groups?.length ?? 0) > 0;
    await db.roleAssignment.create({
      data: {
        userId: user.id,
        role: r.role,
        allTenants: !scoped,
        groups: r.groups ?? [],
        tenants: { create: (r.tenantIds ?? []).map((tenantId) => ({ tenantId })) },
      },
    });
  }
  const s = await createSession(db, key, { userId: user.id, now: new Date(), policy });
  return { user, cookie: s.cookieValue };
}

let tenantA: { id: string };
let tenantB: { id: string };

beforeEach(async () => {
  await resetPeople();
  await db.tenant.deleteMany();
  tenantA = await db.tenant.create({
    data: { entraTenantId: crypto.randomUUID(), displayName: 'Contoso', group: 'north' },
  });
  tenantB = await db.tenant.create({
    data: { entraTenantId: crypto.randomUUID(), displayName: 'Fabrikam', group: 'south' },
  });
});

describe('sessions', () => {
  async function session() {
    const user = await db.user.create({ data: { email: `s${crypto.randomUUID()}@x.test`, name: 'S' } });
    await db.roleAssignment.create({ data: { userId: user.id, role: 'viewer' } });
    const s = await createSession(db, key, { userId: user.id, now: T0, policy });
    return { user, s };
  }
  const at = (ms: number) => ({ now: new Date(T0.getTime() + ms), policy });

  it('reads a fresh session as its principal', async () => {
    const { user, s } = await session();
    const r = await readSession(db, key, s.cookieValue, at(1000));
    expect(r).toMatchObject({
      ok: true,
      session: {
        principal: { userId: user.id, roles: [{ role: 'viewer', allTenants: true, tenantIds: [], groups: [] }] },
      },
    });
  });

  it('reads every grant as the typed query does: roles in creation order, tenants and groups sorted', async () => {
    const user = await db.user.create({ data: { email: `g${crypto.randomUUID()}@x.test`, name: 'Grants' } });
    const t = (ms: number) => new Date(T0.getTime() - ms);
    await db.roleAssignment.create({
      data: {
        userId: user.id,
        role: 'operator',
        allTenants: false,
        groups: ['west', 'east'],
        createdAt: t(3000),
        tenants: { create: [{ tenantId: tenantB.id }, { tenantId: tenantA.id }] },
      },
    });
    await db.roleAssignment.create({ data: { userId: user.id, role: 'viewer', createdAt: t(2000) } });
    await db.roleAssignment.create({
      data: { userId: user.id, role: 'admin', allTenants: false, groups: ['north'], createdAt: t(1000) },
    });
    const s = await createSession(db, key, { userId: user.id, now: T0, policy });
    const r = await readSession(db, key, s.cookieValue, at(1000));
    const typed = await loadPrincipal(db, user.id);
    expect(r.ok && r.session.principal).toEqual(typed);
    expect(typed!.roles).toEqual([
      {
        role: 'operator',
        allTenants: false,
        tenantIds: [tenantA.id, tenantB.id].sort(),
        groups: ['east', 'west'],
      },
      { role: 'viewer', allTenants: true, tenantIds: [], groups: [] },
      { role: 'admin', allTenants: false, tenantIds: [], groups: ['north'] },
    ]);
    expect(r.ok && r.session.expiresAt).toEqual(s.expiresAt);
  });

  it('reads a user without any role as a principal without roles', async () => {
    const user = await db.user.create({ data: { email: `n${crypto.randomUUID()}@x.test`, name: 'None' } });
    const s = await createSession(db, key, { userId: user.id, now: T0, policy });
    const r = await readSession(db, key, s.cookieValue, at(1000));
    expect(r).toMatchObject({ ok: true, session: { principal: { userId: user.id, name: 'None', roles: [] } } });
  });

  it('stores only the SHA-256 of the token', async () => {
    const { s } = await session();
    const row = await db.session.findUniqueOrThrow({ where: { id: s.sessionId } });
    expect(row.id).not.toBe(s.token);
    expect(JSON.stringify(row)).not.toContain(s.token);
  });

  it.each([
    ['active within the idle window', [29 * MIN], true, null],
    ['idle for longer than 30 minutes', [31 * MIN], false, 'idle'],
    [
      'kept alive by requests every 20 minutes, until the 12 h absolute limit',
      [
        20, 40, 60, 80, 100, 120, 140, 160, 180, 200, 220, 240, 260, 280, 300, 320, 340, 360, 380, 400, 420, 440, 460,
        480, 500, 520, 540, 560, 580, 600, 620, 640, 660, 680, 700, 720,
      ].map((m) => m * MIN),
      false,
      'expired',
    ],
  ] as const)('%s', async (_name, times, lastOk, reason) => {
    const { s } = await session();
    let r;
    for (const t of times) r = await readSession(db, key, s.cookieValue, at(t));
    expect(r!.ok).toBe(lastOk);
    if (!r!.ok) expect(r!.reason).toBe(reason);
  });

  it('deletes an idle session, so a later read fails too', async () => {
    const { s } = await session();
    await readSession(db, key, s.cookieValue, at(31 * MIN));
    expect(await db.session.count({ where: { id: s.sessionId } })).toBe(0);
  });

  it('writes lastSeenAt at most once a minute', async () => {
    const { s } = await session();
    await readSession(db, key, s.cookieValue, at(30_000));
    expect((await db.session.findUniqueOrThrow({ where: { id: s.sessionId } })).lastSeenAt).toEqual(T0);
    await readSession(db, key, s.cookieValue, at(61_000));
    expect((await db.session.findUniqueOrThrow({ where: { id: s.sessionId } })).lastSeenAt).toEqual(
      new Date(T0.getTime() + 61_000),
    );
  });

  it.each([
    ['no cookie', undefined, 'none'],
    ['garbage', 'abc', 'invalid'],
    ['a token sealed with another key', sealCookie(deriveCookieKey('z'.repeat(40)), 'session', 'tok'), 'invalid'],
    ['a sign-in flow cookie replayed as a session', sealCookie(key, 'signin-flow', 'tok'), 'invalid'],
    ['a well-sealed unknown token', sealCookie(key, 'session', 'unknown-token'), 'invalid'],
  ])('refuses %s', async (_name, value, reason) => {
    expect(await readSession(db, key, value, at(0))).toEqual({ ok: false, reason });
  });

  it('signs out a disabled user at once', async () => {
    const { user, s } = await session();
    await db.user.update({ where: { id: user.id }, data: { disabled: true } });
    expect(await readSession(db, key, s.cookieValue, at(1000))).toEqual({ ok: false, reason: 'disabled' });
  });
});

describe('first sign-in', () => {
  beforeEach(resetPeople);

  it('makes the first user of the home tenant admin, and nobody after', async () => {
    const first = await signIn(claims());
    const second = await signIn(claims());
    expect(first).toMatchObject({
      created: true,
      bootstrap: 'first_user',
      principal: { roles: [{ role: 'admin', allTenants: true }] },
    });
    expect(second).toMatchObject({ created: true, bootstrap: null, principal: { roles: [] } });
    const actions = (
      await db.auditEvent.findMany({ where: { actorId: first.principal.userId }, orderBy: { seq: 'asc' } })
    ).map((e) => e.action);
    expect(actions).toEqual(['user.create', 'role.grant', 'user.sign_in']);
  });

  it('does not make a first user from another tenant admin', async () => {
    const r = await signIn(claims({ tid: OTHER_TENANT }));
    expect(r.principal.roles).toEqual([]);
  });

  it('refuses to guess the first admin when sign-in is open to any organization', async () => {
    await expect(signIn(claims(), { admins: null, homeTenant: null })).rejects.toMatchObject({ code: 'CONFIG' });
    expect(await db.user.count()).toBe(0);
  });

  it('with REKEY_ADMINS, makes listed names admin and nobody else, first or not', async () => {
    const admins = parseAdminList(' Boss@Rekey.example, other@rekey.example ');
    const stranger = await signIn(claims(), { admins, homeTenant: HOME });
    const boss = await signIn(claims({ preferredUsername: 'boss@REKEY.example' }), { admins, homeTenant: HOME });
    expect(stranger).toMatchObject({ bootstrap: null, principal: { roles: [] } });
    expect(boss).toMatchObject({
      bootstrap: 'admin_list',
      principal: { email: 'boss@rekey.example', roles: [{ role: 'admin' }] },
    });
  });

  it('recognises a returning user by object id, even after a rename', async () => {
    const c = claims();
    const a = await signIn(c);
    const b = await signIn({ ...c, preferredUsername: 'renamed@rekey.example', name: 'New Name' });
    expect(b.principal.userId).toBe(a.principal.userId);
    expect(b.created).toBe(false);
    expect(await db.session.count({ where: { userId: a.principal.userId } })).toBe(2);
  });

  it('links a pre-provisioned user by sign-in name for home-tenant accounts only', async () => {
    await signIn(claims()); // someone is first
    const pre = await db.user.create({ data: { email: 'pre@rekey.example', name: 'Pre' } });
    await db.roleAssignment.create({ data: { userId: pre.id, role: 'operator' } });
    await expect(signIn(claims({ preferredUsername: 'PRE@rekey.example', tid: OTHER_TENANT }))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const linked = await signIn(claims({ preferredUsername: 'pre@rekey.example' }));
    expect(linked.principal).toMatchObject({ userId: pre.id, roles: [{ role: 'operator' }] });
    await expect(signIn(claims({ preferredUsername: 'pre@rekey.example' }))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('refuses a disabled user', async () => {
    const c = claims();
    const a = await signIn(c);
    await db.user.update({ where: { id: a.principal.userId }, data: { disabled: true } });
    await expect(signIn(c)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('makes exactly one first admin when two people sign in at once', async () => {
    const results = await Promise.all([signIn(claims()), signIn(claims()), signIn(claims())]);
    expect(results.filter((r) => r.bootstrap === 'first_user')).toHaveLength(1);
  });
});

// ─── The wrappers, driven with fabricated requests against the real database ──────────────────

const errors: string[] = [];
const deps: AuthDeps = {
  db,
  cookieKey: key,
  policy,
  origin: { trustProxy: false },
  now: () => new Date(),
  logError: (m) => errors.push(m),
};

function request(cookie: string | undefined, headers: Record<string, string> = {}): RequestContext {
  const h = new Headers({
    host: 'localhost:3000',
    origin: 'http://localhost:3000',
    'x-request-id': 'req-test-1',
    ...headers,
  });
  return { headers: h, cookie: (name) => (name === SESSION_COOKIE_PLAIN ? cookie : undefined) };
}

function actionsFor(req: RequestContext) {
  const define = createDefineAction(
    () => deps,
    async () => req,
  );
  const Rename = z.object({ tenantId: z.string(), name: z.string().min(2).max(50) });
  return {
    renameTenant: define({
      name: 'tenant.rename',
      role: 'operator',
      input: Rename,
      handler: async (input, { principal, actor, now }) => {
        const tenant = await requireTenantAccess(principal, input.tenantId, 'operator', db);
        return db.$transaction(async (tx) => {
          await tx.tenant.update({ where: { id: tenant.id }, data: { displayName: input.name } });
          await appendAuditEvent(
            tx,
            actor,
            {
              action: 'tenant.rename',
              targetType: 'tenant',
              targetId: tenant.id,
              tenantId: tenant.id,
              before: { name: tenant.displayName },
              after: { name: input.name },
            },
            now,
          );
          return { id: tenant.id };
        });
      },
    }),
    readTenant: define({
      role: 'viewer',
      input: z.object({ tenantId: z.string() }),
      handler: async (input, { principal }) =>
        (await requireTenantAccess(principal, input.tenantId, 'viewer', db)).displayName,
    }),
    adminOnly: define({ role: 'admin', input: z.object({}), handler: async () => 'ok' }),
    boom: define({
      name: 'boom',
      role: 'viewer',
      input: z.object({}),
      handler: async () => {
        throw new Error('db password=hunter2 leaked -----BEGIN PRIVATE KEY-----\nMIIabc\n-----END PRIVATE KEY-----');
      },
    }),
    upload: define({
      role: 'viewer',
      input: z.object({ file: z.instanceof(File) }),
      maxBytes: 1024,
      handler: async ({ file }) => file.size,
    }),
  };
}

describe('defineAction', () => {
  beforeEach(() => {
    errors.length = 0;
  });

  it('refuses an unauthenticated call', async () => {
    const r = await actionsFor(request(undefined)).renameTenant(null, { tenantId: tenantA.id, name: 'X' });
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses a viewer on a mutation, naming the role needed', async () => {
    const { cookie } = await makeUser('v@x.test', [{ role: 'viewer' }]);
    const r = await actionsFor(request(cookie)).renameTenant(null, { tenantId: tenantA.id, name: 'Renamed' });
    expect(r).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'This needs the Operator role.', requestId: 'req-test-1' },
    });
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenantA.id } })).displayName).toBe('Contoso');
  });

  it('refuses a signed-in user without any role', async () => {
    const { cookie } = await makeUser('none@x.test');
    expect(await actionsFor(request(cookie)).readTenant(null, { tenantId: tenantA.id })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it.each([
    ['another site', { origin: 'https://evil.example' }],
    ['no Origin header', { origin: '' }],
    ['a cross-site fetch', { 'sec-fetch-site': 'cross-site' }],
  ] as [string, Record<string, string>][])(
    'refuses a cross-origin call (%s), even from an admin',
    async (_name, headers) => {
      const { cookie } = await makeUser('a@x.test', [{ role: 'admin' }]);
      const req = request(cookie, headers);
      if (headers.origin === '') req.headers.delete('origin');
      const r = await actionsFor(req).adminOnly(null, {});
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: 'Cross-origin request refused.' } });
    },
  );

  it("runs an operator's change with its audit event, parsing FormData", async () => {
    const { user, cookie } = await makeUser('op@x.test', [{ role: 'operator' }]);
    const fd = new FormData();
    fd.set('tenantId', tenantA.id);
    fd.set('name', 'Contoso Ltd');
    fd.set('$ACTION_ID_abc', '');
    const r = await actionsFor(request(cookie)).renameTenant(null, fd);
    expect(r).toEqual({ ok: true, data: { id: tenantA.id } });
    const ev = await db.auditEvent.findFirstOrThrow({ where: { action: 'tenant.rename', targetId: tenantA.id } });
    expect(ev).toMatchObject({
      actorId: user.id,
      actorLabel: 'op@x.test',
      requestId: 'req-test-1',
      before: { name: 'Contoso' },
      after: { name: 'Contoso Ltd' },
    });
  });

  it('reports invalid input as field errors', async () => {
    const { cookie } = await makeUser('op2@x.test', [{ role: 'operator' }]);
    const r = await actionsFor(request(cookie)).renameTenant(null, { tenantId: tenantA.id, name: 'x' });
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', fieldErrors: { name: [expect.any(String)] } } });
  });

  it('refuses a NUL in any text field as a field error before the handler runs; nothing is written', async () => {
    const { cookie } = await makeUser('op-nul@x.test', [{ role: 'operator' }]);
    const r = await actionsFor(request(cookie)).renameTenant(null, { tenantId: tenantA.id, name: 'Evil\u0000Corp' });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', fieldErrors: { name: ['This contains a NUL character (U+0000); remove it.'] } },
    });
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenantA.id } })).displayName).not.toContain('\u0000');
    expect(errors).toEqual([]);
  });

  it('lets a scoped operator act on their tenant only; other tenants look nonexistent', async () => {
    const { cookie } = await makeUser('scoped@x.test', [{ role: 'operator', tenantIds: [tenantA.id] }]);
    const act = actionsFor(request(cookie));
    expect(await act.renameTenant(null, { tenantId: tenantA.id, name: 'Mine' })).toMatchObject({ ok: true });
    const guessed = await act.renameTenant(null, { tenantId: tenantB.id, name: 'Theirs' });
    const missing = await act.renameTenant(null, { tenantId: crypto.randomUUID(), name: 'Nobody' });
    const junk = await act.readTenant(null, { tenantId: "' OR 1=1 --" });
    for (const r of [guessed, missing, junk])
      expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: 'Tenant not found.' } });
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenantB.id } })).displayName).toBe('Fabrikam');
  });

  it('lets a group-scoped operator act on tenants of that group only', async () => {
    const { cookie } = await makeUser('north@x.test', [{ role: 'operator', groups: ['north'] }]);
    const act = actionsFor(request(cookie));
    expect(await act.readTenant(null, { tenantId: tenantA.id })).toEqual({ ok: true, data: 'Contoso' });
    expect(await act.readTenant(null, { tenantId: tenantB.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('says FORBIDDEN (not NOT_FOUND) when a tenant is visible but the role there is too low', async () => {
    const { cookie } = await makeUser('mixed@x.test', [
      { role: 'viewer' },
      { role: 'operator', tenantIds: [tenantB.id] },
    ]);
    const r = await actionsFor(request(cookie)).renameTenant(null, { tenantId: tenantA.id, name: 'Nope' });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('logs unexpected errors without secrets and returns INTERNAL without details', async () => {
    const { cookie } = await makeUser('boom@x.test', [{ role: 'viewer' }]);
    const r = await actionsFor(request(cookie)).boom(null, {});
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL', requestId: 'req-test-1' } });
    expect(JSON.stringify(r)).not.toContain('hunter2');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('boom');
    expect(errors[0]).not.toContain('hunter2');
    expect(errors[0]).not.toContain('MIIabc');
  });

  it('refuses uploads over the size limit', async () => {
    const { cookie } = await makeUser('up@x.test', [{ role: 'viewer' }]);
    const act = actionsFor(request(cookie));
    const small = new FormData();
    small.set('file', new File([new Uint8Array(100)], 'a.cer'));
    const big = new FormData();
    big.set('file', new File([new Uint8Array(5000)], 'b.cer'));
    expect(await act.upload(null, small)).toEqual({ ok: true, data: 100 });
    expect(await act.upload(null, big)).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});

describe('defineRoute', () => {
  const defineRoute = createDefineRoute(() => deps);
  const GET = defineRoute({
    role: 'viewer',
    input: z.object({ q: z.string().max(5).optional() }),
    handler: async (input, { principal }) => ({ q: input.q ?? null, me: principal.email }),
  });
  const POST = defineRoute({
    role: 'operator',
    input: z.object({ name: z.string() }),
    handler: async (input) => ({ hello: input.name }),
  });
  const ctx = { params: Promise.resolve({}) };
  const req = (
    method: string,
    cookie: string | undefined,
    init: { headers?: Record<string, string>; body?: string; query?: string } = {},
  ) =>
    new Request(`http://localhost:3000/x${init.query ?? ''}`, {
      method,
      headers: {
        host: 'localhost:3000',
        ...(cookie ? { cookie: `${SESSION_COOKIE_PLAIN}=${cookie}` } : {}),
        ...(method !== 'GET' ? { origin: 'http://localhost:3000', 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body ? { body: init.body } : {}),
    });

  it('answers 401 without a session', async () => {
    const res = await GET(req('GET', undefined), ctx);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('answers 403 for a viewer on a mutation and 200 for a read', async () => {
    const { cookie } = await makeUser('rv@x.test', [{ role: 'viewer' }]);
    expect((await POST(req('POST', cookie, { body: '{"name":"a"}' }), ctx)).status).toBe(403);
    const ok = await GET(req('GET', cookie, { query: '?q=abc' }), ctx);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, data: { q: 'abc', me: 'rv@x.test' } });
  });

  it('answers 400 for invalid query input', async () => {
    const { cookie } = await makeUser('rq@x.test', [{ role: 'viewer' }]);
    expect((await GET(req('GET', cookie, { query: '?q=toolong' }), ctx)).status).toBe(400);
  });

  it('refuses a cross-origin POST with 403', async () => {
    const { cookie } = await makeUser('ro@x.test', [{ role: 'admin' }]);
    const res = await POST(
      req('POST', cookie, { body: '{"name":"a"}', headers: { origin: 'https://evil.example' } }),
      ctx,
    );
    expect(res.status).toBe(403);
    expect((await POST(req('POST', cookie, { body: '{"name":"a"}' }), ctx)).status).toBe(200);
  });

  it('answers 413 for an oversized body', async () => {
    const { cookie } = await makeUser('rb@x.test', [{ role: 'operator' }]);
    const res = await POST(req('POST', cookie, { body: JSON.stringify({ name: 'x'.repeat(300_000) }) }), ctx);
    expect(res.status).toBe(413);
  });
});

describe('user management guards', () => {
  const actor = { id: null, label: 'test' };

  it('keeps the last admin', async () => {
    await resetPeople();
    const { user } = await makeUser('only-admin@x.test', [{ role: 'admin' }]);
    const a = await db.roleAssignment.findFirstOrThrow({ where: { userId: user.id } });
    await expect(
      revokeRole(createUseCaseContext({ db, actor, now: T0 }), { assignmentId: a.id }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(
      setUserDisabled(createUseCaseContext({ db, actor, now: T0 }), { userId: user.id, disabled: true }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('refuses a scoped admin grant', async () => {
    const { user } = await makeUser('x@x.test');
    await expect(
      grantRole(createUseCaseContext({ db, actor, now: T0 }), {
        userId: user.id,
        role: 'admin',
        tenantIds: [tenantA.id],
        groups: [],
      }),
    ).rejects.toBeInstanceOf(RekeyError);
  });

  it("ends a user's sessions when disabling them, with an audit event", async () => {
    await makeUser('admin2@x.test', [{ role: 'admin' }]);
    const { user, cookie } = await makeUser('victim@x.test', [{ role: 'operator' }]);
    const r = await setUserDisabled(createUseCaseContext({ db, actor, now: T0 }), { userId: user.id, disabled: true });
    expect(r.sessionsEnded).toBe(1);
    expect((await readSession(db, key, cookie, { now: new Date(), policy })).ok).toBe(false);
    expect(await db.auditEvent.count({ where: { action: 'user.disable', targetId: user.id } })).toBe(1);
  });

  it('grants a scoped role and audits it', async () => {
    const { user } = await makeUser('g@x.test');
    const after = await grantRole(createUseCaseContext({ db, actor, now: T0 }), {
      userId: user.id,
      role: 'operator',
      tenantIds: [tenantB.id, tenantA.id],
      groups: ['north'],
    });
    expect(after).toMatchObject({
      role: 'operator',
      allTenants: false,
      tenantIds: [tenantA.id, tenantB.id].sort(),
      groups: ['north'],
    });
    await expect(
      grantRole(createUseCaseContext({ db, actor, now: T0 }), {
        userId: user.id,
        role: 'viewer',
        tenantIds: [crypto.randomUUID()],
        groups: [],
      }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('audit visibility', () => {
  it("shows a scoped user their tenants' events and their own actions only", async () => {
    const { user } = await makeUser('aud@x.test', [{ role: 'viewer', tenantIds: [tenantA.id] }]);
    const other = { id: null, label: 'someone' };
    await db.$transaction(async (tx) => {
      await appendAuditEvent(tx, other, { action: 'vis.a', targetType: 't', tenantId: tenantA.id });
      await appendAuditEvent(tx, other, { action: 'vis.b', targetType: 't', tenantId: tenantB.id });
      await appendAuditEvent(tx, other, { action: 'vis.global', targetType: 't' });
      await appendAuditEvent(tx, { id: user.id, label: 'aud@x.test' }, { action: 'vis.mine', targetType: 't' });
    });
    const principal = {
      userId: user.id,
      email: 'aud@x.test',
      name: 'A',
      roles: [{ role: 'viewer' as const, allTenants: false, tenantIds: [tenantA.id], groups: [] }],
    };
    const where = await auditWhere(db, principal, AuditFilterSchema.parse({ action: 'vis.*' }));
    const seen = (await db.auditEvent.findMany({ where, orderBy: { seq: 'asc' } })).map((e) => e.action);
    expect(seen).toEqual(['vis.a', 'vis.mine']);
    const all = await auditWhere(
      db,
      { ...principal, roles: [{ role: 'viewer', allTenants: true, tenantIds: [], groups: [] }] },
      AuditFilterSchema.parse({ action: 'vis.*' }),
    );
    expect(await db.auditEvent.count({ where: all })).toBe(4);
  });

  it('lists and exports through the use-case context with the same scope, newest first', async () => {
    const { user } = await makeUser('aud2@x.test', [{ role: 'viewer', tenantIds: [tenantA.id] }]);
    const other = { id: null, label: 'someone' };
    await db.$transaction(async (tx) => {
      await appendAuditEvent(tx, other, { action: 'ctx.a', targetType: 't', tenantId: tenantA.id });
      await appendAuditEvent(tx, other, { action: 'ctx.b', targetType: 't', tenantId: tenantB.id, after: { n: 1 } });
      await appendAuditEvent(tx, { id: user.id, label: 'aud2@x.test' }, { action: 'ctx.mine', targetType: 't' });
    });
    const scoped = createUseCaseContext({
      db,
      actor: { id: user.id, label: 'aud2@x.test' },
      now: T0,
      principal: {
        userId: user.id,
        email: 'aud2@x.test',
        name: 'A',
        roles: [{ role: 'viewer', allTenants: false, tenantIds: [tenantA.id], groups: [] }],
      },
    });
    const filter = AuditFilterSchema.parse({ action: 'ctx.*' });
    const page = await listAuditEvents(scoped, filter);
    expect(page.total).toBe(2);
    expect(page.events.map((e) => e.action)).toEqual(['ctx.mine', 'ctx.a']);
    expect(page.tenants.map((t) => t.id)).toEqual([tenantA.id]);

    const csv = await exportAuditEvents(scoped, filter);
    const [header, ...rows] = csv.trimEnd().split('\r\n');
    expect(header!.split(',').slice(0, 5)).toEqual(['seq', 'at', 'actorLabel', 'actorId', 'action']);
    expect(rows.map((r) => r.split(',')[4])).toEqual(['ctx.mine', 'ctx.a']);

    const trusted = await exportAuditEvents(createUseCaseContext({ db, actor: other, now: T0 }), filter);
    expect(trusted).toContain('"{""n"":1}"');
    expect(trusted.trimEnd().split('\r\n')).toHaveLength(4);
  });
});

describe('Settings › Users reads', () => {
  it('lists users with their roles and live sessions, and the tenants and groups a role can be scoped to', async () => {
    const { user } = await makeUser('list@x.test', [{ role: 'operator', tenantIds: [tenantA.id] }]);
    const ctx = createUseCaseContext({ db, actor: { id: null, label: 'test' }, now: new Date() });
    const row = (await listUsers(ctx)).find((u) => u.id === user.id);
    expect(row).toMatchObject({ email: 'list@x.test', activeSessions: 1 });
    expect(row!.roles).toEqual([
      expect.objectContaining({
        role: 'operator',
        allTenants: false,
        tenants: [expect.objectContaining({ id: tenantA.id })],
      }),
    ]);
    const scopes = await listAssignableScopes(ctx);
    expect(scopes.tenants.map((t) => t.id)).toEqual(expect.arrayContaining([tenantA.id, tenantB.id]));
    expect(scopes.groups).toEqual(['north', 'south']);
  });
});
