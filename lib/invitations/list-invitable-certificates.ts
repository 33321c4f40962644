/** Certificates a vendor can ask customers to install: valid now, newest first (for the invitation form). */
import { db as defaultDb, type Db } from '@/lib/db';

export async function listInvitableCertificates(now: Date, db: Db = defaultDb) {
  const rows = await db.certificate.findMany({
    where: { notAfter: { gt: now }, notBefore: { lte: now } },
    orderBy: [{ notAfter: 'desc' }],
    take: 200,
    select: { id: true, subject: true, region: true, sha1Thumbprint: true, notAfter: true, label: true },
  });
  return rows.map((c) => ({
    id: c.id,
    label: `${c.label ?? c.subject}${c.region ? ` · ${c.region}` : ''} · until ${c.notAfter.toISOString().slice(0, 10)} · ${c.sha1Thumbprint.slice(0, 8)}`,
  }));
}
