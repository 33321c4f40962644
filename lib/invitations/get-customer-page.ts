/**
 * Everything the customer's invitation page shows, by link token: the invitation, and once a
 * rotation runs or ran, its state and steps (the live progress and the before/after evidence).
 * The first view of a fresh link records OPENED, as `ctx.actor` (the page passes the customer's:
 * customerActor). A read `(ctx, input)` (lib/use-case.ts) for a public page: no principal; the link
 * token is the authorization.
 */
import type { Db } from '@/lib/db';
import { readObservedCredentials } from '@/lib/detection/observed-credentials';
import { findInvitationByToken, recordInvitationStep, type PublicInvitation } from '@/lib/invitations/open-invitation';
import type { UseCaseContext } from '@/lib/use-case';

export interface CustomerPage {
  invitation: PublicInvitation;
  rotation: {
    id: string;
    state: string;
    step: string;
    steps: { step: string; outcome: string; message: string | null; at: Date }[];
    fromSha1: string | null;
    toSha1: string;
    finishedAt: Date | null;
  } | null;
  /** Rekey holds the admin's token right now (between sign-in and the end of the rotation). */
  holdsToken: boolean;
  /**
   * While Rekey holds the token: the connection's credentials as Rekey last read them from the
   * tenant, which one the rotation replaces and which ones an advisory names (compromised).
   */
  found: FoundCredential[];
}

export interface FoundCredential {
  kind: 'certificate' | 'client secret' | 'federated credential';
  /** SHA-1 of a certificate, the hint of a secret, the name of a federated credential. */
  label: string;
  on: 'application' | 'servicePrincipal';
  endDateTime: string | null;
  replaced: boolean;
  compromised: boolean;
}

export async function getCustomerPage(
  ctx: Pick<UseCaseContext, 'db' | 'actor' | 'now'>,
  input: { token: string; vendorName?: string },
): Promise<CustomerPage> {
  const { db } = ctx;
  let invitation = await findInvitationByToken(
    ctx,
    { token: input.token },
    input.vendorName ? { vendorName: input.vendorName } : {},
  );
  if (invitation.view === 'SENT') {
    await recordInvitationStep(ctx, { invitationId: invitation.id, to: 'OPENED' });
    invitation = { ...invitation, view: 'OPENED' };
  }
  const r = invitation.rotationId
    ? await db.rotation.findUnique({
        where: { id: invitation.rotationId },
        select: {
          id: true,
          state: true,
          step: true,
          finishedAt: true,
          fromCertificate: { select: { sha1Thumbprint: true } },
          toCertificate: { select: { sha1Thumbprint: true } },
          steps: { orderBy: { at: 'asc' }, select: { step: true, outcome: true, message: true, at: true } },
        },
      })
    : null;
  const holdsToken = (await db.delegatedToken.count({ where: { invitationId: invitation.id } })) > 0;
  return {
    invitation,
    rotation: r
      ? {
          id: r.id,
          state: r.state,
          step: r.step,
          steps: r.steps,
          fromSha1: r.fromCertificate?.sha1Thumbprint ?? null,
          toSha1: r.toCertificate.sha1Thumbprint,
          finishedAt: r.finishedAt,
        }
      : null,
    holdsToken,
    found: holdsToken && invitation.connector ? await foundCredentials(db, invitation.connector.id) : [],
  };
}

async function foundCredentials(db: Db, connectorId: string): Promise<FoundCredential[]> {
  const c = await db.connector.findUnique({
    where: { id: connectorId },
    select: { observedCredentials: true, currentCertificate: { select: { sha1Thumbprint: true } } },
  });
  if (!c) return [];
  const observed = readObservedCredentials(c.observedCredentials);
  const values = observed.flatMap((o) => [o.thumbprint, o.sha256].filter((v): v is string => !!v));
  const named = new Set(
    values.length
      ? (
          await db.advisoryIndicator.findMany({
            where: { value: { in: values }, kind: { in: ['sha1', 'sha256'] } },
            select: { value: true },
          })
        ).map((i) => i.value)
      : [],
  );
  const current = c.currentCertificate?.sha1Thumbprint.toUpperCase() ?? null;
  return observed.map((o) => ({
    kind: o.kind === 'secret' ? 'client secret' : o.kind === 'federated' ? 'federated credential' : 'certificate',
    label:
      o.kind === 'secret'
        ? `${o.hint ?? ''}…`
        : o.kind === 'federated'
          ? (o.name ?? o.keyId)
          : (o.thumbprint ?? o.keyId),
    on: o.on,
    endDateTime: o.endDateTime,
    replaced: !o.kind && !!o.thumbprint && o.thumbprint === current,
    compromised: !!((o.thumbprint && named.has(o.thumbprint)) || (o.sha256 && named.has(o.sha256))),
  }));
}
