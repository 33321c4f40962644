/**
 * Misuse evidence: for each tenant whose connectors use or still hold a compromised credential,
 * read the service-principal sign-ins of the connector app since the compromise began (beta
 * sign-in fields; paged; the gateway keeps to 5 requests / 10 s per tenant), classify each by the
 * vendor's known ranges (`detection.vendorCidrs`), store the evidence (unique per tenant +
 * sign-in id) and re-classify: a compromised credential used from an unknown address → `targeted`.
 *
 * Stored: sign-ins that used a compromised credential (from anywhere — the vendor's own use shows
 * the old key is still live) and sign-ins from unknown addresses with any credential (e.g. an
 * unknown extra credential in use). The vendor's routine sign-ins with clean credentials are not
 * stored (volume); `findFirstUseAfter` asks Graph for those.
 *
 * A tenant whose logs cannot be read says so (Tenant.signInLogState: unavailable_license without
 * Entra ID P1/P2, unavailable_permission without AuditLog.Read.All, error otherwise) instead of
 * looking clean; the detail is in the 'tenant.sign_in_scan' audit event and the result.
 * Explicitly named tenants are scanned for every connector (the last 30 days when no credential
 * is compromised), so their log state is known too.
 */
import { tenantRefOf, type GraphGateway, type TenantRef } from '@/lib/graph/graph-gateway';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { Prisma } from '@/lib/db';
import { isRekeyError } from '@/lib/errors';
import { createAddressMatcher, type AddressMatcher } from '@/lib/detection/cidr';
import { mapAdaptive, type ScanOptions } from '@/lib/detection/detection-context';
import { callerOf, type UseCaseContext } from '@/lib/use-case';
import { loadDetectionSettings } from '@/lib/detection/detection-settings';
import { evidenceSince, loadAdvisoryIndicators, type LoadedAdvisories } from '@/lib/detection/load-advisory-indicators';
import { readObservedCredentials } from '@/lib/detection/observed-credentials';
import { reclassifyConnectorsInTransaction } from '@/lib/detection/reclassify-connectors';
import { selectScanTenants, type ScanSelection, type ScanTenant } from '@/lib/detection/select-scan-tenants';
import { signInCredentialThumbprint } from '@/lib/graph/credential-thumbprint';
import { listSignIns, type SignIn } from '@/lib/graph/list-sign-ins';
import { EXPOSED_STATUSES } from '@/lib/fleet/statuses';

export const CLEAN_LOOKBACK_DAYS = 30;

export type SignInLogState = 'available' | 'unavailable_license' | 'unavailable_permission' | 'error';

export interface TenantSignInOutcome {
  tenantId: string;
  displayName: string;
  state: SignInLogState;
  /** Plain words for the tenant page ("evidence unavailable: needs Entra ID P1/P2"). */
  detail: string | null;
  connectorsScanned: number;
  signInsRead: number;
  evidenceStored: number;
  /** Sign-ins with a compromised credential from outside the vendor's ranges. */
  unknownAddressUses: number;
  unknownAddresses: string[];
  /**
   * Successful sign-ins of a connector with a client secret or a federated credential (Graph's
   * `clientCredentialType`): a certificate connector's vendor never uses one, so someone holds a
   * credential Rekey did not issue — from any address, the vendor's included.
   */
  nonCertificateSignIns: number;
}

export interface ScanSignInsResult {
  tenants: TenantSignInOutcome[];
  targetedTenants: string[];
  unavailableTenants: string[];
}

interface EvidenceRow {
  connectorId: string;
  signInId: string;
  at: Date;
  appId: string;
  keyId: string | null;
  thumbprint: string | null;
  /** Graph's `clientCredentialType` (certificate, clientSecret, federatedIdentityCredential, …); null when the log omits it. */
  credentialType: string | null;
  ip: string;
  resource: string | null;
  errorCode: number;
  classification: 'vendor' | 'unknown';
}

