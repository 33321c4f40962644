/**
 * Server-side sessions. The cookie holds a random 256-bit token, sealed (AES-256-GCM, see
 * cookie-crypto.ts); the database holds only its SHA-256, so a database read does not yield
 * usable cookies. Expiry is enforced here, on every read, with `now` passed in:
 * - absolute: `expiresAt` = sign-in + REKEY_SESSION_MAX_HOURS (default 12 h);
 * - idle: no request for REKEY_SESSION_IDLE_MINUTES (default 30 min). `lastSeenAt` is written
 *   at most once a minute per session, so reads stay cheap.
 * Disabled users and users without the session row are signed out.
 */
import { Prisma, queryRows, type Db } from '@/lib/db';
import { SESSION_COOKIE_PLAIN, SESSION_COOKIE_SECURE } from '@/lib/auth/session-cookie-names';
import { newSessionToken, openCookie, sealCookie, sessionIdFor } from '@/lib/auth/cookie-crypto';
import { isRole, type Principal } from '@/lib/auth/principal';

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
  /** Write lastSeenAt when it is older than this. */
  touchEveryMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3600_000,
  touchEveryMs: 60_000,
};

export function sessionPolicyFrom(e: {
  REKEY_SESSION_IDLE_MINUTES: number;
  REKEY_SESSION_MAX_HOURS: number;
}): SessionPolicy {
  return {
    idleMs: e.REKEY_SESSION_IDLE_MINUTES * 60_000,
    absoluteMs: e.REKEY_SESSION_MAX_HOURS * 3600_000,
    touchEveryMs: 60_000,
  };
}

export { SESSION_COOKIE_PLAIN, SESSION_COOKIE_SECURE };

export function sessionCookieName(secure: boolean): string {
  return secure ? SESSION_COOKIE_SECURE : SESSION_COOKIE_PLAIN;
}

export interface CookieSpec {
  name: string;
  value: string;
  httpOnly: true;
  secure: boolean;
  sameSite: 'lax';
  path: '/';
  expires?: Date;
  maxAge?: number;
}

export function sessionCookie(secure: boolean, value: string, expiresAt: Date): CookieSpec {
  return {
    name: sessionCookieName(secure),
    value,
    httpOnly: true,
    secure,
    sameSite: 'lax',
    path: '/',
    expires: expiresAt,
  };
}

export function clearedSessionCookie(secure: boolean): CookieSpec {
  return {
    name: sessionCookieName(secure),
    value: '',
    httpOnly: true,
    secure,
    sameSite: 'lax',
    path: '/',
    maxAge: 0,
    expires: new Date(0),
  };
}

const principalInclude = {
  roles: { include: { tenants: { select: { tenantId: true } } }, orderBy: { createdAt: 'asc' } },
} as const satisfies Prisma.UserInclude;

/** A user with its role assignments, as `principalInclude` reads it (or readSession's one statement). */
type UserWithRoles = Pick<Prisma.UserGetPayload<{ include: typeof principalInclude }>, 'id' | 'email' | 'name'> & {
  roles: { role: string; allTenants: boolean; groups: string[]; tenants: { tenantId: string }[] }[];
};

export function toPrincipal(user: UserWithRoles): Principal {
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    roles: user.roles.flatMap((r) =>
      isRole(r.role)
        ? [
            {
              role: r.role,
              allTenants: r.allTenants,
              tenantIds: r.tenants.map((t) => t.tenantId).sort(),
              groups: [...r.groups].sort(),
            },
          ]
        : [],
    ),
  };
}

/** The principal for a user id, or null when the user is missing or disabled. */
export async function loadPrincipal(db: Db | Prisma.TransactionClient, userId: string): Promise<Principal | null> {
  const user = await db.user.findUnique({ where: { id: userId }, include: principalInclude });
  return user && !user.disabled ? toPrincipal(user) : null;
}

export interface CreatedSession {
  /** The raw token; only ever leaves this module sealed in the cookie. */
  token: string;
  /** The cookie value: the token sealed with the cookie key. */
  cookieValue: string;
  sessionId: string;
  expiresAt: Date;
}

export async function createSession(
  db: Db | Prisma.TransactionClient,
  key: Buffer,
  input: { userId: string; now: Date; policy: SessionPolicy; clientIp?: string | null; userAgent?: string | null },
): Promise<CreatedSession> {
  const token = newSessionToken();
  const sessionId = sessionIdFor(token);
  const expiresAt = new Date(input.now.getTime() + input.policy.absoluteMs);
  await db.session.create({
    data: {
      id: sessionId,
      userId: input.userId,
      createdAt: input.now,
      lastSeenAt: input.now,
      expiresAt,
      clientIp: input.clientIp ?? null,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
    },
  });
  return { token, cookieValue: sealCookie(key, 'session', token), sessionId, expiresAt };
}

