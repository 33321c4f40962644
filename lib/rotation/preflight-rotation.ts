/**
 * preflightRotation(ctx, { connectorId, toCertificateId, mode }) for the wizard: gathers facts
 * from the database (ctx.db) and the tenant (reads only), then runs the pure checks in
 * preflight-checks.ts. Authorizes against ctx.principal (operator of the connector's tenant).
 */
import { tenantRefOf } from '@/lib/graph/graph-gateway';
import { z } from 'zod';
import { requireTenantAccess } from '@/lib/auth/tenant-access';
import { certificateFactsFromDer, derToPem } from '@/lib/certs/certificate-facts';
import { validateForEntra } from '@/lib/certs/validate-for-entra';
import { RekeyError } from '@/lib/errors';
import { chooseCredentialPath } from '@/lib/graph/choose-credential-path';
import type { CredentialOwner } from '@/lib/graph/graph-types';
import { permits } from '@/lib/graph/permissions';
import { getCertificateByIdOrThumbprint } from '@/lib/rotation/find-certificate';
import { ACTIVE_STATES } from '@/lib/rotation/machine';
import { untrustedReplacements, vaultHoldsMatchingKey } from '@/lib/rotation/preflight-trust';
import { evaluatePreflight, type PreflightCheck, type PreflightFacts } from '@/lib/rotation/preflight-checks';
import type { UseCaseContext } from '@/lib/use-case';
import { rotationDeps, type RotationDeps } from '@/lib/rotation/rotation-deps';
import { recordPreflight, type PreflightKey } from '@/lib/rotation/preflight-record';

