/**
 * Re-wraps every sealed private key under the current master key, in small batches, each row
 * updated only if it still holds the blob that was read (so a concurrent writer is never
 * overwritten). Safe to stop and run again. Audited.
 */
import { appendAuditEvent, type Actor } from '@/lib/audit/append-audit-event';
import type { Db } from '@/lib/db';
import type { MasterKeyRing } from '@/lib/vault/master-key';
import { needsRewrap, rewrapSealedKey } from '@/lib/vault/sealed-key';

export interface RewrapReport {
  certificates: number;
  requests: number;
  alreadyCurrent: number;
}

export async function rewrapAllSealedKeys(
  db: Db,
  ring: MasterKeyRing,
  actor: Actor,
  batch = 200,
): Promise<RewrapReport> {
  const report: RewrapReport = { certificates: 0, requests: 0, alreadyCurrent: 0 };
  let cursor: string | undefined;
  for (;;) {
    const rows = await db.certificate.findMany({
      where: { sealedPrivateKey: { not: null }, ...(cursor ? { id: { gt: cursor } } : {}) },
      select: { id: true, sealedPrivateKey: true },
      orderBy: { id: 'asc' },
      take: batch,
    });
    if (rows.length === 0) break;
    for (const r of rows) {
      const sealed = r.sealedPrivateKey!;
      if (!needsRewrap(sealed, ring)) {
        report.alreadyCurrent++;
        continue;
      }
      const updated = await db.certificate.updateMany({
        where: { id: r.id, sealedPrivateKey: sealed },
        data: { sealedPrivateKey: rewrapSealedKey(sealed, ring, ring.current) },
      });
      report.certificates += updated.count;
    }
    cursor = rows[rows.length - 1]!.id;
  }
  const requests = await db.certificateRequest.findMany({ select: { id: true, sealedPrivateKey: true } });
  for (const r of requests) {
    if (!needsRewrap(r.sealedPrivateKey, ring)) {
      report.alreadyCurrent++;
      continue;
    }
    const updated = await db.certificateRequest.updateMany({
      where: { id: r.id, sealedPrivateKey: r.sealedPrivateKey },
      data: { sealedPrivateKey: rewrapSealedKey(r.sealedPrivateKey, ring, ring.current) },
    });
    report.requests += updated.count;
  }
  await db.$transaction((tx) =>
    appendAuditEvent(tx, actor, {
      action: 'vault.rotate_master_key',
      targetType: 'vault',
      targetId: ring.current.id,
      after: { ...report, masterKeyId: ring.current.id },
    }),
  );
  return report;
}
