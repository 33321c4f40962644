/**
 * Users and role assignments (Settings › Users, `rekey users`). Each use case validates,
 * writes and appends its audit event in one transaction. Guards:
 * - an admin grant is always fleet-wide (a scoped admin could widen their own scope);
 * - the last enabled fleet-wide admin cannot be revoked or disabled (nobody could fix it);
 * - admins cannot disable themselves;
 * - disabling a user deletes their sessions at once (and readSession refuses disabled users).
 */
import { z } from 'zod';
import { refuseControlCharacters } from '@/lib/text/single-line';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import type { Db, Prisma } from '@/lib/db';
import { isUniqueViolation } from '@/lib/db';
import type { UseCaseContext } from '@/lib/use-case';
import { RekeyError } from '@/lib/errors';
import { ROLES } from '@/lib/auth/principal';

const USERS_LOCK_KEY = 7_264_502; // same lock as sign-in provisioning

/** Accepts an array, one value, or nothing (FormData gives one string for one selected option). */
function list<T extends z.ZodType>(item: T, max: number) {
  return z.preprocess(
    (v) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]),
    z.array(item).max(max),
  );
}

/** Groups typed as "north, south" in one field, or given as a list. */
const groupList = z.preprocess(
  (v) =>
    v === undefined || v === null
      ? []
      : (Array.isArray(v) ? v : [v])
          .flatMap((s) => String(s).split(','))
          .map((s) => s.trim())
          .filter(Boolean),
  z
    .array(
      z
        .string()
        .min(1)
        .max(100)
        .regex(/^[\p{L}\p{N} ._:/-]+$/u, 'letters, digits, spaces and . _ : / - only'),
    )
    .max(100),
);

export const GrantRoleSchema = z.object({
  userId: z.uuid(),
  role: z.enum(ROLES),
  tenantIds: list(z.uuid(), 1000),
  groups: groupList,
});
export type GrantRoleInput = z.infer<typeof GrantRoleSchema>;

export const RevokeRoleSchema = z.object({ assignmentId: z.uuid() });
export type RevokeRoleInput = z.infer<typeof RevokeRoleSchema>;

export const SetUserDisabledSchema = z.object({
  userId: z.uuid(),
  disabled: z.preprocess((v) => v === true || v === 'true' || v === 'on' || v === '1', z.boolean()),
});
export type SetUserDisabledInput = z.infer<typeof SetUserDisabledSchema>;

export const CreateUserSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email().max(320)),
  name: z.string().trim().max(200).superRefine(refuseControlCharacters).optional(),
});
export type CreateUserInput = z.infer<typeof CreateUserSchema>;

type Tx = Prisma.TransactionClient;

