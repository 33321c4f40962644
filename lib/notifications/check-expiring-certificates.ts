/**
 * Certificates entering the expiry window (the status policy's `expiringWithinDays`): those in
 * use by a connector whose notAfter falls inside the window. Each certificate is announced once
 * per entry into the window: the ones already announced are kept in the `Setting` row
 * `notifications.expiry` (id → notAfter), pruned when they leave the window, all in the same
 * transaction as the notification (so a crash neither loses nor repeats one).
 */
import { db as defaultDb, type Db, type Prisma } from '@/lib/db';
import { StatusPolicySchema } from '@/lib/status/classify-connector';
import { notify } from '@/lib/notifications/notify';

export const EXPIRY_STATE_KEY = 'notifications.expiry';

export async function checkExpiringCertificates(
  now: Date,
  client: Db = defaultDb,
): Promise<{ windowDays: number; inWindow: number; announced: string[] }> {
  return client.$transaction(async (tx: Prisma.TransactionClient) => {
    const policyRow = await tx.setting.findUnique({ where: { key: 'policy.status' } });
    const policy = StatusPolicySchema.safeParse(policyRow?.value ?? {});
    const windowDays = policy.success ? policy.data.expiringWithinDays : 30;
    await tx.setting.upsert({
      where: { key: EXPIRY_STATE_KEY },
      update: {},
      create: { key: EXPIRY_STATE_KEY, value: { notified: {} } },
    });
    await tx.$queryRaw`SELECT key FROM "Setting" WHERE key = ${EXPIRY_STATE_KEY} FOR UPDATE`;
    const state = await tx.setting.findUniqueOrThrow({ where: { key: EXPIRY_STATE_KEY } });
    const notified = ((state.value as { notified?: Record<string, string> } | null)?.notified ?? {}) as Record<
      string,
      string
    >;
    const until = new Date(now.getTime() + windowDays * 86_400_000);
    const rows = await tx.$queryRaw<
      { id: string; sha1Thumbprint: string; subject: string; notAfter: Date; connectors: bigint }[]
    >`
      SELECT cert.id, cert."sha1Thumbprint", cert.subject, cert."notAfter", count(c.id) AS connectors
      FROM "Certificate" cert JOIN "Connector" c ON c."currentCertificateId" = cert.id
      WHERE cert."notAfter" > ${now} AND cert."notAfter" <= ${until}
      GROUP BY cert.id ORDER BY cert."notAfter", cert.id`;
    const fresh = rows.filter((r) => notified[r.id] !== r.notAfter.toISOString());
    if (fresh.length > 0) {
      await notify(
        tx,
        {
          kind: 'certificate.expiring',
          windowDays,
          certificates: fresh.map((r) => ({
            id: r.id,
            sha1Thumbprint: r.sha1Thumbprint,
            subject: r.subject,
            notAfter: r.notAfter.toISOString(),
            connectors: Number(r.connectors),
          })),
        },
        now,
      );
    }
    const next = Object.fromEntries(rows.map((r) => [r.id, r.notAfter.toISOString()]));
    await tx.setting.update({ where: { key: EXPIRY_STATE_KEY }, data: { value: { notified: next } } });
    return { windowDays, inWindow: rows.length, announced: fresh.map((r) => r.id) };
  });
}
