/**
 * Who a verified sign-in becomes. In one transaction (serialised by an advisory lock so two
 * first sign-ins cannot both become the first admin):
 * 1. find the user by Entra object id (`oid`); else a pre-provisioned user (created by an admin
 *    or `rekey users grant`, no oid yet) with the same sign-in name — linked only for accounts
 *    of the home tenant, so another tenant cannot claim it by naming a user alike;
 * 2. otherwise create the user, and decide the first role:
 *    - REKEY_ADMINS set: listed sign-in names become admin; everyone else starts with no role
 *      (the "no access yet" page) until an admin assigns one;
 *    - REKEY_ADMINS unset: the very first user becomes admin, but only when the authority is
 *      one tenant (REKEY_HOME_TENANT, as in the embedded default) and the account is from it —
 *      with `organizations` anyone anywhere could be first, so REKEY_ADMINS is required;
 * 3. refuse disabled users; record lastSignIn; audit `user.sign_in` (and `user.create`,
 *    `role.grant`) in the same transaction; create the session.
 *
 * Names compare case-insensitively. The name is `preferred_username` (the UPN, a verified
 * domain of the account's tenant) — never the `email` claim, which the user's tenant admin can
 * set to anything.
 */
import type { Actor } from '@/lib/audit/append-audit-event';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import type { Db } from '@/lib/db';
import { isUniqueViolation } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { isGuid, type IdTokenClaims } from '@/lib/auth/id-token';
import { createSession, toPrincipal, type CreatedSession, type SessionPolicy } from '@/lib/auth/session';
import type { Principal } from '@/lib/auth/principal';

const PROVISION_LOCK_KEY = 7_264_502;

export function parseAdminList(v: string | undefined | null): string[] | null {
  if (v === undefined || v === null || v.trim() === '') return null;
  return [
    ...new Set(
      v
        .split(/[,;\s]+/)
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

export interface SignInPolicy {
  /** Parsed REKEY_ADMINS, or null when unset. */
  admins: string[] | null;
  /** REKEY_HOME_TENANT (GUID or domain), or null for `organizations`. */
  homeTenant: string | null;
}

export interface SignedIn {
  principal: Principal;
  session: CreatedSession;
  created: boolean;
  /** Why a role was granted at first sign-in, if one was. */
  bootstrap: 'first_user' | 'admin_list' | null;
}

function inHomeTenant(claims: IdTokenClaims, homeTenant: string | null): boolean {
  if (!homeTenant) return false;
  // A domain-named authority only issues tokens for its own tenant (and the issuer check holds).
  return isGuid(homeTenant) ? claims.tid.toLowerCase() === homeTenant.toLowerCase() : true;
}

export async function signInUser(
  db: Db,
  claims: IdTokenClaims,
  input: {
    policy: SignInPolicy;
    now: Date;
    sessionPolicy: SessionPolicy;
    cookieKey: Buffer;
    requestId?: string | null;
    clientIp?: string | null;
    userAgent?: string | null;
    replaceSessionId?: string | null;
  },
): Promise<SignedIn> {
  const upn = claims.preferredUsername.toLowerCase();
  const home = inHomeTenant(claims, input.policy.homeTenant);
  try {
    return await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${PROVISION_LOCK_KEY})`;
      let user = await tx.user.findUnique({ where: { oid: claims.oid } });
      let created = false;
      let bootstrap: SignedIn['bootstrap'] = null;
      if (!user) {
        const byName = await tx.user.findFirst({ where: { email: { equals: upn, mode: 'insensitive' } } });
        if (byName) {
          if (byName.oid !== null || !home) {
            throw new RekeyError(
              'CONFLICT',
              'A Rekey user with this sign-in name already belongs to another account. Ask an admin to check Settings → Users.',
              { reason: 'name_taken' },
            );
          }
          user = await tx.user.update({ where: { id: byName.id }, data: { oid: claims.oid, homeTenant: claims.tid } });
        } else {
          const isFirst = (await tx.user.count()) === 0;
          const { admins, homeTenant } = input.policy;
          if (admins) bootstrap = admins.includes(upn) && (home || !homeTenant) ? 'admin_list' : null;
          else if (isFirst) {
            if (!homeTenant) {
              throw new RekeyError(
                'CONFIG',
                'No admin yet: with sign-in open to any organization (no REKEY_HOME_TENANT), set REKEY_ADMINS to the sign-in names of the first admins.',
                { reason: 'no_bootstrap_rule' },
              );
            }
            bootstrap = home ? 'first_user' : null;
          }
          user = await tx.user.create({
            data: {
              oid: claims.oid,
              homeTenant: claims.tid,
              email: upn,
              name: claims.name.slice(0, 200),
              createdAt: input.now,
            },
          });
          created = true;
        }
      }
      if (user.disabled)
        throw new RekeyError('FORBIDDEN', 'This Rekey account is disabled. Ask an admin.', { reason: 'disabled' });
      const actor: Actor = {
        id: user.id,
        label: user.email,
        requestId: input.requestId ?? null,
        clientIp: input.clientIp ?? null,
      };
      if (created) {
        await appendAuditEvent(
          tx,
          actor,
          {
            action: 'user.create',
            targetType: 'user',
            targetId: user.id,
            after: { email: user.email, name: user.name, oid: claims.oid, tenant: claims.tid, via: 'sign_in' },
          },
          input.now,
        );
      }
      if (bootstrap) {
        const grant = await tx.roleAssignment.create({
          data: { userId: user.id, role: 'admin', allTenants: true, createdAt: input.now },
        });
        await appendAuditEvent(
          tx,
          actor,
          {
            action: 'role.grant',
            targetType: 'user',
            targetId: user.id,
            after: { assignmentId: grant.id, role: 'admin', allTenants: true, reason: bootstrap },
          },
          input.now,
        );
      }
      await tx.user.update({
        where: { id: user.id },
        data: { lastSignIn: input.now, name: claims.name.slice(0, 200) },
      });
      if (input.replaceSessionId) await tx.session.deleteMany({ where: { id: input.replaceSessionId } });
      const session = await createSession(tx, input.cookieKey, {
        userId: user.id,
        now: input.now,
        policy: input.sessionPolicy,
        clientIp: input.clientIp,
        userAgent: input.userAgent,
      });
      await appendAuditEvent(
        tx,
        actor,
        {
          action: 'user.sign_in',
          targetType: 'user',
          targetId: user.id,
          after: { tenant: claims.tid, ...(bootstrap ? { bootstrap } : {}) },
        },
        input.now,
      );
      const full = await tx.user.findUniqueOrThrow({
        where: { id: user.id },
        include: { roles: { include: { tenants: { select: { tenantId: true } } }, orderBy: { createdAt: 'asc' } } },
      });
      return { principal: toPrincipal(full), session, created, bootstrap };
    });
  } catch (e) {
    if (isUniqueViolation(e))
      throw new RekeyError(
        'CONFLICT',
        'A Rekey user with this sign-in name already exists. Ask an admin to check Settings → Users.',
        { reason: 'name_taken' },
      );
    throw e;
  }
}
