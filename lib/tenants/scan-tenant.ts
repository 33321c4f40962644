/**
 * Discovery: reads a tenant's connector applications (those matching a configured ConnectorType,
 * by fixed appId or display-name pattern), their service principals and every keyCredential of
 * both (key bytes included, via `$batch`), and records what was seen and when: Connector rows
 * (observedCredentials without key bytes, observedAt, missingSince for connections gone from the
 * tenant) and Certificate rows (source 'discovered') for each certificate seen, so the inventory
 * knows them. One transaction with one `tenant.scan` audit event summarising the changes.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { appendAuditEvent, auditEventsJson } from '@/lib/audit/append-audit-event';
import { certificateColumns, certificateFactsOfDer } from '@/lib/certs/certificate-facts';
import { Prisma, queryRows, transactionRows, utcTimestamp, type TransactionQuery } from '@/lib/db';
import { isRekeyError } from '@/lib/errors';
import {
  factsFromObserved,
  observedKey,
  readObservedCredentials,
  toObservedCredentialsJson,
  type ObservedCredentialFacts,
} from '@/lib/detection/observed-credentials';
import { kindFacts } from '@/lib/detection/credential-kinds';
import {
  derOfKeyCredential,
  describeKeyCredential,
  isCurrentlyValid,
  type ObservedCredential,
} from '@/lib/graph/describe-key-credential';
import { tenantRefOf, type GraphGateway, type TenantRef } from '@/lib/graph/graph-gateway';
import {
  ServicePrincipalSchema,
  type Application,
  type KeyCredential,
  type ServicePrincipal,
} from '@/lib/graph/graph-types';
import { listConnectorCredentialsBatch } from '@/lib/graph/list-connector-credentials';
import { listConnectorObjects } from '@/lib/graph/list-connector-objects';
import { odataString } from '@/lib/graph/odata';
import { tenantNotFound } from '@/lib/tenants/get-tenant';
import { requireTenantAccess } from '@/lib/auth/tenant-access';
import type { UseCaseContext } from '@/lib/use-case';

export const ScanTenantSchema = z.object({ tenantId: z.uuid() });

export interface ScanChange {
  appId: string;
  displayName: string;
  change: 'new' | 'credentials_changed' | 'missing' | 'returned';
  added?: string[];
  removed?: string[];
}

export interface ScanSummary {
  tenantId: string;
  connectors: number;
  created: number;
  updated: number;
  missing: number;
  credentials: number;
  certificatesDiscovered: number;
  changes: ScanChange[];
  /** Credentials whose key could not be parsed as a certificate (kept, without a Certificate row). */
  unparsable: number;
}

/** A connector seen for the first time, inserted with the others in one raw statement. */
interface NewConnectorRow {
  id: string;
  connectorTypeId: string;
  displayName: string;
  appId: string;
  appObjectId: string | null;
  spObjectId: string | null;
  credentialOn: 'application' | 'servicePrincipal';
  observedCredentials: Prisma.InputJsonValue;
  currentCertificateId: string | null;
  expectedThumbprints: string[];
}

/** A connector the scan saw again: its row's new columns (the certificate only where it has none). */
type ChangedConnectorRow = Omit<NewConnectorRow, 'appId' | 'expectedThumbprints'>;

interface KnownCertificate {
  id: string;
  sha1Thumbprint: string;
  notBefore: Date;
  notAfter: Date;
  source: string;
}

interface ExistingConnector {
  id: string;
  appId: string;
  displayName: string;
  observedCredentials: Prisma.JsonValue;
  observedAt: Date | null;
  missingSince: Date | null;
  currentCertificateId: string | null;
}

