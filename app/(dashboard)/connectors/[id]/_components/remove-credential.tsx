'use client';

import { useRouter } from 'next/navigation';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { removeUnknownCredentialAction } from '../actions';
import { useRemovalNotice } from './removal-notices';

/**
 * "Remove unknown credential": confirmed by typing the first 8 characters of its key id. The outcome
 * is shown by the enclosing `RemovalNotices`: on success this row leaves the list.
 */
export function RemoveCredential({
  connectorId,
  keyId,
  thumbprint,
  on,
  kind = null,
}: {
  connectorId: string;
  keyId: string;
  thumbprint: string | null;
  on: string;
  /** null: a certificate. */
  kind?: 'secret' | 'federated' | null;
}) {
  const router = useRouter();
  const setMessage = useRemovalNotice();
  const prefix = keyId.slice(0, 8);
  return (
    <ConfirmDialog
      triggerLabel="Remove unknown credential"
      triggerSize="sm"
      title="Remove this credential from the tenant?"
      description={`Rekey did not put it there. ${
        kind === 'secret'
          ? 'Anyone who knows this client secret'
          : kind === 'federated'
            ? 'A workload the external issuer vouches for'
            : 'Anyone holding its private key'
      } can sign in as the connector until it is removed from the ${on === 'servicePrincipal' ? 'service principal' : 'application'}.`}
      confirmLabel="Remove credential"
      requireText={prefix}
      action={async (fd) => {
        setMessage(null);
        const r = await removeUnknownCredentialAction(null, {
          connectorId,
          keyId,
          confirm: String(fd.get('confirmText') ?? ''),
        });
        setMessage(
          r.ok
            ? {
                tone: 'success',
                text: r.data.removed ? `Removed credential ${prefix}….` : `Credential ${prefix}… was already gone.`,
              }
            : { tone: 'danger', text: r.error.message },
        );
        router.refresh();
      }}
    >
      <p>
        Key id <code className="font-mono">{keyId}</code>
        {thumbprint ? (
          <>
            , SHA-1 <code className="font-mono break-all">{thumbprint}</code>
          </>
        ) : null}
        .
      </p>
    </ConfirmDialog>
  );
}
