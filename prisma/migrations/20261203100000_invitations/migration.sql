-- Customer self-service rotation invitations (issue 20, docs/decisions/027): the invitation (its link
-- token only as a hash), its state history for the funnel, and the customer admin's delegated tokens,
-- sealed and held only while their rotation runs.
CREATE TYPE "InvitationState" AS ENUM ('SENT', 'OPENED', 'SIGNED_IN', 'WRONG_TENANT', 'INSUFFICIENT_ROLE', 'CONSENT_DECLINED', 'ROTATING', 'ROTATED', 'FAILED', 'REVOKED');

CREATE TABLE "Invitation" (
    "id" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "entraTenantId" UUID,
    "tenantDomain" TEXT,
    "tenantId" UUID,
    "connectorId" UUID,
    "certificateId" UUID NOT NULL,
    "campaignId" UUID,
    "advisoryId" UUID,
    "email" TEXT,
    "reason" TEXT NOT NULL,
    "state" "InvitationState" NOT NULL DEFAULT 'SENT',
    "stateDetail" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "usedAt" TIMESTAMP(3),
    "rotationId" UUID,
    "customerUpn" TEXT,
    "customerTenantId" UUID,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "InvitationEvent" (
    "id" UUID NOT NULL,
    "invitationId" UUID NOT NULL,
    "state" "InvitationState" NOT NULL,
    "detail" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InvitationEvent_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "DelegatedToken" (
    "invitationId" UUID NOT NULL,
    "entraTenantId" UUID NOT NULL,
    "sealedAccessToken" TEXT NOT NULL,
    "sealedRefreshToken" TEXT,
    "accessTokenExpiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DelegatedToken_pkey" PRIMARY KEY ("invitationId")
);

CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");
CREATE UNIQUE INDEX "Invitation_rotationId_key" ON "Invitation"("rotationId");
CREATE INDEX "Invitation_state_idx" ON "Invitation"("state");
CREATE INDEX "Invitation_campaignId_idx" ON "Invitation"("campaignId");
CREATE INDEX "Invitation_advisoryId_idx" ON "Invitation"("advisoryId");
CREATE INDEX "Invitation_entraTenantId_idx" ON "Invitation"("entraTenantId");
CREATE INDEX "Invitation_expiresAt_idx" ON "Invitation"("expiresAt");
CREATE INDEX "InvitationEvent_invitationId_at_idx" ON "InvitationEvent"("invitationId", "at");
CREATE INDEX "InvitationEvent_state_at_idx" ON "InvitationEvent"("state", "at");

ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "Connector"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_certificateId_fkey" FOREIGN KEY ("certificateId") REFERENCES "Certificate"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "InvitationEvent" ADD CONSTRAINT "InvitationEvent_invitationId_fkey" FOREIGN KEY ("invitationId") REFERENCES "Invitation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "DelegatedToken" ADD CONSTRAINT "DelegatedToken_invitationId_fkey" FOREIGN KEY ("invitationId") REFERENCES "Invitation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
