/**
 * What stands between Rekey and the object holding a connection's credential, in words an admin
 * can act on: the app instance property lock on a vendor's service principal, and ownership in
 * least-privilege (Application.ReadWrite.OwnedBy) mode. Used by the wizard's preflight and by the
 * rotation's own preflight step, so both say the same thing. Pure.
 */
import { OWNED_BY } from '@/lib/graph/permissions';
import type { CredentialOwner } from '@/lib/graph/graph-types';

export function instanceLockMessage(connector: string, tenant: string): string {
  return (
    `${connector} is the vendor's own multi-tenant app, and the vendor has locked credential changes on its service principals (app instance property lock), so Rekey cannot rotate it in ${tenant}. ` +
    'The way out: the vendor rotates the credential on its own application, or the customer re-establishes a customer-owned connection (an app registered in their tenant, which Rekey can rotate).'
  );
}

export function ownershipMessage(
  connector: string,
  tenant: string,
  on: CredentialOwner,
  servicePrincipalId: string | null,
): string {
  const object = on === 'application' ? 'application' : 'service principal';
  return (
    `Rekey holds only ${OWNED_BY} in ${tenant}, and its service principal${servicePrincipalId ? ` (${servicePrincipalId})` : ''} is not an owner of the ${object} of ${connector}, so Graph would refuse the change (403). ` +
    `Add Rekey's service principal as an owner of that ${object} (Entra admin center › ${on === 'application' ? 'App registrations' : 'Enterprise applications'} › Owners), or grant Application.ReadWrite.All.`
  );
}
