/**
 * Drift scan (on demand and scheduled): read each connector application's and service principal's
 * keyCredentials (and client secrets and federated credentials: credential-kinds.ts), compare them with the inventory (compute-drift.ts), store what was seen
 * (observedCredentials, observedAt, driftDetail) and re-classify — per tenant, one transaction
 * with its audit events. A credential Rekey does not know is possible attacker persistence: it is
 * audited when it first appears ('connector.drift_detected') and when it goes away.
 *
 * Reading: lib/graph `listConnectorCredentialsBatch` ($batch, 20 items per request, within the
 * per-tenant budget) for connectors already in the inventory — cheaper than the discovery scan
 * (lib/tenants/scan-tenant.ts), which lists applications to find new ones; both store the same
 * observedCredentials shape (observed-credentials.ts).
 * A tenant that cannot be read (consent revoked, outage) is reported, and nothing about it changes.
 */
import { tenantRefOf } from '@/lib/graph/graph-gateway';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import type { Prisma } from '@/lib/db';
import { isRekeyError } from '@/lib/errors';
import { computeDrift, toDriftDetail, type DriftDetail } from '@/lib/detection/compute-drift';
import { mapAdaptive, type ScanOptions } from '@/lib/detection/detection-context';
import { callerOf, type UseCaseContext } from '@/lib/use-case';
import {
  factsFromObserved,
  toObservedCredentialsJson,
  type ObservedCredentialFacts,
} from '@/lib/detection/observed-credentials';
import { reclassifyConnectorsInTransaction } from '@/lib/detection/reclassify-connectors';
import { selectScanTenants, type ScanSelection, type ScanTenant } from '@/lib/detection/select-scan-tenants';
import { describeKeyCredential } from '@/lib/graph/describe-key-credential';
import type { CredentialTarget } from '@/lib/graph/graph-types';
import { listConnectorCredentialsBatch } from '@/lib/graph/list-connector-credentials';
import { kindFacts } from '@/lib/detection/credential-kinds';

export interface ConnectorDriftOutcome {
  connectorId: string;
  displayName: string;
  ok: boolean;
  error?: string;
  drifted?: boolean;
  unknown?: number;
  missing?: number;
}

export interface TenantDriftOutcome {
  tenantId: string;
  displayName: string;
  ok: boolean;
  error?: { code: string; message: string };
  connectors: ConnectorDriftOutcome[];
}

export interface ScanDriftResult {
  tenants: TenantDriftOutcome[];
  scannedConnectors: number;
  driftedConnectors: number;
  failedTenants: number;
}

const unknownKeys = (d: unknown) =>
  new Set(((d as DriftDetail | null)?.unknown ?? []).map((u) => `${u.on}:${u.keyId}`));

