-- Sign-in evidence records the kind of credential used (Graph's clientCredentialType, issue 18): a
-- certificate connector signing in with a client secret or a federated credential is evidence even
-- from the vendor's addresses.
ALTER TABLE "SignInEvidence" ADD COLUMN "credentialType" TEXT;
