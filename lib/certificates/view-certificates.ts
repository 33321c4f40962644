/**
 * The certificate pages' reads as use cases (ctx, input): the inventory, one certificate with
 * what the signed-in user may do with it, the public certificate download, and a pending CSR.
 * Pages and route handlers call these; they never read the database themselves (eslint fences).
 * Connectors are tenant-owned: listed and counted only within the caller's scope.
 */
import { hasRole, isFleetWide } from '@/lib/auth/principal';
import { derToPem } from '@/lib/certs/certificate-facts';
import { requireCertificateRole, viewerScope, type CertificateContext } from '@/lib/certificates/certificate-context';
import { exportConfirmText } from '@/lib/certificates/export-certificate-pfx';
import {
  certificateState,
  getCertificate,
  listCertificates,
  type CertificateSort,
} from '@/lib/certificates/list-certificates';
import { regionReplacementImpacts } from '@/lib/certificates/set-region-replacement';
import { RekeyError } from '@/lib/errors';

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** The inventory page: one page of certificates, and the CSRs still waiting for their certificate. */
export async function browseCertificates(
  ctx: CertificateContext,
  input: { q?: string; sort?: CertificateSort; dir?: 'asc' | 'desc'; page?: number },
) {
  requireCertificateRole(ctx, 'viewer', 'The certificate inventory');
  const [result, pendingRequests] = await Promise.all([
    listCertificates(ctx.db, { ...input, tenantScope: viewerScope(ctx) }),
    ctx.db.certificateRequest.findMany({
      where: { completedAt: null },
      orderBy: { createdAt: 'desc' },
      take: 50,
      select: { id: true, subject: true, createdAt: true },
    }),
  ]);
  return { ...result, pendingRequests };
}

/** One certificate's page, or null when there is none with that id. */
export async function viewCertificate(ctx: CertificateContext, input: { id: string }) {
  requireCertificateRole(ctx, 'viewer', 'A certificate’s page');
  if (!isUuid(input.id)) return null;
  const c = await getCertificate(ctx.db, input.id, viewerScope(ctx));
  if (!c) return null;
  const { der, ...rest } = c;
  const state = certificateState({ notAfter: c.notAfter, compromised: c.advisories.length > 0 }, ctx.now);
  const impacts = await regionReplacementImpacts(ctx.db, ctx.now);
  const admin = !ctx.principal || isFleetWide(ctx.principal, 'admin');
  return {
    certificate: { ...rest, derBytes: der.length },
    state,
    impacts,
    replacementOf: impacts.find((i) => i.previous?.id === c.id)?.region ?? null,
    /** Making it a region's replacement: an admin of every tenant, a valid trustworthy certificate. */
    mayDesignate: admin && state !== 'expired' && c.advisories.length === 0,
    /** The PFX export (ADR 021): an admin, and only when the vault holds the key. */
    mayExport: admin && c.hasPrivateKey,
    isAdmin: admin,
    exportConfirm: exportConfirmText(c.sha1Thumbprint),
  };
}

/** The public certificate as a file (PEM or DER). Never key material. */
export async function downloadPublicCertificate(ctx: CertificateContext, input: { id: string; format: 'pem' | 'cer' }) {
  requireCertificateRole(ctx, 'viewer', 'Downloading a certificate');
  const c = isUuid(input.id)
    ? await ctx.db.certificate.findUnique({ where: { id: input.id }, select: { der: true, sha1Thumbprint: true } })
    : null;
  if (!c) throw new RekeyError('NOT_FOUND', 'That certificate does not exist.');
  return {
    filename: `certificate-${c.sha1Thumbprint.slice(0, 12)}.${input.format}`,
    contentType: input.format === 'pem' ? 'application/x-pem-file' : 'application/pkix-cert',
    body: input.format === 'pem' ? Buffer.from(derToPem(Buffer.from(c.der))) : Buffer.from(c.der),
  };
}

/** A CSR's page: its PEM (public), and the certificate it became once completed. */
export async function viewCertificateRequest(ctx: CertificateContext, input: { id: string }) {
  requireCertificateRole(ctx, 'viewer', 'A certificate request');
  if (!isUuid(input.id)) return null;
  const r = await ctx.db.certificateRequest.findUnique({
    where: { id: input.id },
    select: { id: true, subject: true, csrPem: true, createdAt: true, completedAt: true, certificateId: true },
  });
  if (!r) return null;
  return { ...r, mayComplete: !ctx.principal || hasRole(ctx.principal, 'operator') };
}
