/**
 * Demo mode glue: the one place that reads the simulator's manifest (`.data/sim/fleet.json`) and
 * onboards that fleet into Rekey the way an MSP would — through Rekey's own use cases over real
 * MSAL/Graph calls to the simulator: users and roles, the vendor's certificates (with the keys the
 * vendor holds), a replacement certificate per region, tenant import, consent checks, discovery,
 * the vendor's compromise advisory, sign-in evidence and classification. `lib/` never reads the
 * manifest; this file lives outside it on purpose.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { appendAuditEvent, type Actor } from '@/lib/audit/append-audit-event';
import { parseCertificateInput } from '@/lib/certs/parse-certificate-input';
import { generateCertificate } from '@/lib/certificates/generate-certificate';
import type { Db } from '@/lib/db';
import { createAdvisory } from '@/lib/detection/create-advisory';
import { reclassifyConnectors } from '@/lib/detection/reclassify-connectors';
import { scanSignIns } from '@/lib/detection/scan-sign-ins';
import { mapAdaptive, mapPool } from '@/lib/detection/detection-context';
import { fleetRunLimits } from '@/lib/graph/graph-environment';
import { checkTenantConsent } from '@/lib/tenants/check-tenant-consent';
import { importTenants } from '@/lib/tenants/import-tenants';
import { scanTenant } from '@/lib/tenants/scan-tenant';
import { isRekeyError } from '@/lib/errors';
import {
  isUnfinished,
  readOnboardingProgress,
  trackOnboarding,
  type PhaseDisplay,
  type ProgressTracker,
} from '@/lib/ops/onboarding-progress';
import { sealForCertificate } from '@/lib/vault/key-ring';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const ManifestSchema = z.object({
  homeTenant: z.object({ id: z.string() }),
  users: z.array(
    z.object({
      id: z.string(),
      userPrincipalName: z.string(),
      displayName: z.string(),
      role: z.enum(['admin', 'operator', 'viewer']),
      scopeTenantIds: z.array(z.string()).nullable(),
    }),
  ),
  vendor: z.object({
    name: z.string(),
    egressIpRanges: z.array(z.string()),
    certificates: z.array(
      z.object({
        name: z.string(),
        region: z.string().nullable(),
        status: z.string(),
        certificatePath: z.string(),
        privateKeyPath: z.string().nullable(),
        thumbprintSha1: z.string(),
      }),
    ),
  }),
  regions: z.array(z.string()),
  tenants: z.array(z.object({ id: z.string(), name: z.string(), region: z.string() })),
  scenarios: z.object({ compromisedCertificate: z.string() }),
});

const ACTOR: Actor = { id: null, label: 'demo seed' };

export interface DemoSeedResult {
  tenants: number;
  connectors: number;
  certificates: number;
  users: number;
}

function readManifest(manifestPath: string): z.infer<typeof ManifestSchema> {
  return ManifestSchema.parse(JSON.parse(fs.readFileSync(manifestPath, 'utf8')));
}

/** The whole demo, at once (tests and benchmarks): the essentials, then the onboarding. */
export async function seedDemoFleet(db: Db, manifestPath: string, now = new Date()): Promise<DemoSeedResult> {
  const seeded = await seedDemoEssentials(db, manifestPath, now);
  await onboardDemoFleet(db, manifestPath, { now });
  return { ...seeded, connectors: await db.connector.count() };
}

const SUBJECT = 'Onboarding the demo fleet';
/** Phases before the onboarding's own steps (the banner words them; lib/ops/onboarding-progress.ts). */
const IMPORTING = 'importing tenants';
const WAITING = 'waiting to start';
const ONBOARDING_STEPS = 3;

/**
 * What the dashboard needs before it can serve anyone (seconds even for 10,000 tenants): the
 * vendor's certificates, the tenants, the users. Leaves the onboarding pending, so `npm start`
 * runs it behind a dashboard that is already up (and a restart resumes it).
 */
