-- The overview's access counts (lib/fleet/tenant-access.ts countTenantAccess) read only the
-- tenants that are not readable now: a consent state without access (the consentState index),
-- a refused last scan (this partial index: few rows, so it stays small) or a scan older than the
-- policy or none (the lastScanAt index, which also finds NULLs).
CREATE INDEX "Tenant_lastScanAt_idx" ON "Tenant"("lastScanAt");
CREATE INDEX "Tenant_lastScanError_idx" ON "Tenant"("id") WHERE "lastScanError" IS NOT NULL;
