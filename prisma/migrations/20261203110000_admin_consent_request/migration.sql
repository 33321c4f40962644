-- Admin-consent requests: the `state` Rekey sends to Entra ID's /adminconsent, stored as its SHA-256,
-- bound to the user who started it and the tenant, single use (usedAt) and expiring (ADR 015).
CREATE TABLE "AdminConsentRequest" (
    "id" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "outcome" TEXT,
    "detail" TEXT,

    CONSTRAINT "AdminConsentRequest_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "AdminConsentRequest_userId_idx" ON "AdminConsentRequest"("userId");
CREATE INDEX "AdminConsentRequest_tenantId_idx" ON "AdminConsentRequest"("tenantId");
CREATE INDEX "AdminConsentRequest_expiresAt_idx" ON "AdminConsentRequest"("expiresAt");

ALTER TABLE "AdminConsentRequest" ADD CONSTRAINT "AdminConsentRequest_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "AdminConsentRequest" ADD CONSTRAINT "AdminConsentRequest_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