export async function seedDemoEssentials(
  db: Db,
  manifestPath: string,
  now = new Date(),
): Promise<Omit<DemoSeedResult, 'connectors'>> {
  const m = readManifest(manifestPath);
  // First, so the dashboard (already starting beside this) shows the banner during the import.
  const tracker = trackOnboarding(db, { subject: SUBJECT, steps: ONBOARDING_STEPS });
  await tracker.phase(IMPORTING, m.tenants.length);

  // 1. The vendor's certificates, with the private keys the vendor holds (sealed by the vault),
  //    and a replacement certificate per region for remediation campaigns.
  let certificates = 0;
  for (const c of m.vendor.certificates) {
    if (c.status === 'unknown') continue; // the attacker's credential: nobody we know has it
    const bundle = parseCertificateInput({ data: fs.readFileSync(c.certificatePath), filename: c.certificatePath });
    const leaf = bundle.leaf;
    if (await db.certificate.findUnique({ where: { sha1Thumbprint: leaf.sha1Thumbprint }, select: { id: true } }))
      continue;
    const keyPem =
      c.privateKeyPath && fs.existsSync(c.privateKeyPath) ? fs.readFileSync(c.privateKeyPath, 'utf8') : null;
    await db.$transaction(async (tx) => {
      const row = await tx.certificate.create({
        data: {
          sha1Thumbprint: leaf.sha1Thumbprint,
          sha256Thumbprint: leaf.sha256Thumbprint,
          serialNumber: leaf.serialNumber,
          subject: leaf.subject,
          issuer: leaf.issuer,
          notBefore: leaf.notBefore,
          notAfter: leaf.notAfter,
          keyType: leaf.keyType,
          keySize: leaf.keySize ?? null,
          signatureAlgorithm: leaf.signatureAlgorithm,
          der: Buffer.from(leaf.derBase64, 'base64'),
          sealedPrivateKey: keyPem ? sealForCertificate(keyPem, leaf.sha256Thumbprint) : null,
          source: 'uploaded',
          label: `${m.vendor.name} · ${c.name}`,
          region: c.region,
        },
        select: { id: true },
      });
      await appendAuditEvent(tx, ACTOR, {
        action: 'certificate.import',
        targetType: 'certificate',
        targetId: row.id,
        after: { subject: leaf.subject, sha1Thumbprint: leaf.sha1Thumbprint, hasPrivateKey: Boolean(keyPem) },
      });
    });
    certificates++;
  }
  for (const region of m.regions) {
    const label = `${m.vendor.name} 2027 · ${region}`;
    if (await db.certificate.findFirst({ where: { label }, select: { id: true } })) continue;
    await generateCertificate(
      { db, actor: ACTOR, now },
      {
        subject: `CN=${m.vendor.name} Connector 2027 ${region}, O=${m.vendor.name}`,
        days: 365,
        keySize: 2048,
        label,
        region,
      },
    );
    certificates++;
  }

  // 2. Tenants, as an MSP imports them: a CSV through the same use case as the UI.
  const groupOf = (region: string) => `${region} customers`;
  const csv = [
    'tenant,name,region,group',
    ...m.tenants.map((t) => [t.id, `"${t.name.replace(/"/g, '""')}"`, t.region, groupOf(t.region)].join(',')),
  ].join('\n');
  const imported = await importTenants(createUseCaseContext({ actor: ACTOR, now }), { csv });
  if (!imported.ok)
    throw new Error(
      `demo tenant import failed: ${JSON.stringify(imported.rows.filter((r) => r.status !== 'ok').slice(0, 3))}`,
    );
  const tenants = await db.tenant.findMany({ select: { id: true, entraTenantId: true } });
  const byEntra = new Map(tenants.map((t) => [t.entraTenantId, t.id]));

  // 3. The sign-in users of the demo, with their roles (the scoped operator sees a few EU tenants).
  for (const u of m.users) {
    const user = await db.user.upsert({
      where: { email: u.userPrincipalName.toLowerCase() },
      update: {},
      create: { email: u.userPrincipalName.toLowerCase(), name: u.displayName, oid: u.id, homeTenant: m.homeTenant.id },
    });
    if ((await db.roleAssignment.count({ where: { userId: user.id } })) > 0) continue;
    const scoped = u.scopeTenantIds !== null;
    const tenantIds = (u.scopeTenantIds ?? []).map((id) => byEntra.get(id)).filter((id): id is string => Boolean(id));
    await db.$transaction(async (tx) => {
      const a = await tx.roleAssignment.create({
        data: {
          userId: user.id,
          role: u.role,
          allTenants: !scoped,
          tenants: { create: tenantIds.map((tenantId) => ({ tenantId })) },
        },
      });
      await appendAuditEvent(tx, ACTOR, {
        action: 'user.grant',
        targetType: 'user',
        targetId: user.id,
        after: { email: user.email, role: u.role, allTenants: !scoped, tenants: tenantIds.length, assignment: a.id },
      });
    });
  }

  await trackOnboarding(db, { subject: SUBJECT, steps: ONBOARDING_STEPS }).phase(WAITING, tenants.length);
  return { tenants: tenants.length, certificates, users: m.users.length };
}

/** Whether the demo fleet's onboarding has yet to run or finish (a restart resumes it). */
export async function demoOnboardingPending(db: Db): Promise<boolean> {
  return isUnfinished(await readOnboardingProgress(db));
}