/** A timestamp column as ISO 8601 UTC text, for a JSON result (Prisma stores UTC, to the millisecond). */
function isoUtc(column: string): Prisma.Sql {
  return Prisma.raw(`to_char("${column}", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
}

interface SeenApp {
  /** `id` null: a service-principal connector (the vendor's multi-tenant app; no application object here). */
  app: Pick<Application, 'appId' | 'displayName'> & { id: string | null };
  credentialOn: 'application' | 'servicePrincipal';
  connectorTypeId: string;
  spObjectId: string | null;
  credentials: ObservedCredential[];
  /** Client secrets and federated credentials (lib/detection/credential-kinds.ts). */
  otherCredentials: ObservedCredentialFacts[];
  ders: Buffer[];
}

/** Stable identity of a credential for change detection. */

async function readTenant(
  gw: GraphGateway,
  ref: TenantRef,
  types: { id: string; appId: string | null; displayNamePattern: string | null }[],
): Promise<SeenApp[]> {
  // Fixed appIds are more specific than display-name patterns: they claim an app first.
  const ordered = [...types.filter((t) => t.appId), ...types.filter((t) => !t.appId && t.displayNamePattern)];
  // Every type's applications and service principals in one $batch.
  const lists = await listConnectorObjects(gw, ref, ordered);
  const byAppId = new Map<string, { app: Application; connectorTypeId: string }>();
  ordered.forEach((t, i) => {
    for (const app of lists[i]!.applications)
      if (!byAppId.has(app.appId)) byAppId.set(app.appId, { app, connectorTypeId: t.id });
  });
  const apps = [...byAppId.values()];
  const listedSps = new Map(lists.flatMap((l) => l.servicePrincipals).map((sp) => [sp.appId.toLowerCase(), sp]));
  const spOnly = servicePrincipalConnectors(ref, ordered, lists, byAppId);

  // An application's service principal (appId is unique among a tenant's service principals): from
  // the lists when a type matched it too, else looked up by appId.
  const unlisted = apps.filter((a) => !listedSps.has(a.app.appId.toLowerCase()));
  const looked =
    unlisted.length === 0
      ? []
      : await gw.batch<{ value?: unknown[] }>(
          ref,
          unlisted.map((a, i) => ({
            id: String(i + 1),
            method: 'GET' as const,
            url: `/servicePrincipals?$filter=appId eq ${odataString(a.app.appId)}&$select=id,appId`,
          })),
          { operation: 'find the connector service principals', need: 'readApplications' },
        );
  const lookedUp = new Map(
    unlisted.map((a, i) => {
      const r = looked[i]!;
      if (!r.ok) throw r.error;
      const first = r.body.value?.[0];
      return [a.app.appId, first ? ServicePrincipalSchema.parse(first).id : null] as const;
    }),
  );
  const spIds = apps.map((a) => listedSps.get(a.app.appId.toLowerCase())?.id ?? lookedUp.get(a.app.appId) ?? null);

  // Every object's credentials (keys, secrets, federated) in one $batch: applications, their
  // service principals, and the service-principal-only connectors.
  const targets = [
    ...apps.map((a) => ({ on: 'application' as const, objectId: a.app.id })),
    ...spIds.filter((id): id is string => id !== null).map((id) => ({ on: 'servicePrincipal' as const, objectId: id })),
    ...spOnly.map((f) => ({ on: 'servicePrincipal' as const, objectId: f.sp.id })),
  ];
  const { keys: creds, kinds } = await listConnectorCredentialsBatch(gw, ref, targets);
  const seen: SeenApp[] = [];
  apps.forEach((a, i) => {
    const appCreds = creds.get(a.app.id);
    // Deleted between the list and the read: not there any more.
    if (appCreds && !appCreds.ok && appCreds.error.code === 'NOT_FOUND') return;
    if (appCreds && !appCreds.ok) throw appCreds.error;
    const spId = spIds[i] ?? null;
    const spCreds = spId ? creds.get(spId) : undefined;
    if (spCreds && !spCreds.ok && spCreds.error.code !== 'NOT_FOUND') throw spCreds.error;
    const appKinds = kinds.get(a.app.id);
    const spKinds = spId ? kinds.get(spId) : undefined;
    for (const k of [appKinds, spKinds]) if (k && !k.ok && k.error.code !== 'NOT_FOUND') throw k.error;
    const all: [KeyCredential, 'application' | 'servicePrincipal'][] = [
      ...(appCreds?.ok ? appCreds.keyCredentials : []).map((k) => [k, 'application'] as [KeyCredential, 'application']),
      ...(spCreds?.ok ? spCreds.keyCredentials : []).map(
        (k) => [k, 'servicePrincipal'] as [KeyCredential, 'servicePrincipal'],
      ),
    ];
    seen.push({
      app: a.app,
      credentialOn: 'application',
      connectorTypeId: a.connectorTypeId,
      spObjectId: spCreds?.ok ? spId : null,
      credentials: all.map(([k, on]) => describeKeyCredential(k, on)),
      otherCredentials: [
        ...(appKinds?.ok ? kindFacts(appKinds, 'application') : []),
        ...(spKinds?.ok && spCreds?.ok ? kindFacts(spKinds, 'servicePrincipal') : []),
      ],
      ders: all.map(([k]) => derOfKeyCredential(k)).filter((d): d is Buffer => d !== null),
    });
  });
  for (const { sp, connectorTypeId } of spOnly) {
    const r = creds.get(sp.id);
    if (r && !r.ok && r.error.code === 'NOT_FOUND') continue;
    if (r && !r.ok) throw r.error;
    const k = kinds.get(sp.id);
    if (k && !k.ok && k.error.code !== 'NOT_FOUND') throw k.error;
    const keys = r?.ok ? r.keyCredentials : [];
    seen.push({
      app: { id: null, appId: sp.appId, displayName: sp.displayName },
      credentialOn: 'servicePrincipal',
      connectorTypeId,
      spObjectId: sp.id,
      credentials: keys.map((key) => describeKeyCredential(key, 'servicePrincipal')),
      // A client secret on the vendor's service principal is drift like one on an application.
      otherCredentials: k?.ok ? kindFacts(k, 'servicePrincipal') : [],
      ders: keys.map((key) => derOfKeyCredential(key)).filter((d): d is Buffer => d !== null),
    });
  }
  return seen;
}

/**
 * Connector types present only as a service principal: a vendor's multi-tenant app (its
 * application object lives in the vendor's tenant), matched like applications, whose appId has no
 * application in this tenant. The service principal holds the connection's credential.
 */
function servicePrincipalConnectors(
  ref: TenantRef,
  ordered: { id: string }[],
  lists: { servicePrincipals: ServicePrincipal[] }[],
  apps: Map<string, unknown>,
): { sp: { id: string; appId: string; displayName: string | null }; connectorTypeId: string }[] {
  const found = new Map<
    string,
    { sp: { id: string; appId: string; displayName: string | null }; connectorTypeId: string }
  >();
  ordered.forEach((t, i) => {
    for (const sp of lists[i]!.servicePrincipals) {
      const foreign =
        sp.appOwnerOrganizationId &&
        sp.appOwnerOrganizationId.toLowerCase() !== (typeof ref === 'string' ? ref : ref.id).toLowerCase();
      if (!foreign || apps.has(sp.appId) || found.has(sp.appId)) continue;
      found.set(sp.appId, {
        sp: { id: sp.id, appId: sp.appId, displayName: sp.displayName ?? null },
        connectorTypeId: t.id,
      });
    }
  });
  return [...found.values()];
}

export async function scanTenant(ctx: UseCaseContext, input: { tenantId: string }): Promise<ScanSummary> {
  const { tenantId } = ScanTenantSchema.parse(input);
  if (ctx.principal) await requireTenantAccess(ctx.principal, tenantId, 'operator');
  const { now } = ctx;
  // The reads and writes a fleet's onboarding makes for every tenant are raw SQL on the shared pool
  // (queryRows, ADR 038): a typed query costs several times the CPU (bench/README.md). Timestamps are
  // written as Prisma writes them (utcTimestamp). The tenant and the connector types in one read.
  const [read] = await queryRows<{
    tenant: { id: string; entraTenantId: string; displayName: string; tokenGeneration: number } | null;
    types: { id: string; appId: string | null; displayNamePattern: string | null }[];
  }>(
    ctx.db,
    Prisma.sql`
    SELECT (SELECT json_build_object('id', "id", 'entraTenantId', "entraTenantId", 'displayName', "displayName",
              'tokenGeneration', "tokenGeneration") FROM "Tenant" WHERE "id" = ${tenantId}::uuid) AS "tenant",
      COALESCE((SELECT json_agg(json_build_object('id', "id", 'appId', "appId", 'displayNamePattern', "displayNamePattern")
                ORDER BY "name" ASC) FROM "ConnectorType"), '[]') AS "types"`,
  );
  const tenant = read?.tenant;
  if (!tenant) throw tenantNotFound(tenantId);
  const { gateway } = ctx.graph(tenant.entraTenantId);
  const ref = tenantRefOf(tenant);
  const types = read.types;

  let seen: SeenApp[];
  try {
    seen = await readTenant(gateway, ref, types);
  } catch (e) {
    const message = isRekeyError(e) ? e.message : `Scan failed: ${(e as Error).message}`;
    await ctx.db.$transaction(async (tx) => {
      await tx.tenant.update({ where: { id: tenant.id }, data: { lastScanError: message } });
      await appendAuditEvent(
        tx,
        ctx.actor,
        {
          action: 'tenant.scan',
          targetType: 'tenant',
          targetId: tenant.id,
          tenantId: tenant.id,
          after: { ok: false, error: message, code: isRekeyError(e) ? e.code : 'INTERNAL' },
        },
        now,
      );
    });
    throw e;
  }

  // Certificates seen, parsed outside the transaction.
  const facts = new Map<string, ReturnType<typeof certificateFactsOfDer>>();
  let unparsable = 0;
  for (const s of seen) {
    for (const der of s.ders) {
      try {
        const f = certificateFactsOfDer(der);
        facts.set(f.sha1Thumbprint, f);
      } catch {
        unparsable++;
      }
    }
  }

  // What Rekey already knows: the certificates seen (by thumbprint) and the tenant's connectors, in
  // one read (JSON; timestamps as ISO 8601 UTC).
  const sha1s = [...facts.keys()];
  const [known] = await queryRows<{
    certs: (Omit<KnownCertificate, 'notBefore' | 'notAfter'> & { notBefore: string; notAfter: string })[];
    connectors: (Omit<ExistingConnector, 'observedAt' | 'missingSince'> & {
      observedAt: string | null;
      missingSince: string | null;
    })[];
  }>(
    ctx.db,
    Prisma.sql`
    SELECT COALESCE((SELECT json_agg(json_build_object('id', "id", 'sha1Thumbprint', "sha1Thumbprint",
              'notBefore', ${isoUtc('notBefore')}, 'notAfter', ${isoUtc('notAfter')}, 'source', "source"))
              FROM "Certificate" WHERE "sha1Thumbprint" = ANY(${sha1s}::text[])), '[]') AS "certs",
      COALESCE((SELECT json_agg(json_build_object('id', "id", 'appId', "appId", 'displayName', "displayName",
              'observedCredentials', "observedCredentials", 'observedAt', ${isoUtc('observedAt')},
              'missingSince', ${isoUtc('missingSince')}, 'currentCertificateId', "currentCertificateId"))
              FROM "Connector" WHERE "tenantId" = ${tenant.id}::uuid), '[]') AS "connectors"`,
  );
  const knownCerts: KnownCertificate[] = known!.certs.map((c) => ({
    ...c,
    notBefore: new Date(c.notBefore),
    notAfter: new Date(c.notAfter),
  }));
  const existing: ExistingConnector[] = known!.connectors.map((c) => ({
    ...c,
    observedAt: c.observedAt === null ? null : new Date(c.observedAt),
    missingSince: c.missingSince === null ? null : new Date(c.missingSince),
  }));
  const knownSha1s = new Set(knownCerts.map((c) => c.sha1Thumbprint));
  const fresh = [...facts.values()].filter((f) => !knownSha1s.has(f.sha1Thumbprint));

  // Everything the scan writes is one statement (new and changed connectors, those gone, the
  // tenant's scan time and the audit event), its own transaction. Only a scan that saw certificates
  // Rekey does not know yet (the first tenant to show each one) adds them first, in one transaction
  // with the rest, so nothing of a failed scan is kept.
  const write = async (q: TransactionQuery): Promise<ScanSummary> => {
    let certs = knownCerts;
    let discovered = 0;
    if (fresh.length) {
      // Raw (see above), skipping a certificate a concurrent scan inserted first (either thumbprint).
      const at = new Date();
      // The row's columns from the one builder (as JSON: dates as ISO 8601, the DER as base64).
      const rows = fresh.map((f) => ({ ...certificateColumns(f), der: f.derBase64, id: randomUUID() }));
      const inserted = await q<KnownCertificate>(Prisma.sql`
        INSERT INTO "Certificate" ("id", "sha1Thumbprint", "sha256Thumbprint", "serialNumber", "subject", "issuer",
          "notBefore", "notAfter", "keyType", "keySize", "curve", "signatureAlgorithm", "der", "source", "createdAt")
        SELECT (r->>'id')::uuid, r->>'sha1Thumbprint', r->>'sha256Thumbprint', r->>'serialNumber', r->>'subject',
          r->>'issuer', ((r->>'notBefore')::timestamptz AT TIME ZONE 'UTC'),
          ((r->>'notAfter')::timestamptz AT TIME ZONE 'UTC'), r->>'keyType', (r->>'keySize')::int, r->>'curve',
          r->>'signatureAlgorithm', decode(r->>'der', 'base64'), 'discovered', ${utcTimestamp(at)}
        FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) AS r
        ON CONFLICT DO NOTHING
        RETURNING "id"::text, "sha1Thumbprint", "notBefore", "notAfter", "source"::text`);
      discovered = inserted.length;
      certs = [...certs, ...inserted];
      // A concurrent scan added some meanwhile (skipped as duplicates): read those too.
      if (inserted.length < fresh.length)
        certs = await q<KnownCertificate>(Prisma.sql`
          SELECT "id"::text, "sha1Thumbprint", "notBefore", "notAfter", "source"::text
          FROM "Certificate" WHERE "sha1Thumbprint" = ANY(${sha1s}::text[])`);
    }
    const certBySha1 = new Map(certs.map((c) => [c.sha1Thumbprint, c]));

    const existingByAppId = new Map(existing.map((c) => [c.appId, c]));
    const changes: ScanChange[] = [];
    const newConnectors: NewConnectorRow[] = [];
    const changedConnectors: ChangedConnectorRow[] = [];
    let created = 0;
    let updated = 0;
    for (const s of seen) {
      const prev = existingByAppId.get(s.app.appId);
      const displayName = s.app.displayName ?? s.app.appId;
      const facts = [...s.credentials.map(factsFromObserved), ...s.otherCredentials];
      const observed = toObservedCredentialsJson(facts) as Prisma.InputJsonValue;
      // The connection's certificate, when none is set yet: prefer one Rekey itself holds (uploaded,
      // generated or issued — the vendor's), then a currently valid one, then the application's over
      // the service principal's, then the newest. An expired certificate still counts (the connector
      // is then `expired`, not certificate-less).
      const candidates = s.credentials
        .filter((c) => c.sha1 && certBySha1.has(c.sha1))
        .map((c) => ({ c, cert: certBySha1.get(c.sha1!)! }))
        .sort((a, b) => {
          const rank = (x: typeof a) => [
            x.cert.source === 'discovered' ? 1 : 0,
            isCurrentlyValid(x.c, now) && x.cert.notBefore <= now && x.cert.notAfter > now ? 0 : 1,
            x.c.on === s.credentialOn ? 0 : 1,
          ];
          const [ra, rb] = [rank(a), rank(b)];
          for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
          return b.cert.notAfter.getTime() - a.cert.notAfter.getTime();
        });
      const current = candidates[0]?.cert?.id ?? null;
      if (!prev) {
        newConnectors.push({
          id: randomUUID(),
          connectorTypeId: s.connectorTypeId,
          displayName,
          appId: s.app.appId,
          appObjectId: s.app.id,
          spObjectId: s.spObjectId,
          credentialOn: s.credentialOn,
          observedCredentials: observed,
          currentCertificateId: current,
          // First sight: the connection's own certificate is what Rekey expects; anything else
          // the tenant holds shows as drift until someone accepts or removes it.
          expectedThumbprints: current ? [candidates[0]!.c.sha1!] : [],
        });
        created++;
        changes.push({ appId: s.app.appId, displayName, change: 'new', added: facts.map(observedKey) });
        continue;
      }
      const before = new Set(readObservedCredentials(prev.observedCredentials).map(observedKey));
      const after = new Set(facts.map(observedKey));
      const added = [...after].filter((k) => !before.has(k));
      const removed = [...before].filter((k) => !after.has(k));
      if (prev.missingSince) changes.push({ appId: s.app.appId, displayName, change: 'returned' });
      if (prev.observedAt && (added.length || removed.length))
        changes.push({ appId: s.app.appId, displayName, change: 'credentials_changed', added, removed });
      // (The certificate is set only where the connector has none: the statement keeps one it has.)
      changedConnectors.push({
        id: prev.id,
        connectorTypeId: s.connectorTypeId,
        displayName,
        appObjectId: s.app.id,
        spObjectId: s.spObjectId,
        credentialOn: s.credentialOn,
        observedCredentials: observed,
        currentCertificateId: current,
      });
      updated++;
    }
    const seenAppIds = new Set(seen.map((s) => s.app.appId));
    const gone = existing.filter((c) => !seenAppIds.has(c.appId) && !c.missingSince);
    for (const c of gone) changes.push({ appId: c.appId, displayName: c.displayName, change: 'missing' });
    const result: ScanSummary = {
      tenantId: tenant.id,
      connectors: seen.length,
      created,
      updated,
      missing: existing.filter((c) => !seenAppIds.has(c.appId)).length,
      credentials: seen.reduce((n, s) => n + s.credentials.length, 0),
      // Added by this scan (not those a concurrent scan added first).
      certificatesDiscovered: discovered,
      changes,
      unparsable,
    };
    // The scan's writes and its audit event in one statement (raw: see above): the new, changed and
    // gone connectors (the fleet counts' triggers still see every row), the tenant's scan time, the
    // event. Each CTE writes other rows; PostgreSQL runs every one of them, referenced or not.
    const at = new Date();
    const insertConnectors = newConnectors.length
      ? Prisma.sql`inserted AS (
          INSERT INTO "Connector" ("id", "tenantId", "connectorTypeId", "displayName", "appId", "appObjectId",
            "spObjectId", "credentialOn", "observedCredentials", "observedAt", "currentCertificateId",
            "expectedThumbprints", "statusAt", "createdAt", "updatedAt")
          SELECT (r->>'id')::uuid, ${tenant.id}::uuid, (r->>'connectorTypeId')::uuid, r->>'displayName', r->>'appId',
            r->>'appObjectId', r->>'spObjectId', r->>'credentialOn', r->'observedCredentials',
            ${utcTimestamp(now)}, (r->>'currentCertificateId')::uuid,
            ARRAY(SELECT jsonb_array_elements_text(r->'expectedThumbprints')),
            ${utcTimestamp(at)}, ${utcTimestamp(at)}, ${utcTimestamp(at)}
          FROM jsonb_array_elements(${JSON.stringify(newConnectors)}::jsonb) AS r
        ),`
      : Prisma.empty;
    const updateConnectors = changedConnectors.length
      ? Prisma.sql`changed AS (
          UPDATE "Connector" AS c SET "connectorTypeId" = (r->>'connectorTypeId')::uuid, "displayName" = r->>'displayName',
            "appObjectId" = r->>'appObjectId', "spObjectId" = r->>'spObjectId', "credentialOn" = r->>'credentialOn',
            "observedCredentials" = r->'observedCredentials', "observedAt" = ${utcTimestamp(now)}, "missingSince" = NULL,
            "currentCertificateId" = COALESCE(c."currentCertificateId", (r->>'currentCertificateId')::uuid),
            "updatedAt" = ${utcTimestamp(at)}
          FROM jsonb_array_elements(${JSON.stringify(changedConnectors)}::jsonb) AS r
          WHERE c."id" = (r->>'id')::uuid
        ),`
      : Prisma.empty;
    const markGone = gone.length
      ? Prisma.sql`gone AS (
          UPDATE "Connector" SET "missingSince" = ${utcTimestamp(now)}, "updatedAt" = ${utcTimestamp(at)}
          WHERE "id" = ANY(${gone.map((c) => c.id)}::uuid[])
        ),`
      : Prisma.empty;
    const audit = auditEventsJson(
      ctx.actor,
      [
        {
          action: 'tenant.scan',
          targetType: 'tenant',
          targetId: tenant.id,
          tenantId: tenant.id,
          after: { ok: true, ...result },
        },
      ],
      now,
    );
    await q(Prisma.sql`
      WITH ${insertConnectors} ${updateConnectors} ${markGone} scanned AS (
        UPDATE "Tenant" SET "lastScanAt" = ${utcTimestamp(now)}, "lastScanError" = NULL, "updatedAt" = ${utcTimestamp(at)}
        WHERE "id" = ${tenant.id}::uuid
        RETURNING "id"
      )
      SELECT audit_append(${audit}::jsonb) AS "staged" FROM scanned`);
    return result;
  };
  return fresh.length ? transactionRows(ctx.db, write) : write((query) => queryRows(ctx.db, query));
}
