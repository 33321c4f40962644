/**
 * Is Rekey consented in a tenant, with the permissions it needs? A token for the management app
 * (fails with AADSTS700016 when it is not in the tenant), its `roles` claim against what scans and
 * rotations need, and `GET /organization` to prove Graph accepts it. Whether the sign-in logs can be
 * read is left to the sign-in scan (their per-app limit is far below a fleet's consent checks);
 * without AuditLog.Read.All they cannot be. The state is stored on the tenant with its
 * detail and time; an audit event is written when the state or the granted roles change.
 */
import { z } from 'zod';
import { auditEventsJson } from '@/lib/audit/append-audit-event';
import { Prisma, queryRows, utcTimestamp } from '@/lib/db';
import { isRekeyError } from '@/lib/errors';
import { getOrganization } from '@/lib/graph/get-organization';
import { OPTIONAL_NEEDS, REQUIRED_NEEDS, needLabel, permits, type PermissionNeed } from '@/lib/graph/permissions';
import { tenantRefOf } from '@/lib/graph/graph-gateway';
import { issuedAtOf, rolesOf } from '@/lib/graph/msal-options';
import { tenantNotFound } from '@/lib/tenants/get-tenant';
import { requireTenantAccess } from '@/lib/auth/tenant-access';
import type { UseCaseContext } from '@/lib/use-case';

interface TenantRow {
  id: string;
  entraTenantId: string;
  displayName: string;
  defaultDomain: string | null;
  consentState: string;
  grantedRoles: string[];
  signInLogState: SignInLogStateName;
  tokenGeneration: number;
}

export const CheckTenantConsentSchema = z.object({ tenantId: z.uuid() });
export type ConsentStateName = 'consented' | 'not_consented' | 'missing_permissions' | 'error';
export type SignInLogStateName = 'unknown' | 'available' | 'unavailable_license' | 'unavailable_permission' | 'error';

export interface ConsentCheckResult {
  tenantId: string;
  state: ConsentStateName;
  detail: string;
  grantedRoles: string[];
  /** When the token those roles were read from was issued (null when none was issued). */
  tokenIssuedAt: Date | null;
  /** Needs not covered by the granted roles (required ones make the state missing_permissions). */
  missing: string[];
  signInLogState: SignInLogStateName;
  consentUrl: string;
  changed: boolean;
}

/** Application.ReadWrite.OwnedBy counts: preflight checks ownership per connector application. */
function covered(roles: string[], need: PermissionNeed): boolean {
  return permits(need, roles) !== 'no';
}