async function scanTenant(t: ScanTenant, ctx: UseCaseContext): Promise<TenantDriftOutcome> {
  const { db } = ctx;
  const gw = ctx.graph(t.entraTenantId).gateway;
  const connectors = await db.connector.findMany({
    where: { tenantId: t.id },
    select: {
      id: true,
      displayName: true,
      appObjectId: true,
      spObjectId: true,
      expectedThumbprints: true,
      driftDetail: true,
      currentCertificate: { select: { sha1Thumbprint: true } },
    },
    orderBy: { displayName: 'asc' },
  });
  const out: TenantDriftOutcome = { tenantId: t.id, displayName: t.displayName, ok: true, connectors: [] };
  if (connectors.length === 0) return out;
  const targets: CredentialTarget[] = connectors.flatMap((c) => [
    ...(c.appObjectId ? [{ on: 'application' as const, objectId: c.appObjectId }] : []),
    ...(c.spObjectId ? [{ on: 'servicePrincipal' as const, objectId: c.spObjectId }] : []),
  ]);
  let read: Awaited<ReturnType<typeof listConnectorCredentialsBatch>>['keys'];
  let kinds: Awaited<ReturnType<typeof listConnectorCredentialsBatch>>['kinds'];
  try {
    // Client secrets and federated credentials too (credential-kinds.ts): a certificate connector needs none.
    ({ keys: read, kinds } = await listConnectorCredentialsBatch(gw, tenantRefOf(t), targets));
  } catch (e) {
    if (!isRekeyError(e)) throw e;
    return { ...out, ok: false, error: { code: e.code, message: e.message } };
  }
  const writes: { id: string; observed: ObservedCredentialFacts[]; detail: DriftDetail; before: unknown }[] = [];
  for (const c of connectors) {
    const app = c.appObjectId ? read.get(c.appObjectId) : undefined;
    const sp = c.spObjectId ? read.get(c.spObjectId) : undefined;
    const appKinds = c.appObjectId ? kinds.get(c.appObjectId) : undefined;
    const spKinds = c.spObjectId ? kinds.get(c.spObjectId) : undefined;
    const failed = [app, sp, appKinds, spKinds].find((r) => r && !r.ok);
    // A service-principal connector has no application object: its service principal must answer.
    if ((c.appObjectId ? !app : !sp) || (failed && !failed.ok)) {
      out.connectors.push({
        connectorId: c.id,
        displayName: c.displayName,
        ok: false,
        error:
          failed && !failed.ok
            ? failed.error.message
            : `no answer for the ${c.appObjectId ? 'application' : 'service principal'}`,
      });
      continue;
    }
    const observed = [
      ...[app, sp].flatMap((r, i) =>
        r?.ok
          ? r.keyCredentials.map((k) =>
              factsFromObserved(describeKeyCredential(k, i === 0 ? 'application' : 'servicePrincipal')),
            )
          : [],
      ),
      ...(appKinds?.ok ? kindFacts(appKinds, 'application') : []),
      ...(spKinds?.ok ? kindFacts(spKinds, 'servicePrincipal') : []),
    ];
    const drift = computeDrift({
      observed,
      currentThumbprint: c.currentCertificate?.sha1Thumbprint ?? null,
      expectedThumbprints: c.expectedThumbprints,
    });
    writes.push({ id: c.id, observed, detail: toDriftDetail(drift, ctx.now), before: c.driftDetail });
    out.connectors.push({
      connectorId: c.id,
      displayName: c.displayName,
      ok: true,
      drifted: drift.drifted,
      unknown: drift.unknown.length,
      missing: drift.missing.filter((m) => m.required).length,
    });
  }
  if (writes.length === 0) return out;
  await db.$transaction(
    async (tx: Prisma.TransactionClient) => {
      for (const w of writes) {
        await tx.connector.update({
          where: { id: w.id },
          data: {
            observedCredentials: toObservedCredentialsJson(w.observed) as Prisma.InputJsonValue,
            observedAt: ctx.now,
            driftDetail: w.detail as unknown as Prisma.InputJsonValue,
          },
        });
        const was = unknownKeys(w.before);
        const now = unknownKeys(w.detail);
        const appeared = w.detail.unknown.filter((u) => !was.has(`${u.on}:${u.keyId}`));
        const gone = [...was].filter((k) => !now.has(k));
        if (appeared.length > 0) {
          await appendAuditEvent(
            tx,
            ctx.actor,
            {
              action: 'connector.drift_detected',
              targetType: 'connector',
              targetId: w.id,
              tenantId: t.id,
              after: { unknown: appeared, missing: w.detail.missing },
            },
            ctx.now,
          );
        }
        if (gone.length > 0) {
          await appendAuditEvent(
            tx,
            ctx.actor,
            {
              action: 'connector.drift_cleared',
              targetType: 'connector',
              targetId: w.id,
              tenantId: t.id,
              before: { unknown: gone },
            },
            ctx.now,
          );
        }
      }
      await reclassifyConnectorsInTransaction(
        tx,
        { connectorIds: writes.map((w) => w.id) },
        { now: ctx.now, actor: ctx.actor, reason: 'scan.drift' },
      );
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  return out;
}

export async function scanDrift(
  ctx: UseCaseContext,
  selection: ScanSelection,
  opts: ScanOptions = {},
): Promise<ScanDriftResult> {
  const { db } = ctx;
  const tenants = await selectScanTenants(db, callerOf(ctx), selection, { connectors: { some: {} } });
  await opts.progress?.start(tenants.length);
  const results = await mapAdaptive(
    tenants,
    {
      start: opts.concurrency ?? 8,
      max: opts.pressure ? opts.maxConcurrency : (opts.concurrency ?? 8),
      pressure: opts.pressure ?? (() => 0),
      onDone: () => opts.progress?.tick(),
    },
    (t) => scanTenant(t, ctx),
  );
  return {
    tenants: results,
    scannedConnectors: results.reduce((n, r) => n + r.connectors.filter((c) => c.ok).length, 0),
    driftedConnectors: results.reduce((n, r) => n + r.connectors.filter((c) => c.drifted).length, 0),
    failedTenants: results.filter((r) => !r.ok).length,
  };
}
