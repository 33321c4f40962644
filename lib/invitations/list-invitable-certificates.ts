/**
 * Certificates a vendor can ask customers to install: valid now, newest first, and trustworthy as
 * a replacement (not on an advisory, not found as an unknown credential: lib/rotation/preflight-trust).
 * A read `(ctx)` (lib/use-case.ts), valid as of `ctx.now`.
 */
import { untrustedReplacements } from '@/lib/rotation/preflight-trust';
import type { UseCaseContext } from '@/lib/use-case';

export async function listInvitableCertificates(ctx: Pick<UseCaseContext, 'db' | 'now'>) {
  const { db, now } = ctx;
  const rows = await db.certificate.findMany({
    where: { notAfter: { gt: now }, notBefore: { lte: now } },
    orderBy: [{ notAfter: 'desc' }],
    take: 200,
    select: {
      id: true,
      subject: true,
      issuer: true,
      serialNumber: true,
      region: true,
      sha1Thumbprint: true,
      sha256Thumbprint: true,
      notAfter: true,
      label: true,
    },
  });
  const untrusted = await untrustedReplacements(db, rows);
  return rows
    .filter((c) => !untrusted.has(c.id))
    .map((c) => ({
      id: c.id,
      label: `${c.label ?? c.subject}${c.region ? ` · ${c.region}` : ''} · until ${c.notAfter.toISOString().slice(0, 10)} · ${c.sha1Thumbprint.slice(0, 8)}`,
    }));
}
