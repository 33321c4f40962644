/**
 * Test-only: a connector in the database that mirrors a connector of the in-process simulator,
 * its current (vendor) certificate and a new certificate built at test time, plus rotation deps
 * wired to the real lib/graph against that simulator. Used by lib/rotation's db tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { db } from '@/lib/db';
import type { GraphSim } from '@/lib/graph/testing/sim-graph';
import { buildCert, type BuiltCert } from '@/lib/testing/certs';
import { masterKeyFromBytes, type MasterKey } from '@/lib/vault/master-key';
import { openSealedKey } from '@/lib/vault/sealed-key';
import { createGraphPortAdapter } from '@/lib/rotation/graph-port-adapter';
import type { RotationDeps } from '@/lib/rotation/rotation-deps';
import { certificateRow } from '@/lib/testing/store-certificate';

export const TEST_MASTER_KEY: MasterKey = masterKeyFromBytes(randomBytes(32));

export function testRotationDeps(gs: GraphSim, over: Partial<RotationDeps> = {}): RotationDeps {
  return {
    graph: createGraphPortAdapter(gs.graph),
    async openKey(k) {
      try {
        return {
          certificatePem: k.certificatePem,
          privateKeyPem: openSealedKey(k.sealedPrivateKey, k.sha256Thumbprint, TEST_MASTER_KEY),
        };
      } catch {
        return null;
      }
    },
    // Long enough to outlast the simulator's replication lag (≤ 400 ms, on by default as in Entra ID):
    // 200 + 400 ms of backoff before the third and last attempt.
    retryPolicy: { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 1_000 },
    jitterMs: () => 0,
    clock: () => new Date(),
    ...over,
  };
}

async function upsertCertificate(pem: string, keyPem: string | null, opts: { wrongKeyPem?: string } = {}) {
  const data = certificateRow(pem, {
    privateKeyPem: keyPem && (opts.wrongKeyPem ?? keyPem),
    masterKey: TEST_MASTER_KEY,
  });
  return db.certificate.upsert({
    where: { sha1Thumbprint: data.sha1Thumbprint },
    update: { sealedPrivateKey: data.sealedPrivateKey },
    create: data,
  });
}

let slot = 100;

export interface FixtureOptions {
  /** Rekey holds the old certificate's private key (→ addKey with proof). Default true. */
  holdOldKey?: boolean;
  /** Seal a key that does not belong to the new certificate (its verification fails). */
  wrongNewKey?: boolean;
  /** Which connector of the matching tenants (0 = first). */
  index?: number;
  /** A tenant with this demo scenario (e.g. policy-restricted); default: healthy tenants. */
  scenario?: string;
}

export async function rotationFixture(gs: GraphSim, opts: FixtureOptions = {}) {
  const tenants = gs.manifest.tenants.filter(
    (t) => (opts.scenario ? t.scenarios.includes(opts.scenario) : t.scenarios.length === 0) && t.connectors.length > 0,
  );
  const all = tenants.flatMap((t) => t.connectors.map((c) => ({ t, c })));
  const pick = all[(opts.index ?? 0) % all.length]!;
  const { t, c } = pick;
  const oldMaterial = gs.certificate(c.certificate);
  const tenant = await db.tenant.upsert({
    where: { entraTenantId: t.id },
    update: {},
    create: { entraTenantId: t.id, displayName: t.name, defaultDomain: t.domain },
  });
  const type = await db.connectorType.upsert({ where: { name: c.product }, update: {}, create: { name: c.product } });
  await db.connector.deleteMany({ where: { tenantId: tenant.id, appId: c.appId } });
  const oldCert = await upsertCertificate(
    oldMaterial.certificatePem,
    opts.holdOldKey === false ? null : oldMaterial.privateKeyPem,
  );
  const now = Date.now();
  const built: BuiltCert = buildCert({
    subject: `CN=${c.displayName} rotated ${slot}, O=Rekey Tests`,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 200 * 86_400_000),
    slot: slot++,
  });
  const wrong = opts.wrongNewKey ? buildCert({ slot: slot++ }).keyPem : undefined;
  const newCert = await upsertCertificate(built.pem, built.keyPem, wrong ? { wrongKeyPem: wrong } : {});
  const connector = await db.connector.create({
    data: {
      tenantId: tenant.id,
      connectorTypeId: type.id,
      displayName: c.displayName,
      appId: c.appId,
      appObjectId: c.applicationObjectId,
      spObjectId: c.servicePrincipalId,
      currentCertificateId: oldCert.id,
    },
  });
  return {
    tenant,
    connector,
    oldCert,
    newCert,
    built,
    sim: { tenantId: t.id, appId: c.appId, oldSha1: oldCert.sha1Thumbprint, newSha1: newCert.sha1Thumbprint },
  };
}

/** The connection's credentials as the simulator holds them right now (SHA-1 per credential). */
export function simCredentials(
  gs: GraphSim,
  tenantId: string,
  appId: string,
): { app: string[]; sp: string[]; appExists: boolean } {
  const tenant = gs.sim.admin.getTenant(tenantId);
  const sha1 = (k: { key: Buffer | null }) =>
    k.key ? createHash('sha1').update(k.key).digest('hex').toUpperCase() : '?';
  const app = tenant.appsByAppId.get(appId);
  const sp = tenant.spsByAppId.get(appId);
  return { app: app?.keyCredentials.map(sha1) ?? [], sp: sp?.keyCredentials.map(sha1) ?? [], appExists: Boolean(app) };
}
