/**
 * `rekey users list | grant EMAIL ROLE [--tenant T…] [--group G…] | revoke EMAIL [ROLE] | disable EMAIL | enable EMAIL`.
 * Run on the server by whoever may run it (no session): every change is audited with actor
 * `cli:<os user>`. `grant` pre-provisions the user when they never signed in; the account is
 * linked at first sign-in (home-tenant accounts only). --tenant takes a Rekey tenant id, an Entra
 * tenant id or the tenant's default domain.
 */
import { EXIT, UsageError, type Command } from '../command';
import { RekeyError } from '@/lib/errors';
import { isRole } from '@/lib/auth/principal';
import { cliActor } from '../actor';
import { emitRows, iso, listOptions, outputMode, type Column } from '../output';
import { withRuntime } from '../session';
import type { UserRow } from '@/lib/auth/manage-users';
import { isGuid } from '@/lib/text/guid';

/** The stable JSON shape of one user (docs/cli.md). */
function userJson(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    disabled: u.disabled,
    linked: u.linked,
    lastSignIn: iso(u.lastSignIn),
    createdAt: iso(u.createdAt),
    activeSessions: u.activeSessions,
    roles: u.roles.map((r) => ({
      role: r.role,
      allTenants: r.allTenants,
      tenants: r.tenants.map((t) => ({ id: t.id, displayName: t.displayName })),
      groups: r.groups,
    })),
  };
}

const userColumns: Column<UserRow>[] = [
  { header: 'EMAIL', cell: (u) => u.email },
  { header: 'NAME', cell: (u) => u.name },
  {
    header: 'ROLES',
    cell: (u) =>
      u.roles.length === 0
        ? 'no role'
        : u.roles
            .map(
              (r) =>
                `${r.role}${r.allTenants ? '' : `[${[...r.tenants.map((t) => t.displayName), ...r.groups.map((g) => `group:${g}`)].join(', ')}]`}`,
            )
            .join('; '),
  },
  { header: 'STATE', cell: (u) => (u.disabled ? 'disabled' : u.linked ? 'active' : 'not signed in yet') },
];

function asList(v: unknown): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}

async function resolveTenantIds(refs: string[]): Promise<string[]> {
  if (refs.length === 0) return [];
  const { db } = await import('@/lib/db');
  const out: string[] = [];
  for (const ref of refs) {
    const t = await db.tenant.findFirst({
      where: isGuid(ref)
        ? { OR: [{ id: ref }, { entraTenantId: ref }] }
        : { defaultDomain: { equals: ref, mode: 'insensitive' } },
      select: { id: true },
    });
    if (!t)
      throw new RekeyError(
        'BAD_INPUT',
        `No tenant ${ref} (give a Rekey tenant id, an Entra tenant id or a default domain).`,
      );
    out.push(t.id);
  }
  return out;
}

async function requireUser(email: string) {
  const { db } = await import('@/lib/db');
  const { findUserByEmail } = await import('@/lib/auth/manage-users');
  const user = await findUserByEmail(db, email);
  if (!user) throw new RekeyError('NOT_FOUND', `No user ${email}.`);
  return user;
}

