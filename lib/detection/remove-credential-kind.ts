/**
 * The "remove unknown credential" action (remove-unknown-credential.ts) for a client secret or a
 * federated identity credential: a certificate connector needs neither, so any one is unknown.
 * After the confirmation and the last-scan check done by the caller: a fresh read shows it is
 * still there → audit 'remove_started' (committed before the Graph write) → removePassword or
 * DELETE of the federated credential → read again until the removal shows (Entra replicates
 * writes; bounded) → store what the object holds now, drift detail, re-classification and
 * 'removed' audit in one transaction. A Graph failure is audited ('remove_failed') and re-thrown.
 */
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import type { Prisma } from '@/lib/db';
import { RekeyError, isRekeyError } from '@/lib/errors';
import { computeDrift, toDriftDetail } from '@/lib/detection/compute-drift';
import { kindFacts } from '@/lib/detection/credential-kinds';
import {
  readObservedCredentials,
  toObservedCredentialsJson,
  type ObservedCredentialFacts,
} from '@/lib/detection/observed-credentials';
import { reclassifyConnectorsInTransaction } from '@/lib/detection/reclassify-connectors';
import type { CredentialTarget } from '@/lib/graph/graph-types';
import { listCredentialKinds, removeCredentialOfKind } from '@/lib/graph/list-credential-kinds';
import type { UseCaseContext } from '@/lib/use-case';

export interface CredentialKindConnector {
  id: string;
  displayName: string;
  observedCredentials: unknown;
  tenant: { id: string; displayName: string; entraTenantId: string };
}

export async function removeCredentialKind(
  ctx: UseCaseContext,
  c: CredentialKindConnector,
  target: CredentialTarget,
  candidate: ObservedCredentialFacts & { kind: 'secret' | 'federated' },
  expected: { currentThumbprint: string | null; expectedThumbprints: string[] },
): Promise<{
  removed: boolean;
  credential: ObservedCredentialFacts;
  path: string;
  remaining: ObservedCredentialFacts[];
}> {
  const { db } = ctx;
  const keyId = candidate.keyId;
  const what = candidate.kind === 'secret' ? 'client secret' : 'federated credential';
  const gw = ctx.graph(c.tenant.entraTenantId).gateway;
  const tenantRef = { id: c.tenant.entraTenantId, name: c.tenant.displayName };
  const read = async () => kindFacts({ ok: true, ...(await listCredentialKinds(gw, tenantRef, target)) }, target.on);
  const live = (await read()).find((f) => f.kind === candidate.kind && f.keyId === keyId);
  if (!live)
    throw new RekeyError('CONFLICT', `The ${what} ${keyId} is no longer on the ${target.on}; scan the tenant again.`);
  const audit = (tx: Prisma.TransactionClient, action: string, after?: Record<string, unknown>) =>
    appendAuditEvent(
      tx,
      ctx.actor,
      {
        action,
        targetType: 'connector',
        targetId: c.id,
        tenantId: c.tenant.id,
        before: { credential: live },
        ...(after ? { after } : {}),
      },
      ctx.now,
    );
  await db.$transaction((tx) => audit(tx, 'connector.unknown_credential.remove_started'));
  const path = candidate.kind === 'secret' ? 'removePassword' : 'delete federatedIdentityCredential';
  try {
    await removeCredentialOfKind(gw, tenantRef, target, { kind: candidate.kind, keyId });
  } catch (e) {
    await db.$transaction((tx) =>
      audit(tx, 'connector.unknown_credential.remove_failed', {
        error: isRekeyError(e) ? { code: e.code, message: e.message } : String(e),
      }),
    );
    throw e;
  }
  // Entra replicates writes: a read right after the removal may still show it. Read again with a
  // short backoff (bounded) before recording what the tenant holds.
  let after = await read();
  for (let attempt = 0; attempt < 6 && after.some((k) => k.keyId === keyId); attempt++) {
    await new Promise((res) => setTimeout(res, 250 * 2 ** attempt));
    after = await read();
  }
  // Replace this object's secrets / federated credentials on record; certificates and the other object stay.
  const observed = [
    ...readObservedCredentials(c.observedCredentials).filter((o) => !(o.kind && o.on === target.on)),
    ...after,
  ];
  const drift = computeDrift({ observed, ...expected });
  await db.$transaction(async (tx: Prisma.TransactionClient) => {
    await tx.connector.update({
      where: { id: c.id },
      data: {
        observedCredentials: toObservedCredentialsJson(observed) as Prisma.InputJsonValue,
        driftDetail: toDriftDetail(drift, ctx.now) as unknown as Prisma.InputJsonValue,
      },
    });
    await audit(tx, 'connector.unknown_credential.removed', { path, remaining: after });
    await reclassifyConnectorsInTransaction(
      tx,
      { connectorIds: [c.id] },
      { now: ctx.now, actor: ctx.actor, reason: 'connector.unknown_credential.removed' },
    );
  });
  return { removed: true, credential: live, path, remaining: after };
}
