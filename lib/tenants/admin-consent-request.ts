/**
 * Admin consent with a `state` Entra ID hands back (ADR 015): starting it creates a random state
 * bound to the signed-in user and the tenant (stored as its SHA-256; single use; expires after
 * ADMIN_CONSENT_STATE_TTL_MS) and returns the `/{tenant}/adminconsent` link; the callback consumes
 * the state (only the same user, once, before it expires) and then reads what Entra reports:
 * `admin_consent=True&tenant=…` (the tenant is checked for real: a consent check runs and is
 * audited), `error=access_denied` (the admin declined) or another error (its description).
 *
 * Source: "Admin consent on the Microsoft identity platform",
 * https://learn.microsoft.com/en-us/entra/identity-platform/v2-admin-consent
 */
import crypto from 'node:crypto';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { RekeyError } from '@/lib/errors';
import { adminConsentUrl } from '@/lib/graph/admin-consent-url';
import { checkTenantConsent, type ConsentCheckResult } from '@/lib/tenants/check-tenant-consent';
import { getTenant } from '@/lib/tenants/get-tenant';
import type { UseCaseContext } from '@/lib/use-case';

/** How long a started admin consent may take (sign-in, reading the permissions, accepting). */
export const ADMIN_CONSENT_STATE_TTL_MS = 30 * 60_000;

const hashOf = (state: string) => crypto.createHash('sha256').update(state, 'utf8').digest('hex');

export interface StartedAdminConsent {
  url: string;
  expiresAt: Date;
}

/** A new consent request for `userId` in `tenantId`: the link to send the admin to. */
export async function startAdminConsent(
  input: { tenantId: string; userId: string },
  ctx: UseCaseContext,
): Promise<StartedAdminConsent> {
  const now = ctx.now;
  const tenant = await getTenant(ctx, { tenantId: input.tenantId });
  const g = ctx.graph(tenant.entraTenantId);
  if (!g.consentRedirectUri) {
    throw new RekeyError('CONFIG', 'No consent redirect URI is configured: set REKEY_PUBLIC_URL.');
  }
  const state = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ADMIN_CONSENT_STATE_TTL_MS);
  await ctx.db.$transaction([
    // Housekeeping: requests a day past their expiry are of no use to anyone.
    ctx.db.adminConsentRequest.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 86_400_000) } } }),
    ctx.db.adminConsentRequest.create({
      data: { id: hashOf(state), userId: input.userId, tenantId: tenant.id, createdAt: now, expiresAt },
    }),
  ]);
  return {
    url: adminConsentUrl({
      authorityHost: g.authorityHost,
      tenantId: tenant.entraTenantId,
      clientId: g.clientId,
      redirectUri: g.consentRedirectUri,
      state,
    }),
    expiresAt,
  };
}

export type AdminConsentOutcome =
  | {
      kind: 'granted' | 'declined' | 'failed';
      tenantId: string;
      tenantName: string;
      message: string;
      /** True when this response was already processed (a reload): nothing ran again. */
      replayed: boolean;
    }
  | { kind: 'rejected'; message: string };

/** One line, bounded: Entra's descriptions carry trace ids and line breaks. */
function oneLine(s: string, max = 300): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function describeCheck(c: ConsentCheckResult, tenantName: string): string {
  if (c.state === 'consented') return `Rekey can now work in ${tenantName}: ${c.detail}`;
  return `Entra ID reported the consent, but Rekey’s check of ${tenantName} says ${c.state.replace('_', ' ')}: ${c.detail}`;
}

