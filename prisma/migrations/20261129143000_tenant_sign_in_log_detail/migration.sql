-- Why a tenant's sign-in logs could not be read, shown instead of a clean result.
ALTER TABLE "Tenant" ADD COLUMN "signInLogDetail" TEXT;
