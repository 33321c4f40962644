/**
 * Remove a credential Rekey does not know (possible attacker persistence) from a connector's
 * application or service principal — confirmed and audited. A certificate here; a client secret
 * or federated identity credential in remove-credential-kind.ts.
 *
 * load → authorize (operator on the tenant) → validate: the typed confirmation (the first 8
 * characters of the credential's keyId), the credential is unknown in the last scan AND still
 * unknown in a fresh read from the tenant (never the current or an expected certificate) → audit
 * 'remove_started' (committed before the Graph write, so an interrupted removal is on record) →
 * lib/graph removeKeyCredential → store the tenant's credentials as read back, drift detail,
 * re-classification and 'removed' audit in one transaction. A Graph failure is audited
 * ('remove_failed') and re-thrown.
 *
 * lib/rotation has no "remove one credential" entry point (startRotation moves a connector to a
 * new certificate), so this use case calls the lib/graph operation itself. The PATCH path is used
 * (no held keys are passed): removeKey needs a proof signed by a key that stays, and Rekey may not
 * hold one.
 */
import { z } from 'zod';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import type { Prisma } from '@/lib/db';
import { RekeyError, isRekeyError } from '@/lib/errors';
import { computeDrift, toDriftDetail } from '@/lib/detection/compute-drift';
import { requireTenantVisible } from '@/lib/detection/detection-access';
import { callerOf, type UseCaseContext } from '@/lib/use-case';
import {
  readObservedCredentials,
  toObservedCredentialsJson,
  type ObservedCredentialFacts,
} from '@/lib/detection/observed-credentials';
import { reclassifyConnectorsInTransaction } from '@/lib/detection/reclassify-connectors';
import { describeKeyCredential } from '@/lib/graph/describe-key-credential';
import type { CredentialTarget } from '@/lib/graph/graph-types';
import { listKeyCredentials } from '@/lib/graph/list-key-credentials';
import { removeKeyCredential } from '@/lib/graph/remove-key-credential';
import { removeCredentialKind } from '@/lib/detection/remove-credential-kind';

export const RemoveUnknownCredentialSchema = z.object({
  connectorId: z.uuid(),
  keyId: z.string().trim().min(1).max(64),
  /** The first 8 characters of the keyId, typed by the person confirming. */
  confirm: z.string().trim(),
});
export type RemoveUnknownCredentialInput = z.input<typeof RemoveUnknownCredentialSchema>;

export interface RemoveUnknownCredentialResult {
  removed: boolean;
  credential: ObservedCredentialFacts;
  path: string;
  remaining: ObservedCredentialFacts[];
}

const toFacts = (c: ReturnType<typeof describeKeyCredential>): ObservedCredentialFacts => ({
  keyId: c.keyId,
  thumbprint: c.sha1,
  sha256: c.sha256,
  startDateTime: c.start,
  endDateTime: c.end,
  displayName: c.displayName,
  on: c.on,
});

