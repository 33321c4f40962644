-- Service-principal connectors (issue 18): a vendor's multi-tenant app exists in the customer tenant
-- only as a service principal, so there is no application object id, and the credential is held
-- by the service principal.
ALTER TABLE "Connector" ALTER COLUMN "appObjectId" DROP NOT NULL;
ALTER TABLE "Connector" ADD COLUMN "credentialOn" TEXT NOT NULL DEFAULT 'application';
ALTER TABLE "Connector" ADD CONSTRAINT "Connector_credentialOn_check" CHECK ("credentialOn" IN ('application', 'servicePrincipal'));
