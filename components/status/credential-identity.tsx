import { Mono } from '@/components/ui/code-block';

/** The identifying fields of an observed credential (lib/detection/observed-credentials.ts). */
interface Identity {
  kind?: 'secret' | 'federated';
  keyId: string;
  thumbprint: string | null;
  hint?: string | null;
  name?: string;
  issuer?: string;
  subject?: string;
  audiences?: string[];
}

/** "Certificate", "Client secret" or "Federated credential". */
export function credentialKindLabel(c: Pick<Identity, 'kind'>): string {
  return c.kind === 'secret' ? 'Client secret' : c.kind === 'federated' ? 'Federated credential' : 'Certificate';
}

/**
 * What identifies a credential in the tenant: a certificate's SHA-1, a client secret's hint (its
 * first characters, all Graph shows — never the value), a federated credential's name, issuer and
 * subject.
 */
export function CredentialIdentity({ c }: { c: Identity }) {
  if (c.kind === 'secret')
    return (
      <span>
        hint <Mono>{c.hint ? `${c.hint}…` : 'none'}</Mono>, key <Mono>{c.keyId}</Mono>
      </span>
    );
  if (c.kind === 'federated')
    return (
      <span>
        <Mono>{c.name ?? c.keyId}</Mono>: issuer <Mono className="break-all">{c.issuer ?? ''}</Mono>, subject{' '}
        <Mono className="break-all">{c.subject ?? ''}</Mono>
        {c.audiences?.length ? (
          <>
            , audience <Mono className="break-all">{c.audiences.join(', ')}</Mono>
          </>
        ) : null}
      </span>
    );
  return <Mono>{c.thumbprint ?? `key ${c.keyId}`}</Mono>;
}