/** Credential types a certificate connector's vendor never signs in with (signIn resource type, beta: clientCredentialType). */
export const NOT_A_CERTIFICATE = new Set(['clientSecret', 'federatedIdentityCredential']);

const hex = (s: string | null | undefined) => (s ? s.replace(/[^0-9a-f]/gi, '').toUpperCase() || null : null);
const DAY = 86_400_000;

interface ConnectorPlan {
  id: string;
  appId: string;
  since: Date;
  compromised: Set<string>;
  /** The credentials Rekey knows for the connector (observed on the app, and its current certificate). */
  known: { keyId: string; sha1: string | null; sha256: string | null }[];
}

function planConnector(
  c: {
    id: string;
    appId: string;
    observedCredentials: unknown;
    currentCertificate: { sha1Thumbprint: string; sha256Thumbprint: string } | null;
  },
  adv: LoadedAdvisories,
  now: Date,
): ConnectorPlan {
  const observed = readObservedCredentials(c.observedCredentials);
  const compromised = new Set<string>();
  const advisoryIds = new Set<string>();
  const consider = (sha1: string | null, sha256: string | null) => {
    const hits = [...(sha1 ? (adv.sha1.get(sha1) ?? []) : []), ...(sha256 ? (adv.sha256.get(sha256) ?? []) : [])];
    if (hits.length && sha1) compromised.add(sha1);
    for (const h of hits) advisoryIds.add(h);
  };
  if (c.currentCertificate)
    consider(hex(c.currentCertificate.sha1Thumbprint), hex(c.currentCertificate.sha256Thumbprint));
  for (const o of observed) consider(o.thumbprint, o.sha256);
  const since =
    evidenceSince([...advisoryIds].map((id) => adv.windows.get(id)!)) ??
    new Date(now.getTime() - CLEAN_LOOKBACK_DAYS * DAY);
  return {
    id: c.id,
    appId: c.appId,
    since,
    compromised,
    known: [
      ...observed.map((o) => ({ keyId: o.keyId, sha1: o.thumbprint, sha256: o.sha256 })),
      ...(c.currentCertificate
        ? [
            {
              keyId: '',
              sha1: hex(c.currentCertificate.sha1Thumbprint),
              sha256: hex(c.currentCertificate.sha256Thumbprint),
            },
          ]
        : []),
    ],
  };
}

/**
 * The sign-in's credential is identified by keyId first, then by its thumbprint compared by bytes
 * (SHA-1 or SHA-256, hex or base64, any case): a format Rekey did not expect must not hide a use
 * of a compromised key.
 */
export function toEvidence(
  plan: Pick<ConnectorPlan, 'id' | 'compromised' | 'known'>,
  s: SignIn,
  matcher: AddressMatcher,
): EvidenceRow | null {
  const keyId = s.servicePrincipalCredentialKeyId ?? null;
  const { thumbprint } = signInCredentialThumbprint(s, plan.known);
  const ip = s.ipAddress ?? '';
  const classification = matcher.matches(ip) ? 'vendor' : 'unknown';
  const usedCompromised = thumbprint !== null && plan.compromised.has(thumbprint);
  const credentialType = s.clientCredentialType ?? null;
  // From the vendor's ranges a sign-in is kept only when it says something: the compromised key, or
  // a kind of credential the vendor's service never uses.
  if (!usedCompromised && classification === 'vendor' && !NOT_A_CERTIFICATE.has(credentialType ?? '')) return null;
  return {
    connectorId: plan.id,
    signInId: s.id,
    at: new Date(s.createdDateTime),
    appId: s.appId,
    keyId,
    thumbprint,
    credentialType,
    ip,
    resource: s.resourceDisplayName ?? s.resourceId ?? null,
    errorCode: s.status?.errorCode ?? 0,
    classification,
  };
}