export const userCommands: Command[] = [
  {
    path: ['users', 'list'],
    summary: 'List users with their roles and tenant scopes.',
    usage: 'users list [--json | --ndjson]',
    details: 'JSON: an array of user objects (docs/cli.md); --ndjson prints one per line.',
    options: { ...listOptions },
    async run({ values }, io) {
      const mode = outputMode(values);
      const rows = await withRuntime(values, async (ctx) => {
        const { listUsers } = await import('@/lib/auth/manage-users');
        return listUsers(ctx);
      });
      if (mode === 'table' && rows.length === 0) {
        io.err('no users yet (the first sign-in or REKEY_ADMINS decides the first admin)');
        return EXIT.OK;
      }
      await emitRows(
        io,
        mode,
        (async function* () {
          yield rows;
        })(),
        { json: userJson, columns: userColumns, noun: 'user(s)' },
      );
      return EXIT.OK;
    },
  },
  {
    path: ['users', 'grant'],
    summary: 'Give a user a role, for all tenants or only some (--tenant, --group); creates the user if needed.',
    usage: 'users grant EMAIL admin|operator|viewer [--tenant ID_OR_DOMAIN]… [--group NAME]… [--json]',
    allowPositionals: true,
    options: { tenant: { type: 'string', multiple: true }, group: { type: 'string', multiple: true } },
    async run({ values, positionals }, io) {
      const [email, role] = positionals;
      if (!email || !role || positionals.length !== 2) throw new UsageError('give an email and a role');
      if (!isRole(role)) throw new UsageError(`unknown role ${role} (admin, operator or viewer)`);
      const result = await withRuntime(values, async (ctx) => {
        const { db } = await import('@/lib/db');
        const m = await import('@/lib/auth/manage-users');
        const actor = cliActor();
        const now = new Date();
        const existing = await m.findUserByEmail(db, email);
        const created = existing
          ? null
          : await m.createUser({ ...ctx, actor, now }, m.CreateUserSchema.parse({ email }));
        const userId = existing?.id ?? created!.id;
        const parsed = m.GrantRoleSchema.safeParse({
          userId,
          role,
          tenantIds: await resolveTenantIds(asList(values.tenant)),
          groups: asList(values.group),
        });
        if (!parsed.success)
          throw new RekeyError(
            'BAD_INPUT',
            parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          );
        return { created: created !== null, grant: await m.grantRole({ ...ctx, actor, now }, parsed.data) };
      });
      if (values.json) io.out(JSON.stringify({ ok: true, ...result }));
      else
        io.err(
          `${result.created ? 'created user and ' : ''}granted ${role} to ${email}${result.grant.allTenants ? ' for all tenants' : ''}`,
        );
      return EXIT.OK;
    },
  },
  {
    path: ['users', 'revoke'],
    summary: "Remove a user's role assignments (all of them, or those of one role).",
    usage: 'users revoke EMAIL [ROLE] [--json]',
    allowPositionals: true,
    async run({ values, positionals }, io) {
      const [email, role] = positionals;
      if (!email || positionals.length > 2) throw new UsageError('give an email and optionally a role');
      if (role !== undefined && !isRole(role)) throw new UsageError(`unknown role ${role}`);
      const revoked = await withRuntime(values, async (ctx) => {
        const { revokeRole } = await import('@/lib/auth/manage-users');
        const user = await requireUser(email);
        const actor = cliActor();
        const out = [];
        for (const a of user.roles.filter((r) => role === undefined || r.role === role))
          out.push(await revokeRole({ ...ctx, actor }, { assignmentId: a.id }));
        return out;
      });
      if (values.json) io.out(JSON.stringify({ ok: true, revoked }));
      else
        io.err(
          revoked.length ? `revoked ${revoked.length} assignment(s) from ${email}` : `${email} had no matching role`,
        );
      return EXIT.OK;
    },
  },
  ...(['disable', 'enable'] as const).map((verb): Command => ({
    path: ['users', verb],
    summary: verb === 'disable' ? 'Disable a user and end their sessions.' : 'Enable a disabled user.',
    usage: `users ${verb} EMAIL [--json]`,
    allowPositionals: true,
    async run({ values, positionals }, io) {
      const [email] = positionals;
      if (!email || positionals.length !== 1) throw new UsageError('give an email');
      const result = await withRuntime(values, async (ctx) => {
        const { setUserDisabled } = await import('@/lib/auth/manage-users');
        const user = await requireUser(email);
        return setUserDisabled(
          { ...ctx, actor: cliActor() },
          {
            userId: user.id,
            disabled: verb === 'disable',
          },
        );
      });
      if (values.json) io.out(JSON.stringify({ ok: true, ...result }));
      else io.err(`${email} ${verb}d${result.sessionsEnded ? `; ended ${result.sessionsEnded} session(s)` : ''}`);
      return EXIT.OK;
    },
  })),
];