export async function removeUnknownCredential(
  ctx: UseCaseContext,
  input: RemoveUnknownCredentialInput,
): Promise<RemoveUnknownCredentialResult> {
  const { db } = ctx;
  const parsed = RemoveUnknownCredentialSchema.safeParse(input);
  if (!parsed.success)
    throw new RekeyError('BAD_INPUT', 'Some fields are not valid.', {
      fieldErrors: z.flattenError(parsed.error).fieldErrors,
    });
  const { connectorId, keyId, confirm } = parsed.data;
  // load
  const c = await db.connector.findUnique({
    where: { id: connectorId },
    include: {
      tenant: { select: { id: true, group: true, displayName: true, entraTenantId: true } },
      currentCertificate: { select: { sha1Thumbprint: true } },
    },
  });
  if (!c) throw new RekeyError('NOT_FOUND', 'Connector not found.');
  // authorize
  requireTenantVisible(callerOf(ctx), c.tenant, 'operator', 'Connector');
  // validate: the confirmation, then the last scan, then the tenant as it is now
  if (confirm.toLowerCase() !== keyId.slice(0, 8).toLowerCase()) {
    throw new RekeyError(
      'BAD_INPUT',
      `To remove credential ${keyId}, type the first 8 characters of its key id (${keyId.slice(0, 8)}) to confirm.`,
      { fieldErrors: { confirm: ['Type the first 8 characters of the key id.'] } },
    );
  }
  const expected = {
    currentThumbprint: c.currentCertificate?.sha1Thumbprint ?? null,
    expectedThumbprints: c.expectedThumbprints,
  };
  const lastScan = computeDrift({ observed: readObservedCredentials(c.observedCredentials), ...expected });
  const candidate = lastScan.unknown.find((u) => u.keyId === keyId);
  if (!candidate) {
    throw new RekeyError(
      'BAD_INPUT',
      `Credential ${keyId} is not an unknown credential of ${c.displayName} in the last scan; only credentials Rekey does not know can be removed here (rotate to replace a known one).`,
    );
  }
  const target: CredentialTarget =
    candidate.on === 'servicePrincipal'
      ? { on: 'servicePrincipal', objectId: c.spObjectId ?? '' }
      : { on: 'application', objectId: c.appObjectId ?? '' };
  if (!target.objectId)
    throw new RekeyError(
      'CONFLICT',
      `${c.displayName} has no ${target.on === 'servicePrincipal' ? 'service principal' : 'application object'} on record; scan the tenant again.`,
    );
  // A client secret or federated credential (a certificate connector needs neither).
  if (candidate.kind) return removeCredentialKind(ctx, c, target, { ...candidate, kind: candidate.kind }, expected);
  const gw = ctx.graph(c.tenant.entraTenantId).gateway;
  const tenantRef = { id: c.tenant.entraTenantId, name: c.tenant.displayName };
  const fresh = (await listKeyCredentials(gw, tenantRef, target)).map((k) =>
    toFacts(describeKeyCredential(k, target.on)),
  );
  const live = fresh.find((f) => f.keyId === keyId);
  if (!live)
    throw new RekeyError('CONFLICT', `Credential ${keyId} is no longer on the ${target.on}; scan the tenant again.`);
  if (computeDrift({ observed: [live], ...expected }).unknown.length === 0) {
    throw new RekeyError(
      'CONFLICT',
      `Credential ${keyId} now carries a certificate Rekey expects (${live.thumbprint}); it was not removed.`,
    );
  }
  await db.$transaction((tx) =>
    appendAuditEvent(
      tx,
      ctx.actor,
      {
        action: 'connector.unknown_credential.remove_started',
        targetType: 'connector',
        targetId: c.id,
        tenantId: c.tenant.id,
        before: { credential: live },
      },
      ctx.now,
    ),
  );
  let result: Awaited<ReturnType<typeof removeKeyCredential>>;
  try {
    result = await removeKeyCredential(gw, tenantRef, { target, keyId, heldKeys: [], now: ctx.now, prefer: 'patch' });
  } catch (e) {
    await db.$transaction((tx) =>
      appendAuditEvent(
        tx,
        ctx.actor,
        {
          action: 'connector.unknown_credential.remove_failed',
          targetType: 'connector',
          targetId: c.id,
          tenantId: c.tenant.id,
          before: { credential: live },
          after: { error: isRekeyError(e) ? { code: e.code, message: e.message } : String(e) },
        },
        ctx.now,
      ),
    );
    throw e;
  }
  // Read back (the default): what the object holds now, not what the write should have left. Entra
  // replicates writes, so a read right after the removal may still show the credential: read again
  // with a short backoff (bounded) before recording what the tenant holds.
  let after = result.after ?? [];
  for (let attempt = 0; attempt < 6 && after.some((k) => k.keyId === keyId); attempt++) {
    await new Promise((res) => setTimeout(res, 250 * 2 ** attempt));
    after = (await listKeyCredentials(gw, tenantRef, target)).map((k) => describeKeyCredential(k, target.on));
  }
  const afterOnTarget = after.map(toFacts);
  const others = readObservedCredentials(c.observedCredentials).filter((o) => o.on !== target.on);
  const observed = [
    ...(target.on === 'application' ? afterOnTarget : others),
    ...(target.on === 'application' ? others : afterOnTarget),
  ];
  const drift = computeDrift({ observed, ...expected });
  await db.$transaction(async (tx: Prisma.TransactionClient) => {
    await tx.connector.update({
      where: { id: c.id },
      data: {
        observedCredentials: toObservedCredentialsJson(observed) as Prisma.InputJsonValue,
        observedAt: ctx.now,
        driftDetail: toDriftDetail(drift, ctx.now) as unknown as Prisma.InputJsonValue,
      },
    });
    await appendAuditEvent(
      tx,
      ctx.actor,
      {
        action: 'connector.unknown_credential.removed',
        targetType: 'connector',
        targetId: c.id,
        tenantId: c.tenant.id,
        before: { credential: live },
        after: { path: result.path, reason: result.reason, remaining: afterOnTarget },
      },
      ctx.now,
    );
    await reclassifyConnectorsInTransaction(
      tx,
      { connectorIds: [c.id] },
      { now: ctx.now, actor: ctx.actor, reason: 'connector.unknown_credential.removed' },
    );
  });
  return { removed: result.path !== 'none', credential: live, path: result.path, remaining: afterOnTarget };
}
