/**
 * Test-only: a customer rotation invitation and its admin's way in, below the UI, as the invite
 * pages do it — an invitation row for one connector, then the admin opens the link, signs in at
 * "Microsoft" through the real MSAL authorization-code flow (the simulator's consent prompt), and
 * Rekey holds their delegated token sealed. Shared by the invitation db tests and the chaos suite.
 */
import crypto from 'node:crypto';
import type { Db } from '@/lib/db';
import { beginCustomerSignIn, finishCustomerSignIn } from '@/lib/invitations/customer-sign-in';
import type { DelegatedAppConfig } from '@/lib/invitations/delegated-app';
import { storeDelegatedToken } from '@/lib/invitations/delegated-tokens';
import { customerActor, recordInvitationStep } from '@/lib/invitations/open-invitation';
import { atMicrosoft, INVITE_REDIRECT } from '@/lib/invitations/testing/delegated-sign-in';
import type { UseCaseContext } from '@/lib/use-case';
import { createUseCaseContext } from '@/lib/use-case-defaults';
import type { MasterKeyRing } from '@/lib/vault/master-key';

/** For a known connector: entraTenantId, tenantId and connectorId; from a CSV row: tenantDomain (or entraTenantId) only. */
export interface TestInvitationInput {
  entraTenantId?: string;
  tenantDomain?: string;
  tenantId?: string;
  connectorId?: string;
  certificateId: string;
  reason?: string;
  createdAt?: Date;
}

/** An open invitation (14 days) for one connector or one CSV row; its link's token is not kept (only a hash is stored). */
export async function createTestInvitation(db: Db, input: TestInvitationInput): Promise<{ id: string }> {
  const createdAt = input.createdAt ?? new Date();
  return db.invitation.create({
    data: {
      tokenHash: crypto.randomBytes(32).toString('hex'),
      entraTenantId: input.entraTenantId ?? null,
      tenantDomain: input.tenantDomain ?? null,
      tenantId: input.tenantId ?? null,
      connectorId: input.connectorId ?? null,
      certificateId: input.certificateId,
      reason: input.reason ?? 'compromised certificate',
      expiresAt: new Date(createdAt.getTime() + 14 * 86_400_000),
      createdAt,
    },
    select: { id: true },
  });
}

/** What a customer admin's sign-in returned (secrets included: tests check they are never stored in clear). */
export interface SignedInAdmin {
  who: Awaited<ReturnType<typeof finishCustomerSignIn>>;
  /** The use-case context of the admin's own requests (actor: the customer admin, from `clientIp`; no principal). */
  admin: UseCaseContext;
}

/**
 * The customer's admin opens the invitation's link and signs in as `upn` (accepting the consent
 * prompt); Rekey records OPENED and SIGNED_IN with the admin as actor and holds their delegated
 * token sealed with `ring` — ready for `confirmInvitationRotation`.
 */
export async function customerAdminSignsIn(
  db: Db,
  opts: { cfg: DelegatedAppConfig; ring: MasterKeyRing; invitationId: string; upn: string; clientIp: string },
): Promise<SignedInAdmin> {
  const { url, flow } = await beginCustomerSignIn(opts.cfg, {
    invitationId: opts.invitationId,
    redirectUri: INVITE_REDIRECT,
    now: new Date(),
  });
  const who = await finishCustomerSignIn(
    opts.cfg,
    flow,
    opts.invitationId,
    await atMicrosoft(url, opts.upn),
    new Date(),
  );
  const admin = createUseCaseContext({
    db,
    actor: customerActor({ upn: who.upn, tenantId: who.tenantId, clientIp: opts.clientIp }),
    now: new Date(),
  });
  await recordInvitationStep(admin, { invitationId: opts.invitationId, to: 'OPENED' });
  await holdDelegatedToken(db, opts.ring, opts.invitationId, who);
  await recordInvitationStep(admin, {
    invitationId: opts.invitationId,
    to: 'SIGNED_IN',
    customerUpn: who.upn,
    customerTenantId: who.tenantId,
  });
  return { who, admin };
}

/** Rekey holds the admin's delegated token (sealed) for the invitation, as after a sign-in. */
export async function holdDelegatedToken(
  db: Db,
  ring: MasterKeyRing,
  invitationId: string,
  who: SignedInAdmin['who'],
): Promise<void> {
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
}
