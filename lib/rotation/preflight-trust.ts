/**
 * Which certificates may become a connector's replacement, and whether Rekey really holds a
 * certificate's private key. A certificate is never a replacement when its thumbprint or serial is
 * on an advisory, when it is the connector's current credential, or when any connector's last
 * scan found a credential with its thumbprint that Rekey does not expect there — what the tenant
 * page shows as an unknown credential, possible attacker persistence (discovery adds such
 * certificates to the inventory as "discovered"). Used by the wizard's list, its preflight and
 * the start action, the campaign certificate list and createCampaign, and `rekey rotate`.
 */
import { certificateMatchesKey } from '@/lib/certs/certificate-matches-key';
import { Prisma, type Db } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { openForCertificate } from '@/lib/vault/key-ring';

export interface TrustSubject {
  id: string;
  sha1Thumbprint: string;
  sha256Thumbprint: string;
  serialNumber: string;
  issuer: string;
}

const up = (s: string) => s.replace(/[^0-9a-f]/gi, '').toUpperCase();

/** Reasons a certificate must not be a replacement, by certificate id (absent: trustworthy). */
export async function untrustedReplacements(
  db: Db,
  certs: TrustSubject[],
  opts: { currentCertificateId?: string | null } = {},
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!certs.length) return out;
  const sha1s = [...new Set(certs.map((c) => up(c.sha1Thumbprint)))];
  const [indicators, unknownRows] = await Promise.all([
    db.advisoryIndicator.findMany({
      where: { value: { in: certs.flatMap((c) => [c.sha1Thumbprint, c.sha256Thumbprint, c.serialNumber]) } },
      select: { kind: true, value: true, issuer: true },
    }),
    // What the tenant page flags as unknown (lib/detection/compute-drift): a credential a scanned
    // connector holds that is neither its current certificate nor one Rekey expects.
    db.$queryRaw<{ thumbprint: string; connector: string; tenant: string }[]>`
      SELECT DISTINCT ON (o.t) o.t AS thumbprint, c."displayName" AS connector, tn."displayName" AS tenant
      FROM "Connector" c
      JOIN "Tenant" tn ON tn.id = c."tenantId"
      LEFT JOIN "Certificate" cur ON cur.id = c."currentCertificateId"
      CROSS JOIN LATERAL (
        SELECT regexp_replace(upper(COALESCE(x->>'thumbprint', x->>'sha1', '')), '[^0-9A-F]', '', 'g') AS t
        FROM jsonb_array_elements(c."observedCredentials") x
      ) o
      WHERE c."observedAt" IS NOT NULL
        AND o.t IN (${Prisma.join(sha1s)})
        AND o.t <> upper(COALESCE(cur."sha1Thumbprint", ''))
        AND NOT EXISTS (
          SELECT 1 FROM unnest(c."expectedThumbprints") e
          WHERE regexp_replace(upper(e), '[^0-9A-F]', '', 'g') = o.t
        )
      ORDER BY o.t, tn."displayName"`,
  ]);
  const unknown = new Map(unknownRows.map((r) => [up(r.thumbprint), r]));
  for (const c of certs) {
    const advisory = indicators.some(
      (h) =>
        (h.kind === 'sha1' && h.value === c.sha1Thumbprint) ||
        (h.kind === 'sha256' && h.value === c.sha256Thumbprint) ||
        (h.kind === 'serial' && h.value === c.serialNumber && (!h.issuer || h.issuer === c.issuer)),
    );
    const flagged = unknown.get(up(c.sha1Thumbprint));
    if (advisory) out.set(c.id, 'Its thumbprint is on a compromise advisory.');
    else if (opts.currentCertificateId && c.id === opts.currentCertificateId)
      out.set(c.id, 'It is the connector’s current certificate.');
    else if (flagged)
      out.set(
        c.id,
        `Rekey found it as an unknown credential on ${flagged.connector} (${flagged.tenant}) — possible attacker persistence, not a certificate your vendor gave you.`,
      );
  }
  return out;
}

/**
 * True only when the vault holds a private key for this certificate that opens under the master
 * key and is the private half of the certificate's public key.
 */
export async function vaultHoldsMatchingKey(db: Db, certificateId: string): Promise<boolean> {
  const c = await db.certificate.findUnique({
    where: { id: certificateId },
    select: { der: true, sha256Thumbprint: true, sealedPrivateKey: true },
  });
  if (!c?.sealedPrivateKey) return false;
  try {
    return certificateMatchesKey(Buffer.from(c.der), openForCertificate(c.sealedPrivateKey, c.sha256Thumbprint));
  } catch {
    return false;
  }
}

/**
 * Refuses (BAD_INPUT, naming the reason) a certificate that must not become a replacement; for the
 * callers that take a certificate from a person (the wizard's Start, `rekey rotate`, a campaign's
 * region map). `what` names the certificate in the message, e.g. "Region EU: certificate AB12…".
 */
export async function requireTrustedReplacement(
  db: Db,
  certificateId: string,
  opts: { currentCertificateId?: string | null; what?: string } = {},
): Promise<void> {
  const cert = await db.certificate.findUnique({
    where: { id: certificateId },
    select: { id: true, sha1Thumbprint: true, sha256Thumbprint: true, serialNumber: true, issuer: true },
  });
  if (!cert) throw new RekeyError('NOT_FOUND', `Certificate ${certificateId} not found.`);
  const reason = (await untrustedReplacements(db, [cert], opts)).get(cert.id);
  if (reason)
    throw new RekeyError(
      'BAD_INPUT',
      `${opts.what ?? `Certificate ${cert.sha1Thumbprint}`} cannot be a replacement: ${reason}`,
      { reason: 'UNTRUSTED_REPLACEMENT', certificateId: cert.id },
    );
}
