import 'server-only';
import { db } from '@/lib/db';

/** Every connector type with how many connectors it matched. */
export function listConnectorTypes() {
  return db.connectorType.findMany({
    orderBy: { name: 'asc' },
    select: {
      id: true,
      name: true,
      vendor: true,
      description: true,
      displayNamePattern: true,
      appId: true,
      requiredResourceAccess: true,
      _count: { select: { connectors: true } },
    },
  });
}