export type SessionEnd = 'none' | 'invalid' | 'expired' | 'idle' | 'disabled';

export interface ReadSession {
  principal: Principal;
  sessionId: string;
  expiresAt: Date;
}

/**
 * The session behind a cookie value, or why there is none. Expired and idle sessions are
 * deleted on the way. `touch: false` skips the lastSeenAt write (read-only contexts).
 */
export async function readSession(
  db: Db,
  key: Buffer,
  cookieValue: string | undefined,
  opts: { now: Date; policy: SessionPolicy; touch?: boolean },
): Promise<{ ok: true; session: ReadSession } | { ok: false; reason: SessionEnd }> {
  if (!cookieValue) return { ok: false, reason: 'none' };
  const token = openCookie(key, 'session', cookieValue);
  if (!token) return { ok: false, reason: 'invalid' };
  const sessionId = sessionIdFor(token);
  const row = await loadSessionRow(db, sessionId);
  if (!row) return { ok: false, reason: 'invalid' };
  const now = opts.now.getTime();
  if (row.expiresAt.getTime() <= now) {
    await db.session.deleteMany({ where: { id: sessionId } });
    return { ok: false, reason: 'expired' };
  }
  if (now - row.lastSeenAt.getTime() > opts.policy.idleMs) {
    await db.session.deleteMany({ where: { id: sessionId } });
    return { ok: false, reason: 'idle' };
  }
  if (row.disabled) {
    await db.session.deleteMany({ where: { userId: row.userId } });
    return { ok: false, reason: 'disabled' };
  }
  if (opts.touch !== false && now - row.lastSeenAt.getTime() >= opts.policy.touchEveryMs) {
    await db.session.updateMany({ where: { id: sessionId }, data: { lastSeenAt: opts.now } });
  }
  return {
    ok: true,
    session: {
      principal: toPrincipal({
        id: row.userId,
        email: row.email,
        name: row.name,
        roles: row.roles.map((r) => ({ ...r, tenants: r.tenantIds.map((tenantId) => ({ tenantId })) })),
      }),
      sessionId,
      expiresAt: row.expiresAt,
    },
  };
}

interface SessionRow {
  userId: string;
  lastSeenAt: Date;
  expiresAt: Date;
  email: string;
  name: string;
  disabled: boolean;
  roles: { role: string; allTenants: boolean; groups: string[]; tenantIds: string[] }[];
}

/**
 * The session with its user and role assignments in one statement (every page and action reads
 * it: Prisma's `include` sent four and compiled each request in WebAssembly, ADR 038). Roles in
 * `principalInclude`'s order (creation, then id for ties); toPrincipal sorts their tenants and groups.
 */
async function loadSessionRow(db: Db, sessionId: string): Promise<SessionRow | undefined> {
  const [row] = await queryRows<SessionRow>(
    db,
    Prisma.sql`
      SELECT s."userId", s."lastSeenAt", s."expiresAt", u.email, u.name, u.disabled,
             coalesce((SELECT json_agg(json_build_object(
                                'role', r.role, 'allTenants', r."allTenants", 'groups', r.groups,
                                'tenantIds', ARRAY(SELECT st."tenantId"::text FROM "ScopeTenant" st WHERE st."assignmentId" = r.id))
                              ORDER BY r."createdAt", r.id)
                       FROM "RoleAssignment" r WHERE r."userId" = u.id), '[]'::json) AS roles
      FROM "Session" s JOIN "User" u ON u.id = s."userId"
      WHERE s.id = ${sessionId}`,
  );
  return row;
}

/** Deletes the session behind a cookie value (no-op for unknown or tampered values). */
export async function destroySession(
  db: Db | Prisma.TransactionClient,
  key: Buffer,
  cookieValue: string | undefined,
): Promise<string | null> {
  const token = openCookie(key, 'session', cookieValue);
  if (!token) return null;
  const sessionId = sessionIdFor(token);
  const found = await db.session.findUnique({ where: { id: sessionId }, select: { userId: true } });
  await db.session.deleteMany({ where: { id: sessionId } });
  return found?.userId ?? null;
}

export async function destroyUserSessions(db: Db | Prisma.TransactionClient, userId: string): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { userId } });
  return count;
}

/** Housekeeping for a periodic job: drops sessions past their absolute or idle expiry. */
export async function deleteExpiredSessions(db: Db, now: Date, policy: SessionPolicy): Promise<number> {
  const { count } = await db.session.deleteMany({
    where: { OR: [{ expiresAt: { lte: now } }, { lastSeenAt: { lt: new Date(now.getTime() - policy.idleMs) } }] },
  });
  return count;
}