/**
 * What each tenant really holds, as an MSP's onboarding finds out: consent, discovery, the
 * vendor's advisory, sign-in evidence, status — with progress in the terminal (`say`) and in the
 * dashboard's banner. Every phase is idempotent, so running it again after an interruption is safe.
 */
export async function onboardDemoFleet(
  db: Db,
  manifestPath: string,
  opts: { now?: Date; say?: (line: string) => void; display?: (label: string, total: number) => PhaseDisplay } = {},
): Promise<void> {
  const m = readManifest(manifestPath);
  const now = opts.now ?? new Date();
  const progress = trackOnboarding(db, {
    subject: SUBJECT,
    steps: ONBOARDING_STEPS,
    say: opts.say,
    display: opts.display,
  });
  try {
    await onboardPhases(db, m, now, progress, opts.say);
  } catch (e) {
    await progress.fail((e as Error).message);
    throw e;
  }
  await progress.finish();
}

async function onboardPhases(
  db: Db,
  m: z.infer<typeof ManifestSchema>,
  now: Date,
  progress: ProgressTracker,
  say?: (line: string) => void,
): Promise<void> {
  const tenants = await db.tenant.findMany({ select: { id: true }, orderBy: { displayName: 'asc' } });
  // Each tenant's consent check and discovery scan run back to back, so the scan reuses the token
  // the check acquired (a phase per kind would outrun the token cache at fleet scale). How many
  // tenants are in flight is bounded by what Graph and the gateway's budgets admit (mapAdaptive).
  const { pressure, max } = fleetRunLimits();
  const ctx = createUseCaseContext({ actor: ACTOR, now });
  await progress.phase('consent checks and discovery scans', tenants.length);
  const onboardTenant = async (t: { id: string }) => {
    const consent = await checkTenantConsent(ctx, { tenantId: t.id });
    if (consent.state === 'not_consented') return;
    // A failed scan is recorded on the tenant (lastScanError) and shown on its page.
    await scanTenant(ctx, { tenantId: t.id }).catch((e: unknown) => {
      if (!isRekeyError(e)) throw e;
    });
  };
  // A tenant that fails for another reason (the database busy past its wait, a timeout) is tried
  // again after the pass, a few at a time; only a second failure stops the onboarding.
  const retry: { id: string }[] = [];
  await mapAdaptive(
    tenants,
    // In flight: never more than the database pool (each tenant's writes take a connection).
    {
      start: 8,
      max,
      pressure,
      onDone: () => progress.tick(),
    },
    (t) => onboardTenant(t).catch(() => void retry.push(t)),
  );
  if (retry.length > 0) {
    say?.(`  trying ${retry.length} tenant${retry.length === 1 ? '' : 's'} again`);
    const failed: string[] = [];
    await mapPool(retry, 2, (t) => onboardTenant(t).catch((e: unknown) => void failed.push((e as Error).message)));
    if (failed.length > 0) throw new Error(`${failed.length} tenants could not be onboarded (first: ${failed[0]})`);
  }
  const compromised = m.vendor.certificates.find((c) => c.name === m.scenarios.compromisedCertificate);
  if (compromised && (await db.advisory.count()) === 0) {
    await createAdvisory(ctx, {
      title: `${m.vendor.name} connector certificate compromised`,
      severity: 'critical',
      publishedAt: new Date(now.getTime() - 2 * 86_400_000).toISOString(),
      compromiseStart: new Date(now.getTime() - 30 * 86_400_000).toISOString(),
      guidance: `The certificate ${m.vendor.name} customers uploaded for their connectors was stolen. Delete the existing connection in each tenant and re-establish it with the newly issued certificate for your region. Tenants with sign-ins from unknown addresses were targeted: rotate those first and review what the connector app could reach.`,
      indicators: compromised.thumbprintSha1,
    });
  }
  await db.setting.upsert({
    where: { key: 'detection.vendorCidrs' },
    update: { value: m.vendor.egressIpRanges },
    create: { key: 'detection.vendorCidrs', value: m.vendor.egressIpRanges },
  });
  let signInPhase: Promise<void> | undefined;
  await scanSignIns(
    ctx,
    { all: true },
    {
      concurrency: 8,
      maxConcurrency: max,
      pressure,
      progress: {
        start: (total) => (signInPhase = progress.phase('sign-in evidence scans', total)),
        tick: () => progress.tick(),
      },
    },
  );
  await signInPhase;
  await progress.phase('classification', 1);
  await reclassifyConnectors(db, { all: true }, { now, actor: ACTOR, reason: 'demo.seed' });
  progress.tick();
}