/** What Entra sent to the consent callback (query parameters), for the signed-in `userId`. */
export async function completeAdminConsent(
  input: { params: Record<string, string | undefined>; userId: string },
  ctx: UseCaseContext,
): Promise<AdminConsentOutcome> {
  const now = ctx.now;
  const p = input.params;
  const state = p.state;
  if (!state || state.length > 200) {
    return {
      kind: 'rejected',
      message:
        'This consent response carries no request of yours (no state). Start admin consent from the tenant’s page in Rekey.',
    };
  }
  const id = hashOf(state);
  // Consume atomically: only the owner, once, before it expires.
  const consumed = await ctx.db.adminConsentRequest.updateMany({
    where: { id, userId: input.userId, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  const request = await ctx.db.adminConsentRequest.findUnique({
    where: { id },
    select: {
      userId: true,
      usedAt: true,
      outcome: true,
      detail: true,
      tenant: { select: { id: true, displayName: true, entraTenantId: true } },
    },
  });
  if (!request) {
    return {
      kind: 'rejected',
      message:
        'This consent response does not match any consent request Rekey started. Start admin consent again from the tenant’s page.',
    };
  }
  if (request.userId !== input.userId) {
    return {
      kind: 'rejected',
      message:
        'This consent request was started by another Rekey user and only they can complete it. Start your own from the tenant’s page.',
    };
  }
  const tenant = request.tenant;
  const base = { tenantId: tenant.id, tenantName: tenant.displayName };
  if (consumed.count !== 1) {
    if (
      request.usedAt &&
      (request.outcome === 'granted' || request.outcome === 'declined' || request.outcome === 'failed')
    )
      return { ...base, kind: request.outcome, message: request.detail ?? '', replayed: true };
    return {
      kind: 'rejected',
      message: request.usedAt
        ? 'This consent response was already used. Start admin consent again from the tenant’s page if you need to.'
        : 'This consent request expired. Start admin consent again from the tenant’s page.',
    };
  }
  const finish = async (
    kind: 'granted' | 'declined' | 'failed',
    message: string,
    after: Record<string, unknown>,
  ): Promise<AdminConsentOutcome> => {
    await ctx.db.$transaction(async (tx) => {
      await tx.adminConsentRequest.update({ where: { id }, data: { outcome: kind, detail: message } });
      await appendAuditEvent(
        tx,
        ctx.actor,
        { action: 'tenant.admin-consent', targetType: 'tenant', targetId: tenant.id, tenantId: tenant.id, after },
        now,
      );
    });
    return { ...base, kind, message, replayed: false };
  };
  if (p.error) {
    const description = oneLine(p.error_description ?? p.error);
    if (p.error === 'access_denied') {
      return finish(
        'declined',
        `The administrator declined the consent (${description}). Rekey has no new access to ${tenant.displayName}; start admin consent again when the tenant’s Global Administrator is ready to accept.`,
        { outcome: 'declined', error: p.error, subcode: p.error_subcode ?? null },
      );
    }
    return finish('failed', `Entra ID did not grant the consent: ${oneLine(p.error, 60)}: ${description}`, {
      outcome: 'failed',
      error: oneLine(p.error, 60),
      description,
    });
  }
  if ((p.admin_consent ?? '').toLowerCase() !== 'true') {
    return finish(
      'failed',
      'Entra ID’s response neither granted the consent nor named an error. Start admin consent again.',
      { outcome: 'failed', error: 'no admin_consent' },
    );
  }
  if ((p.tenant ?? '').toLowerCase() !== tenant.entraTenantId.toLowerCase()) {
    return finish(
      'failed',
      `The consent was granted in tenant ${oneLine(p.tenant ?? '(none)', 60)}, not in ${tenant.displayName} (${tenant.entraTenantId}). Sign in to the consent page with an administrator of ${tenant.displayName}.`,
      { outcome: 'wrong-tenant', consentedTenant: oneLine(p.tenant ?? '', 60) },
    );
  }
  // Entra says yes; what counts is what a token for the tenant carries now (audited when it changes).
  let message: string;
  try {
    const check = await checkTenantConsent(ctx, { tenantId: tenant.id });
    message = describeCheck(check, tenant.displayName);
  } catch (e) {
    message = `Entra ID reported the consent; Rekey’s consent check of ${tenant.displayName} failed: ${oneLine(e instanceof Error ? e.message : String(e))}. Run “Check consent” on the tenant’s page.`;
  }
  return finish('granted', message, { outcome: 'granted' });
}