async function scanTenant(
  t: ScanTenant,
  explicit: boolean,
  adv: LoadedAdvisories,
  matcher: AddressMatcher,
  ctx: UseCaseContext,
): Promise<TenantSignInOutcome> {
  const { db } = ctx;
  const gw = ctx.graph(t.entraTenantId).gateway;
  const connectors = await db.connector.findMany({
    where: { tenantId: t.id },
    select: {
      id: true,
      appId: true,
      observedCredentials: true,
      currentCertificate: { select: { sha1Thumbprint: true, sha256Thumbprint: true } },
    },
  });
  const plans = connectors.map((c) => planConnector(c, adv, ctx.now)).filter((p) => explicit || p.compromised.size > 0);
  const out: TenantSignInOutcome = {
    tenantId: t.id,
    displayName: t.displayName,
    state: 'available',
    detail: null,
    connectorsScanned: 0,
    signInsRead: 0,
    evidenceStored: 0,
    unknownAddressUses: 0,
    unknownAddresses: [],
    nonCertificateSignIns: 0,
  };
  const rows: EvidenceRow[] = [];
  // Nothing to read for this tenant: one $top=1 request still tells whether its logs can be read
  // (the consent check no longer probes: sign-in logs have a small per-app limit across tenants).
  if (plans.length === 0) {
    const probe = await probeSignInLogs(gw, tenantRefOf(t));
    out.state = probe.state;
    out.detail = probe.detail;
  }
  for (const plan of plans) {
    try {
      const r = await listSignIns(gw, tenantRefOf(t), { appId: plan.appId, since: plan.since });
      if (!r.available) {
        out.state = r.reason === 'needs_premium' ? 'unavailable_license' : 'unavailable_permission';
        out.detail =
          r.reason === 'needs_premium'
            ? 'evidence unavailable: the tenant has no Entra ID P1/P2 licence, so its sign-in logs cannot be read'
            : `evidence unavailable: ${r.message}`;
        break;
      }
      out.connectorsScanned++;
      out.signInsRead += r.signIns.length;
      for (const s of r.signIns) {
        const e = toEvidence(plan, s, matcher);
        if (e) rows.push(e);
      }
    } catch (e) {
      if (!isRekeyError(e)) throw e;
      out.state = 'error';
      out.detail = `evidence unavailable: ${e.message}`;
      break;
    }
  }
  const complete = out.state === 'available';
  const uses = rows.filter(
    (r) =>
      r.classification === 'unknown' &&
      r.thumbprint &&
      plans.some((p) => p.id === r.connectorId && p.compromised.has(r.thumbprint!)),
  );
  out.unknownAddressUses = uses.length;
  out.unknownAddresses = [...new Set(uses.map((u) => u.ip))].sort();
  out.nonCertificateSignIns = rows.filter(
    (r) => r.errorCode === 0 && NOT_A_CERTIFICATE.has(r.credentialType ?? ''),
  ).length;
  out.evidenceStored = rows.length;
  await db.$transaction(
    async (tx) => {
      if (rows.length > 0) {
        for (let i = 0; i < rows.length; i += 1_000) {
          const values = Prisma.join(
            rows
              .slice(i, i + 1_000)
              .map(
                (r) =>
                  Prisma.sql`(gen_random_uuid(), ${t.id}::uuid, ${r.connectorId}::uuid, ${r.signInId}, ${r.at}::timestamp, ${r.appId}, ${r.keyId}, ${r.thumbprint}, ${r.credentialType}, ${r.ip}, ${r.resource}, ${r.errorCode}::int, ${r.classification}::"SignInClass", ${ctx.now}::timestamp)`,
              ),
          );
          await tx.$executeRaw`
            INSERT INTO "SignInEvidence" (id, "tenantId", "connectorId", "signInId", at, "appId", "credentialKeyId", "credentialThumbprint", "credentialType", "ipAddress", resource, "errorCode", classification, "fetchedAt")
            VALUES ${values}
            ON CONFLICT ("tenantId", "signInId") DO UPDATE SET classification = EXCLUDED.classification, "connectorId" = EXCLUDED."connectorId", "credentialThumbprint" = coalesce("SignInEvidence"."credentialThumbprint", EXCLUDED."credentialThumbprint"), "credentialType" = coalesce("SignInEvidence"."credentialType", EXCLUDED."credentialType")`;
        }
      }
      await tx.tenant.update({
        where: { id: t.id },
        data: {
          signInLogState: out.state,
          signInLogDetail: out.state === 'available' ? null : (out.detail ?? null),
          ...(complete ? { lastSignInScanAt: ctx.now } : {}),
        },
      });
      await appendAuditEvent(
        tx,
        ctx.actor,
        {
          action: 'tenant.sign_in_scan',
          targetType: 'tenant',
          targetId: t.id,
          tenantId: t.id,
          after: {
            state: out.state,
            detail: out.detail,
            connectorsScanned: out.connectorsScanned,
            signInsRead: out.signInsRead,
            evidenceStored: out.evidenceStored,
            unknownAddressUses: out.unknownAddressUses,
            unknownAddresses: out.unknownAddresses,
            nonCertificateSignIns: out.nonCertificateSignIns,
          },
        },
        ctx.now,
      );
      await reclassifyConnectorsInTransaction(
        tx,
        { tenantIds: [t.id] },
        { now: ctx.now, actor: ctx.actor, reason: 'scan.signins' },
      );
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  return out;
}

export async function scanSignIns(
  ctx: UseCaseContext,
  selection: ScanSelection,
  opts: ScanOptions = {},
): Promise<ScanSignInsResult> {
  const { db } = ctx;
  const explicit = !('all' in selection);
  // "All" = tenants with an exposed connector (the status already folds in every observed credential),
  // and consented tenants whose sign-in logs were never tried (a new tenant's licence and permission).
  const tenants = await selectScanTenants(db, callerOf(ctx), selection, {
    OR: [
      { connectors: { some: { status: { in: [...EXPOSED_STATUSES] } } } },
      { consentState: 'consented', signInLogState: 'unknown' },
    ],
  });
  const [adv, settings] = await Promise.all([loadAdvisoryIndicators(db), loadDetectionSettings(db)]);
  const matcher = createAddressMatcher(settings.vendorCidrs);
  await opts.progress?.start(tenants.length);
  const results = await mapAdaptive(
    tenants,
    {
      start: opts.concurrency ?? 8,
      max: opts.pressure ? opts.maxConcurrency : (opts.concurrency ?? 8),
      pressure: opts.pressure ?? (() => 0),
      onDone: () => opts.progress?.tick(),
    },
    (t) => scanTenant(t, explicit, adv, matcher, ctx),
  );
  const statuses = await db.connector.groupBy({
    by: ['tenantId'],
    where: { tenantId: { in: tenants.map((t) => t.id) }, status: 'targeted' },
  });
  return {
    tenants: results,
    targetedTenants: statuses.map((s) => s.tenantId).sort(),
    unavailableTenants: results.filter((r) => r.state !== 'available').map((r) => r.tenantId),
  };
}

/** Whether the tenant's sign-in logs can be read at all (Entra ID P1/P2 and AuditLog.Read.All): one `$top=1` read. */
async function probeSignInLogs(
  gw: GraphGateway,
  ref: TenantRef,
): Promise<{ state: SignInLogState; detail: string | null }> {
  try {
    await gw.request(ref, {
      method: 'GET',
      path: "/auditLogs/signIns?$filter=signInEventTypes/any(t: t eq 'servicePrincipal')&$top=1",
      version: 'beta',
      operation: 'read the sign-in logs',
      need: 'readSignIns',
      report: true,
    });
    return { state: 'available', detail: null };
  } catch (e) {
    if (!isRekeyError(e)) throw e;
    if (e.code === 'PERMISSION_MISSING')
      return e.details?.reason === 'needs_premium'
        ? {
            state: 'unavailable_license',
            detail:
              'evidence unavailable: the tenant has no Entra ID P1/P2 licence, so its sign-in logs cannot be read',
          }
        : { state: 'unavailable_permission', detail: `evidence unavailable: ${e.message}` };
    return { state: 'error', detail: `evidence unavailable: ${e.message}` };
  }
}