async function lock(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${USERS_LOCK_KEY})`;
}

async function enabledFleetAdmins(tx: Tx): Promise<{ userId: string; id: string }[]> {
  return tx.roleAssignment.findMany({
    where: { role: 'admin', allTenants: true, user: { disabled: false } },
    select: { id: true, userId: true },
  });
}

function describeAssignment(a: {
  id: string;
  role: string;
  allTenants: boolean;
  tenants: { tenantId: string }[];
  groups: string[];
}) {
  return {
    assignmentId: a.id,
    role: a.role,
    allTenants: a.allTenants,
    tenantIds: a.tenants.map((t) => t.tenantId).sort(),
    groups: [...a.groups].sort(),
  };
}

export async function grantRole(ctx: UseCaseContext, input: GrantRoleInput) {
  const { db, actor, now } = ctx;
  const scoped = input.tenantIds.length > 0 || input.groups.length > 0;
  if (input.role === 'admin' && scoped) {
    throw new RekeyError(
      'BAD_INPUT',
      'Admin is always for all tenants. Grant Operator or Viewer to limit someone to some tenants.',
      { fieldErrors: { role: ['Admin cannot be limited to tenants'] } },
    );
  }
  return db.$transaction(async (tx) => {
    await lock(tx);
    const user = await tx.user.findUnique({ where: { id: input.userId }, select: { id: true, email: true } });
    if (!user) throw new RekeyError('NOT_FOUND', 'User not found.');
    const tenantIds = [...new Set(input.tenantIds)];
    if (tenantIds.length > 0) {
      const found = await tx.tenant.count({ where: { id: { in: tenantIds } } });
      if (found !== tenantIds.length)
        throw new RekeyError('BAD_INPUT', 'Some of the selected tenants do not exist.', {
          fieldErrors: { tenantIds: ['unknown tenant'] },
        });
    }
    const groups = [...new Set(input.groups)];
    const created = await tx.roleAssignment.create({
      data: {
        userId: user.id,
        role: input.role,
        allTenants: !scoped,
        groups,
        createdAt: now,
        tenants: { create: tenantIds.map((tenantId) => ({ tenantId })) },
      },
      include: { tenants: { select: { tenantId: true } } },
    });
    const after = describeAssignment(created);
    await appendAuditEvent(
      tx,
      actor,
      { action: 'role.grant', targetType: 'user', targetId: user.id, after: { ...after, email: user.email } },
      now,
    );
    return after;
  });
}

export async function revokeRole(ctx: UseCaseContext, input: RevokeRoleInput) {
  const { db, actor, now } = ctx;
  return db.$transaction(async (tx) => {
    await lock(tx);
    const a = await tx.roleAssignment.findUnique({
      where: { id: input.assignmentId },
      include: { tenants: { select: { tenantId: true } }, user: { select: { email: true, disabled: true } } },
    });
    if (!a) throw new RekeyError('NOT_FOUND', 'Role assignment not found.');
    if (a.role === 'admin' && a.allTenants && !a.user.disabled) {
      const admins = await enabledFleetAdmins(tx);
      if (admins.filter((x) => x.id !== a.id).length === 0)
        throw new RekeyError('CONFLICT', 'This is the last admin role: grant Admin to someone else first.');
    }
    await tx.roleAssignment.delete({ where: { id: a.id } });
    const before = describeAssignment(a);
    await appendAuditEvent(
      tx,
      actor,
      { action: 'role.revoke', targetType: 'user', targetId: a.userId, before: { ...before, email: a.user.email } },
      now,
    );
    return before;
  });
}

export async function setUserDisabled(ctx: UseCaseContext, input: SetUserDisabledInput) {
  const { db, actor, now } = ctx;
  return db.$transaction(async (tx) => {
    await lock(tx);
    const user = await tx.user.findUnique({
      where: { id: input.userId },
      select: { id: true, email: true, disabled: true },
    });
    if (!user) throw new RekeyError('NOT_FOUND', 'User not found.');
    if (input.disabled && actor.id === user.id)
      throw new RekeyError('CONFLICT', 'You cannot disable your own account.');
    if (input.disabled && !user.disabled) {
      const admins = await enabledFleetAdmins(tx);
      if (admins.length > 0 && admins.every((x) => x.userId === user.id))
        throw new RekeyError('CONFLICT', 'This is the last admin: grant Admin to someone else first.');
    }
    await tx.user.update({ where: { id: user.id }, data: { disabled: input.disabled } });
    const { count: sessionsEnded } = input.disabled
      ? await tx.session.deleteMany({ where: { userId: user.id } })
      : { count: 0 };
    await appendAuditEvent(
      tx,
      actor,
      {
        action: input.disabled ? 'user.disable' : 'user.enable',
        targetType: 'user',
        targetId: user.id,
        before: { disabled: user.disabled },
        after: { disabled: input.disabled, sessionsEnded, email: user.email },
      },
      now,
    );
    return { userId: user.id, disabled: input.disabled, sessionsEnded };
  });
}

/** Pre-provisions a user by sign-in name (linked to the Entra account at first sign-in). */
export async function createUser(ctx: UseCaseContext, input: CreateUserInput) {
  const { db, actor, now } = ctx;
  try {
    return await db.$transaction(async (tx) => {
      await lock(tx);
      const user = await tx.user.create({
        data: { email: input.email, name: input.name || input.email, createdAt: now },
      });
      await appendAuditEvent(
        tx,
        actor,
        {
          action: 'user.create',
          targetType: 'user',
          targetId: user.id,
          after: { email: user.email, name: user.name, via: 'admin' },
        },
        now,
      );
      return { id: user.id, email: user.email, name: user.name };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new RekeyError('CONFLICT', `A user named ${input.email} already exists.`);
    throw e;
  }
}

export interface UserRow {
  id: string;
  email: string;
  name: string;
  disabled: boolean;
  linked: boolean;
  lastSignIn: Date | null;
  createdAt: Date;
  activeSessions: number;
  roles: {
    assignmentId: string;
    role: string;
    allTenants: boolean;
    tenants: { id: string; displayName: string }[];
    groups: string[];
  }[];
}

/** Every user with their role assignments and live sessions (Settings › Users, `rekey users list`). */
export async function listUsers({ db, now }: Pick<UseCaseContext, 'db' | 'now'>): Promise<UserRow[]> {
  const users = await db.user.findMany({
    orderBy: [{ disabled: 'asc' }, { email: 'asc' }],
    take: 2000,
    include: {
      roles: {
        orderBy: { createdAt: 'asc' },
        include: { tenants: { include: { tenant: { select: { id: true, displayName: true } } } } },
      },
      _count: { select: { sessions: { where: { expiresAt: { gt: now } } } } },
    },
  });
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    disabled: u.disabled,
    linked: u.oid !== null,
    lastSignIn: u.lastSignIn,
    createdAt: u.createdAt,
    activeSessions: u._count.sessions,
    roles: u.roles.map((r) => ({
      assignmentId: r.id,
      role: r.role,
      allTenants: r.allTenants,
      tenants: r.tenants.map((t) => t.tenant).sort((a, b) => a.displayName.localeCompare(b.displayName)),
      groups: r.groups,
    })),
  }));
}

export async function findUserByEmail(db: Db, email: string) {
  return db.user.findFirst({
    where: { email: { equals: email.trim(), mode: 'insensitive' } },
    include: { roles: { include: { tenants: { select: { tenantId: true } } } } },
  });
}

/** How many tenants the role picker offers by name (groups and the CLI reach the others). */
export const TENANT_PICKER_LIMIT = 1000;

/** What a role can be scoped to in Settings › Users: tenants by name (up to the picker limit) and every group in use. */
export async function listAssignableScopes({ db }: Pick<UseCaseContext, 'db'>) {
  const [tenants, groupRows] = await Promise.all([
    db.tenant.findMany({
      select: { id: true, displayName: true, defaultDomain: true },
      orderBy: { displayName: 'asc' },
      take: TENANT_PICKER_LIMIT,
    }),
    db.tenant.findMany({
      where: { group: { not: null } },
      distinct: ['group'],
      select: { group: true },
      orderBy: { group: 'asc' },
      take: 500,
    }),
  ]);
  return { tenants, groups: groupRows.map((g) => g.group).filter((g): g is string => Boolean(g)) };
}
