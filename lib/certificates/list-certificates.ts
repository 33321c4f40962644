/** The certificate inventory: search, sort, pagination, with usage and advisory matches. */
import type { Db, Prisma } from '@/lib/db';

export const CERTIFICATE_SORTS = ['subject', 'notAfter', 'createdAt', 'usage'] as const;
export type CertificateSort = (typeof CERTIFICATE_SORTS)[number];

export type CertificateState = 'compromised' | 'expired' | 'expiring' | 'valid';

export function certificateState(
  c: { notAfter: Date; compromised: boolean },
  now: Date,
  expiringWithinDays = 30,
): CertificateState {
  if (c.compromised) return 'compromised';
  if (c.notAfter <= now) return 'expired';
  if (c.notAfter.getTime() - now.getTime() <= expiringWithinDays * 86_400_000) return 'expiring';
  return 'valid';
}

export async function listCertificates(
  db: Db,
  input: {
    q?: string;
    sort?: CertificateSort;
    dir?: 'asc' | 'desc';
    page?: number;
    pageSize?: number;
    /** Count only connectors of these tenants (a scoped user's `tenantScopeWhere`); default all. */
    tenantScope?: Prisma.TenantWhereInput;
  },
) {
  const pageSize = Math.min(Math.max(input.pageSize ?? 50, 1), 200);
  const page = Math.max(input.page ?? 1, 1);
  const q = input.q?.trim();
  const where: Prisma.CertificateWhereInput = q
    ? {
        OR: [
          { subject: { contains: q, mode: 'insensitive' } },
          { label: { contains: q, mode: 'insensitive' } },
          { sha1Thumbprint: { startsWith: q.replace(/[:\s]/g, '').toUpperCase() } },
          { serialNumber: { startsWith: q.replace(/[:\s]/g, '').toUpperCase() } },
        ],
      }
    : {};
  const dir = input.dir ?? 'asc';
  const orderBy: Prisma.CertificateOrderByWithRelationInput[] =
    input.sort === 'notAfter'
      ? [{ notAfter: dir }]
      : input.sort === 'createdAt'
        ? [{ createdAt: dir }]
        : input.sort === 'usage'
          ? [{ connectors: { _count: dir } }]
          : [{ subject: dir }, { id: 'asc' }];
  const [total, rows] = await Promise.all([
    db.certificate.count({ where }),
    db.certificate.findMany({
      where,
      orderBy,
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: {
        id: true,
        subject: true,
        issuer: true,
        label: true,
        region: true,
        source: true,
        sha1Thumbprint: true,
        sha256Thumbprint: true,
        serialNumber: true,
        notBefore: true,
        notAfter: true,
        keyType: true,
        keySize: true,
        createdAt: true,
        sealedPrivateKey: true,
        _count: { select: { connectors: { where: { tenant: input.tenantScope ?? {} } } } },
      },
    }),
  ]);
  const thumbs = rows.flatMap((r) => [r.sha1Thumbprint, r.sha256Thumbprint, r.serialNumber]);
  const hits = thumbs.length
    ? await db.advisoryIndicator.findMany({
        where: { value: { in: thumbs } },
        select: { value: true, kind: true, issuer: true },
      })
    : [];
  const hit = (r: (typeof rows)[number]) =>
    hits.some(
      (h) =>
        (h.kind === 'sha1' && h.value === r.sha1Thumbprint) ||
        (h.kind === 'sha256' && h.value === r.sha256Thumbprint) ||
        (h.kind === 'serial' && h.value === r.serialNumber && (!h.issuer || h.issuer === r.issuer)),
    );
  return {
    total,
    page,
    pageSize,
    rows: rows.map(({ sealedPrivateKey, _count, ...r }) => ({
      ...r,
      hasPrivateKey: sealedPrivateKey !== null,
      connectors: _count.connectors,
      compromised: hit({ ...r, sealedPrivateKey, _count }),
    })),
  };
}

/** One certificate; `tenantScope` limits the connectors listed to a scoped user's tenants. */
export async function getCertificate(db: Db, id: string, tenantScope: Prisma.TenantWhereInput = {}) {
  const c = await db.certificate.findUnique({
    where: { id },
    select: {
      id: true,
      subject: true,
      issuer: true,
      label: true,
      region: true,
      source: true,
      sha1Thumbprint: true,
      sha256Thumbprint: true,
      serialNumber: true,
      notBefore: true,
      notAfter: true,
      keyType: true,
      keySize: true,
      curve: true,
      signatureAlgorithm: true,
      createdAt: true,
      der: true,
      sealedPrivateKey: true,
      connectors: {
        where: { tenant: tenantScope },
        select: {
          id: true,
          displayName: true,
          status: true,
          tenant: { select: { id: true, displayName: true, group: true } },
        },
        take: 200,
      },
    },
  });
  if (!c) return null;
  const { sealedPrivateKey, ...rest } = c;
  const indicators = await db.advisoryIndicator.findMany({
    where: {
      OR: [
        { kind: 'sha1', value: c.sha1Thumbprint },
        { kind: 'sha256', value: c.sha256Thumbprint },
        { kind: 'serial', value: c.serialNumber },
      ],
    },
    select: { kind: true, issuer: true, advisory: { select: { id: true, title: true, severity: true } } },
  });
  const advisories = indicators
    .filter((i) => i.kind !== 'serial' || !i.issuer || i.issuer === c.issuer)
    .map((i) => i.advisory);
  return { ...rest, hasPrivateKey: sealedPrivateKey !== null, advisories };
}
