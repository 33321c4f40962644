/**
 * How a sign-in's credential is named on the pages (pure): its kind from Graph's
 * `clientCredentialType` and the identifier there is — a certificate's SHA-1 thumbprint, else the
 * credential's key id. A certificate connector's vendor never signs in with a client secret or a
 * federated credential, so those are flagged.
 */
export const CREDENTIAL_TYPE_LABEL: Record<string, string> = {
  certificate: 'Certificate',
  clientSecret: 'Client secret',
  federatedIdentityCredential: 'Federated credential',
  clientAssertion: 'Client assertion',
  managedIdentity: 'Managed identity',
};

export interface SignInCredential {
  /** "Client secret", "Certificate", …; null when the log does not say. */
  kind: string | null;
  /** A short identifier to show: the thumbprint's first 12 hex characters, else the key id's first 8. */
  id: string | null;
  /** A kind of credential the vendor's service never uses (a client secret or a federated credential). */
  unexpected: boolean;
}

export function signInCredential(e: {
  credentialType: string | null;
  credentialThumbprint: string | null;
  credentialKeyId: string | null;
}): SignInCredential {
  const t = e.credentialType;
  return {
    kind: t ? (CREDENTIAL_TYPE_LABEL[t] ?? t) : null,
    id: e.credentialThumbprint
      ? e.credentialThumbprint.slice(0, 12)
      : e.credentialKeyId
        ? `${e.credentialKeyId.slice(0, 8)}…`
        : null,
    unexpected: t === 'clientSecret' || t === 'federatedIdentityCredential',
  };
}