export const PreflightRotationSchema = z.object({
  connectorId: z.uuid(),
  toCertificateId: z.string().min(1),
  mode: z.enum(['rotate', 'reestablish']).default('rotate'),
  recreate: z.boolean().default(false),
});
export type PreflightRotationInput = z.input<typeof PreflightRotationSchema>;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function preflightRotation(
  ctx: UseCaseContext,
  input: PreflightRotationInput,
  depsIn?: RotationDeps,
): Promise<{ ok: boolean; checks: PreflightCheck[] }> {
  const parsed = PreflightRotationSchema.safeParse(input);
  if (!parsed.success)
    throw new RekeyError('BAD_INPUT', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const { connectorId, mode, recreate } = parsed.data;
  const connector = await ctx.db.connector.findUnique({
    where: { id: connectorId },
    include: {
      tenant: true,
      currentCertificate: {
        select: { sha1Thumbprint: true, sha256Thumbprint: true, der: true, sealedPrivateKey: true },
      },
    },
  });
  if (!connector) throw new RekeyError('NOT_FOUND', `Connector ${connectorId} not found.`);
  if (ctx.principal) await requireTenantAccess(ctx.principal, connector.tenantId, 'operator', ctx.db);
  const cert = await getCertificateByIdOrThumbprint(ctx.db, parsed.data.toCertificateId);
  const deps = depsIn ?? (await rotationDeps());
  const tenant = tenantRefOf(connector.tenant);
  const on: CredentialOwner = connector.credentialOn === 'servicePrincipal' ? 'servicePrincipal' : 'application';

  const full = await ctx.db.certificate.findUniqueOrThrow({
    where: { id: cert.id },
    select: { id: true, sha1Thumbprint: true, sha256Thumbprint: true, serialNumber: true, issuer: true },
  });
  const [untrusted, keyHeld] = await Promise.all([
    untrustedReplacements(ctx.db, [full], { currentCertificateId: connector.currentCertificateId }),
    vaultHoldsMatchingKey(ctx.db, cert.id),
  ]);
  const validation = validateForEntra(certificateFactsFromDer(Buffer.from(cert.der)), { now: ctx.now });
  const active = await ctx.db.rotation.findFirst({
    where: { connectorId, state: { in: [...ACTIVE_STATES] } },
    orderBy: { createdAt: 'desc' },
  });
  const [roles, view, policy] = await Promise.all([
    deps.graph.grantedRoles(tenant).catch((e: unknown) => ({ error: message(e) })),
    deps.graph
      .readConnection({ tenant, appId: connector.appId, appObjectId: connector.appObjectId, credentialOn: on })
      .catch((e: unknown) => ({ error: message(e) })),
    deps.graph.keyLifetimePolicy(tenant).catch((e: unknown) => ({ error: message(e) })),
  ]);

  const holder =
    'error' in view
      ? null
      : on === 'servicePrincipal'
        ? view.sp && { id: view.sp.id, credentials: view.sp.credentials }
        : view.app && { id: view.app.id, credentials: view.app.credentials };
  // The object holding the credential: the lock (service principals only) and, in OwnedBy mode, ownership.
  const access: PreflightFacts['holderAccess'] = { on, lock: null, ownership: null };
  if (holder) {
    const owned = !('error' in roles) && permits('writeApplications', roles) === 'if-owner';
    const [lock, ownership] = await Promise.all([
      on === 'servicePrincipal'
        ? deps.graph
            .instanceLock(tenant, holder.id)
            .catch((e: unknown) => ({ state: 'unknown' as const, detail: message(e) }))
        : null,
      owned
        ? deps.graph.ownership(tenant, { on, objectId: holder.id }).catch((e: unknown) => ({ error: message(e) }))
        : null,
    ]);
    access.lock = lock;
    access.ownership = ownership;
  }

  let addPath: PreflightFacts['addPath'] = null;
  if (holder) {
    const old = connector.currentCertificate;
    const pem = old ? derToPem(Buffer.from(old.der)) : null;
    const held =
      old?.sealedPrivateKey && pem
        ? await deps.openKey({
            sealedPrivateKey: old.sealedPrivateKey,
            sha256Thumbprint: old.sha256Thumbprint,
            certificatePem: pem,
          })
        : null;
    const choice = chooseCredentialPath({
      credentials: holder.credentials,
      heldKeys: held ? [held] : [],
      now: ctx.now,
    });
    addPath = { path: choice.path, reason: choice.reason };
  }

  return evaluatePreflight({
    now: ctx.now,
    mode,
    recreate,
    tenantName: connector.tenant.displayName,
    connector: {
      displayName: connector.displayName,
      currentSha1: connector.currentCertificate?.sha1Thumbprint.toUpperCase() ?? null,
    },
    certificate: {
      sha1: cert.sha1Thumbprint.toUpperCase(),
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      errors: validation.errors,
      warnings: validation.warnings,
      privateKeyHeld: keyHeld,
      // The current certificate has its own check (notCurrentCertificate).
      untrusted: cert.id === connector.currentCertificateId ? null : (untrusted.get(cert.id) ?? null),
    },
    activeRotation: active
      ? { id: active.id, state: active.state, step: active.step, actorLabel: active.actorLabel }
      : null,
    roles,
    connection:
      'error' in view
        ? view
        : {
            appExists: Boolean(holder),
            appCreatedDateTime: view.app?.createdDateTime ?? null,
            credentials: holder?.credentials ?? [],
          },
    addPath,
    policy,
    holderAccess: access,
  });
}

/**
 * The wizard's Preflight step: runs the checks for the caller and stores the result (ADR 020), so
 * Confirm and Start accept only this passing preflight of the same connector, certificate, mode and
 * user (lib/rotation/start-armed-rotation.ts).
 */
export async function runPreflight(
  ctx: UseCaseContext,
  input: PreflightKey,
  deps?: RotationDeps,
): Promise<{ ok: boolean; checks: PreflightCheck[]; preflightId: string }> {
  const { connectorId, certificateId, mode, recreate } = input;
  const result = await preflightRotation(ctx, { connectorId, toCertificateId: certificateId, mode, recreate }, deps);
  const preflightId = await recordPreflight(ctx.db, input, result, ctx.principal?.userId ?? null, ctx.now);
  return { ...result, preflightId };
}
