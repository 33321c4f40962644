import type { UseCaseContext } from '@/lib/use-case';
import { isGuid } from '@/lib/text/guid';

/** The connector page's record, or null for a malformed or unknown id: no key material (the current certificate's public facts only). The caller checks the tenant scope on `tenantId`. */
export async function findConnector({ db }: Pick<UseCaseContext, 'db'>, id: string) {
  if (!isGuid(id)) return null;
  return db.connector.findUnique({
    where: { id },
    select: {
      id: true,
      displayName: true,
      appId: true,
      appObjectId: true,
      spObjectId: true,
      status: true,
      statusReasons: true,
      statusAt: true,
      observedCredentials: true,
      observedAt: true,
      missingSince: true,
      tenantId: true,
      tenant: { select: { id: true, displayName: true, region: true, group: true, defaultDomain: true } },
      connectorType: { select: { name: true, vendor: true, description: true } },
      currentCertificate: {
        select: { id: true, subject: true, label: true, sha1Thumbprint: true, notBefore: true, notAfter: true },
      },
    },
  });
}