export async function checkTenantConsent(
  ctx: UseCaseContext,
  input: { tenantId: string },
): Promise<ConsentCheckResult> {
  const { tenantId } = CheckTenantConsentSchema.parse(input);
  if (ctx.principal) await requireTenantAccess(ctx.principal, tenantId, 'operator');
  const { now } = ctx;
  // Consent may just have been granted or revoked: never answer from a cached token, here or in
  // any other process (workers compare the tenant's token generation before using theirs). The
  // tenant is read by that same statement. Raw SQL here and for the write below: a fleet's
  // onboarding runs this once per tenant, and a typed query of the wide Tenant row costs several
  // times the CPU (bench/README.md). Timestamps are written as Prisma writes them (utcTimestamp).
  // (queryRows: on the shared client, without Prisma's per-request work — ADR 038.)
  const [tenant] = await queryRows<TenantRow>(
    ctx.db,
    Prisma.sql`
    UPDATE "Tenant" SET "tokenGeneration" = "tokenGeneration" + 1,
      "updatedAt" = ${utcTimestamp(new Date())}
    WHERE "id" = ${tenantId}::uuid
    RETURNING "id"::text, "entraTenantId", "displayName", "defaultDomain", "consentState"::text,
      "grantedRoles", "signInLogState"::text, "tokenGeneration"`,
  );
  if (!tenant) throw tenantNotFound(tenantId);
  const { gateway } = ctx.graph(tenant.entraTenantId);
  const consentUrl = gateway.tokenProvider.consentUrl(tenant.entraTenantId);
  gateway.tokenProvider.forget(tenant.entraTenantId);
  const ref = tenantRefOf(tenant);

  let state: ConsentStateName;
  let detail: string;
  let grantedRoles: string[] = tenant.grantedRoles;
  let missing: string[] = [];
  let signInLogState: SignInLogStateName = tenant.signInLogState;
  let orgDomain: string | null = null;
  let tokenIssuedAt: Date | null = null;
  try {
    const token = await gateway.token(ref);
    grantedRoles = rolesOf(token).sort();
    tokenIssuedAt = issuedAtOf(token);
    const missingRequired = REQUIRED_NEEDS.filter((n) => !covered(grantedRoles, n));
    const missingOptional = OPTIONAL_NEEDS.filter((n) => !covered(grantedRoles, n));
    missing = [...missingRequired, ...missingOptional].map(needLabel);
    if (missingRequired.length) {
      state = 'missing_permissions';
      detail = `The management app lacks ${missingRequired.map(needLabel).join(' and ')} in ${tenant.displayName}: grant it and re-consent (${consentUrl}).`;
    } else {
      const org = await getOrganization(gateway, ref);
      orgDomain = org.verifiedDomains?.find((d) => d.isDefault)?.name?.toLowerCase() ?? null;
      state = 'consented';
      detail = missingOptional.length
        ? `Consented. Optional permissions missing: ${missingOptional.map(needLabel).join(', ')}.`
        : 'Consented with every permission Rekey uses.';
    }
    // Whether the logs can be read is learnt by the sign-in scan (lib/detection/scan-sign-ins.ts):
    // Microsoft limits sign-in log reads per app across tenants, far below a fleet's consent checks.
    if (!covered(grantedRoles, 'readSignIns')) signInLogState = 'unavailable_permission';
    else if (signInLogState === 'unavailable_permission') signInLogState = 'unknown';
  } catch (e) {
    if (!isRekeyError(e)) throw e;
    if (e.code === 'NOT_CONSENTED') {
      state = 'not_consented';
      grantedRoles = [];
      detail = e.message;
    } else if (e.code === 'PERMISSION_MISSING') {
      state = 'missing_permissions';
      detail = e.message;
    } else {
      state = 'error';
      detail = e.message;
    }
  }

  const changed =
    state !== tenant.consentState ||
    grantedRoles.join(' ') !== [...tenant.grantedRoles].sort().join(' ') ||
    signInLogState !== tenant.signInLogState;
  // The tenant's default domain is learnt once (never overwritten).
  const update = Prisma.sql`
    UPDATE "Tenant" SET "consentState" = ${state}::"ConsentState", "consentDetail" = ${detail},
      "consentCheckedAt" = ${utcTimestamp(now)},
      "grantedRoles" = ${grantedRoles}::text[],
      "tokenIssuedAt" = ${utcTimestamp(tokenIssuedAt)},
      "signInLogState" = ${signInLogState}::"SignInLogState",
      "defaultDomain" = COALESCE("defaultDomain", ${orgDomain}),
      "updatedAt" = ${utcTimestamp(new Date())}
    WHERE "id" = ${tenant.id}::uuid`;
  // Unchanged (a re-check): the row alone. Changed: the row and its audit event in one statement,
  // so they commit together.
  if (!changed) await queryRows(ctx.db, update);
  else {
    const events = auditEventsJson(
      ctx.actor,
      [
        {
          action: 'tenant.consent',
          targetType: 'tenant',
          targetId: tenant.id,
          tenantId: tenant.id,
          before: {
            consentState: tenant.consentState,
            grantedRoles: tenant.grantedRoles,
            signInLogState: tenant.signInLogState,
          },
          after: { consentState: state, grantedRoles, signInLogState, detail },
        },
      ],
      now,
    );
    await queryRows(
      ctx.db,
      Prisma.sql`WITH written AS (${update} RETURNING 1) SELECT audit_append(${events}::jsonb) AS staged FROM written`,
    );
  }
  return {
    tenantId: tenant.id,
    state,
    detail,
    grantedRoles,
    tokenIssuedAt,
    missing,
    signInLogState,
    consentUrl,
    changed,
  };
}
