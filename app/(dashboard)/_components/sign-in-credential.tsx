import { Badge } from '@/components/ui/badge';
import { Mono } from '@/components/ui/code-block';
import { signInCredential } from '@/lib/detection/sign-in-credential';

/**
 * A sign-in's credential in an evidence table: its identifier, and its kind when it is not a
 * certificate — flagged when it is one the vendor's service never uses (a client secret, a
 * federated credential).
 */
export function SignInCredential({
  e,
  full = false,
}: {
  e: { credentialType: string | null; credentialThumbprint: string | null; credentialKeyId: string | null };
  /** The whole thumbprint or key id (the printable evidence pack), not its first characters. */
  full?: boolean;
}) {
  const c = signInCredential(e);
  const id = full ? (e.credentialThumbprint ?? e.credentialKeyId) : c.id;
  if (!c.kind && !id) return <>—</>;
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5">
      {c.unexpected ? (
        <Badge tone="danger">{c.kind}</Badge>
      ) : c.kind && c.kind !== 'Certificate' ? (
        <span>{c.kind}</span>
      ) : null}
      {id ? <Mono className="break-all">{id}</Mono> : null}
    </span>
  );
}
