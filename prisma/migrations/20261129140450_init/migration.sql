-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'operator', 'viewer');

-- CreateEnum
CREATE TYPE "ConsentState" AS ENUM ('unknown', 'consented', 'not_consented', 'missing_permissions', 'error');

-- CreateEnum
CREATE TYPE "SignInLogState" AS ENUM ('unknown', 'available', 'unavailable_license', 'unavailable_permission', 'error');

-- CreateEnum
CREATE TYPE "ConnectorStatus" AS ENUM ('targeted', 'compromised', 'expired', 'drift', 'expiring', 'stale', 'healthy');

-- CreateEnum
CREATE TYPE "CertificateSource" AS ENUM ('uploaded', 'generated', 'discovered', 'issued');

-- CreateEnum
CREATE TYPE "Severity" AS ENUM ('critical', 'high', 'medium', 'low');

-- CreateEnum
CREATE TYPE "IndicatorKind" AS ENUM ('sha1', 'sha256', 'serial');

-- CreateEnum
CREATE TYPE "SignInClass" AS ENUM ('vendor', 'unknown');

-- CreateEnum
CREATE TYPE "RotationMode" AS ENUM ('rotate', 'reestablish');

-- CreateEnum
CREATE TYPE "RotationState" AS ENUM ('PENDING', 'RUNNING', 'WAITING', 'NEEDS_ATTENTION', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'ROLLED_BACK');

-- CreateEnum
CREATE TYPE "CampaignState" AS ENUM ('DRAFT', 'AWAITING_APPROVAL', 'RUNNING', 'PAUSED', 'COMPLETED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "CampaignItemState" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "oid" TEXT,
    "homeTenant" TEXT,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSignIn" TIMESTAMP(3),

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RoleAssignment" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "allTenants" BOOLEAN NOT NULL DEFAULT true,
    "groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoleAssignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScopeTenant" (
    "assignmentId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,

    CONSTRAINT "ScopeTenant_pkey" PRIMARY KEY ("assignmentId","tenantId")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "clientIp" TEXT,
    "userAgent" TEXT,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Tenant" (
    "id" UUID NOT NULL,
    "entraTenantId" UUID NOT NULL,
    "displayName" TEXT NOT NULL,
    "defaultDomain" TEXT,
    "region" TEXT NOT NULL DEFAULT 'global',
    "group" TEXT,
    "consentState" "ConsentState" NOT NULL DEFAULT 'unknown',
    "consentDetail" TEXT,
    "consentCheckedAt" TIMESTAMP(3),
    "grantedRoles" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "signInLogState" "SignInLogState" NOT NULL DEFAULT 'unknown',
    "lastScanAt" TIMESTAMP(3),
    "lastScanError" TEXT,
    "lastSignInScanAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConnectorType" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "vendor" TEXT NOT NULL DEFAULT '',
    "displayNamePattern" TEXT,
    "appId" TEXT,
    "requiredResourceAccess" JSONB NOT NULL DEFAULT '[]',
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConnectorType_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Connector" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "connectorTypeId" UUID NOT NULL,
    "displayName" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "appObjectId" TEXT NOT NULL,
    "spObjectId" TEXT,
    "currentCertificateId" UUID,
    "status" "ConnectorStatus" NOT NULL DEFAULT 'healthy',
    "statusReasons" JSONB NOT NULL DEFAULT '[]',
    "statusAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "observedCredentials" JSONB NOT NULL DEFAULT '[]',
    "observedAt" TIMESTAMP(3),
    "expectedThumbprints" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "driftDetail" JSONB,
    "missingSince" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Connector_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Certificate" (
    "id" UUID NOT NULL,
    "sha1Thumbprint" TEXT NOT NULL,
    "sha256Thumbprint" TEXT NOT NULL,
    "serialNumber" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "notBefore" TIMESTAMP(3) NOT NULL,
    "notAfter" TIMESTAMP(3) NOT NULL,
    "keyType" TEXT NOT NULL,
    "keySize" INTEGER,
    "curve" TEXT,
    "signatureAlgorithm" TEXT NOT NULL,
    "der" BYTEA NOT NULL,
    "sealedPrivateKey" TEXT,
    "source" "CertificateSource" NOT NULL,
    "label" TEXT,
    "region" TEXT,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Certificate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CertificateRequest" (
    "id" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "csrPem" TEXT NOT NULL,
    "sealedPrivateKey" TEXT NOT NULL,
    "publicKeySha256" TEXT NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),
    "certificateId" UUID,

    CONSTRAINT "CertificateRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Advisory" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "severity" "Severity" NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL,
    "compromiseStart" TIMESTAMP(3),
    "compromiseEnd" TIMESTAMP(3),
    "guidance" TEXT NOT NULL DEFAULT '',
    "source" TEXT NOT NULL DEFAULT 'manual',
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Advisory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdvisoryIndicator" (
    "id" UUID NOT NULL,
    "advisoryId" UUID NOT NULL,
    "kind" "IndicatorKind" NOT NULL,
    "value" TEXT NOT NULL,
    "issuer" TEXT,

    CONSTRAINT "AdvisoryIndicator_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SignInEvidence" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "connectorId" UUID,
    "signInId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "appId" TEXT NOT NULL,
    "credentialKeyId" TEXT,
    "credentialThumbprint" TEXT,
    "ipAddress" TEXT NOT NULL,
    "resource" TEXT,
    "errorCode" INTEGER NOT NULL DEFAULT 0,
    "classification" "SignInClass" NOT NULL,
    "fetchedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignInEvidence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Rotation" (
    "id" UUID NOT NULL,
    "connectorId" UUID NOT NULL,
    "campaignId" UUID,
    "mode" "RotationMode" NOT NULL,
    "state" "RotationState" NOT NULL DEFAULT 'PENDING',
    "step" TEXT NOT NULL,
    "fromCertificateId" UUID,
    "toCertificateId" UUID NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "facts" JSONB NOT NULL DEFAULT '{}',
    "actorId" UUID,
    "actorLabel" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Rotation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RotationStep" (
    "id" UUID NOT NULL,
    "rotationId" UUID NOT NULL,
    "step" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "durationMs" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RotationStep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Campaign" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "state" "CampaignState" NOT NULL DEFAULT 'DRAFT',
    "mode" "RotationMode" NOT NULL DEFAULT 'rotate',
    "selection" JSONB NOT NULL,
    "concurrency" INTEGER NOT NULL DEFAULT 20,
    "waves" JSONB NOT NULL DEFAULT '[]',
    "currentWave" INTEGER NOT NULL DEFAULT 0,
    "deadline" TIMESTAMP(3),
    "requiresApproval" BOOLEAN NOT NULL DEFAULT false,
    "approvedById" UUID,
    "approvedAt" TIMESTAMP(3),
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CampaignRegionCertificate" (
    "campaignId" UUID NOT NULL,
    "region" TEXT NOT NULL,
    "certificateId" UUID NOT NULL,

    CONSTRAINT "CampaignRegionCertificate_pkey" PRIMARY KEY ("campaignId","region")
);

-- CreateTable
CREATE TABLE "CampaignItem" (
    "id" UUID NOT NULL,
    "campaignId" UUID NOT NULL,
    "connectorId" UUID NOT NULL,
    "wave" INTEGER NOT NULL DEFAULT 0,
    "state" "CampaignItemState" NOT NULL DEFAULT 'QUEUED',
    "rotationId" UUID,
    "message" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CampaignItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "seq" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" UUID,
    "actorLabel" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "tenantId" UUID,
    "before" JSONB,
    "after" JSONB,
    "requestId" TEXT,
    "clientIp" TEXT,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedById" UUID,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "StatusSnapshot" (
    "day" DATE NOT NULL,
    "status" "ConnectorStatus" NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "StatusSnapshot_pkey" PRIMARY KEY ("day","status")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_oid_key" ON "User"("oid");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "RoleAssignment_userId_idx" ON "RoleAssignment"("userId");

-- CreateIndex
CREATE INDEX "ScopeTenant_tenantId_idx" ON "ScopeTenant"("tenantId");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_entraTenantId_key" ON "Tenant"("entraTenantId");

-- CreateIndex
CREATE INDEX "Tenant_displayName_idx" ON "Tenant"("displayName");

-- CreateIndex
CREATE INDEX "Tenant_region_idx" ON "Tenant"("region");

-- CreateIndex
CREATE INDEX "Tenant_group_idx" ON "Tenant"("group");

-- CreateIndex
CREATE INDEX "Tenant_consentState_idx" ON "Tenant"("consentState");

-- CreateIndex
CREATE UNIQUE INDEX "ConnectorType_name_key" ON "ConnectorType"("name");

-- CreateIndex
CREATE INDEX "Connector_status_idx" ON "Connector"("status");

-- CreateIndex
CREATE INDEX "Connector_connectorTypeId_idx" ON "Connector"("connectorTypeId");

-- CreateIndex
CREATE INDEX "Connector_currentCertificateId_idx" ON "Connector"("currentCertificateId");

-- CreateIndex
CREATE UNIQUE INDEX "Connector_tenantId_appId_key" ON "Connector"("tenantId", "appId");

-- CreateIndex
CREATE UNIQUE INDEX "Certificate_sha1Thumbprint_key" ON "Certificate"("sha1Thumbprint");

-- CreateIndex
CREATE UNIQUE INDEX "Certificate_sha256Thumbprint_key" ON "Certificate"("sha256Thumbprint");

-- CreateIndex
CREATE INDEX "Certificate_notAfter_idx" ON "Certificate"("notAfter");

-- CreateIndex
CREATE INDEX "Certificate_serialNumber_idx" ON "Certificate"("serialNumber");

-- CreateIndex
CREATE UNIQUE INDEX "CertificateRequest_publicKeySha256_key" ON "CertificateRequest"("publicKeySha256");

-- CreateIndex
CREATE INDEX "AdvisoryIndicator_kind_value_idx" ON "AdvisoryIndicator"("kind", "value");

-- CreateIndex
CREATE UNIQUE INDEX "AdvisoryIndicator_advisoryId_kind_value_key" ON "AdvisoryIndicator"("advisoryId", "kind", "value");

-- CreateIndex
CREATE INDEX "SignInEvidence_tenantId_classification_idx" ON "SignInEvidence"("tenantId", "classification");

-- CreateIndex
CREATE INDEX "SignInEvidence_connectorId_at_idx" ON "SignInEvidence"("connectorId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "SignInEvidence_tenantId_signInId_key" ON "SignInEvidence"("tenantId", "signInId");

-- CreateIndex
CREATE INDEX "Rotation_state_idx" ON "Rotation"("state");

-- CreateIndex
CREATE INDEX "Rotation_connectorId_createdAt_idx" ON "Rotation"("connectorId", "createdAt");

-- CreateIndex
CREATE INDEX "Rotation_campaignId_state_idx" ON "Rotation"("campaignId", "state");

-- CreateIndex
CREATE INDEX "Rotation_finishedAt_idx" ON "Rotation"("finishedAt");

-- CreateIndex
CREATE INDEX "RotationStep_rotationId_at_idx" ON "RotationStep"("rotationId", "at");

-- CreateIndex
CREATE INDEX "Campaign_state_idx" ON "Campaign"("state");

-- CreateIndex
CREATE UNIQUE INDEX "CampaignItem_rotationId_key" ON "CampaignItem"("rotationId");

-- CreateIndex
CREATE INDEX "CampaignItem_campaignId_wave_state_idx" ON "CampaignItem"("campaignId", "wave", "state");

-- CreateIndex
CREATE UNIQUE INDEX "CampaignItem_campaignId_connectorId_key" ON "CampaignItem"("campaignId", "connectorId");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_hash_key" ON "AuditEvent"("hash");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_action_idx" ON "AuditEvent"("action");

-- CreateIndex
CREATE INDEX "AuditEvent_tenantId_at_idx" ON "AuditEvent"("tenantId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_targetType_targetId_idx" ON "AuditEvent"("targetType", "targetId");

-- AddForeignKey
ALTER TABLE "RoleAssignment" ADD CONSTRAINT "RoleAssignment_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ScopeTenant" ADD CONSTRAINT "ScopeTenant_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "RoleAssignment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ScopeTenant" ADD CONSTRAINT "ScopeTenant_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Connector" ADD CONSTRAINT "Connector_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Connector" ADD CONSTRAINT "Connector_connectorTypeId_fkey" FOREIGN KEY ("connectorTypeId") REFERENCES "ConnectorType"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Connector" ADD CONSTRAINT "Connector_currentCertificateId_fkey" FOREIGN KEY ("currentCertificateId") REFERENCES "Certificate"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdvisoryIndicator" ADD CONSTRAINT "AdvisoryIndicator_advisoryId_fkey" FOREIGN KEY ("advisoryId") REFERENCES "Advisory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SignInEvidence" ADD CONSTRAINT "SignInEvidence_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SignInEvidence" ADD CONSTRAINT "SignInEvidence_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "Connector"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rotation" ADD CONSTRAINT "Rotation_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "Connector"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rotation" ADD CONSTRAINT "Rotation_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rotation" ADD CONSTRAINT "Rotation_fromCertificateId_fkey" FOREIGN KEY ("fromCertificateId") REFERENCES "Certificate"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rotation" ADD CONSTRAINT "Rotation_toCertificateId_fkey" FOREIGN KEY ("toCertificateId") REFERENCES "Certificate"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RotationStep" ADD CONSTRAINT "RotationStep_rotationId_fkey" FOREIGN KEY ("rotationId") REFERENCES "Rotation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignRegionCertificate" ADD CONSTRAINT "CampaignRegionCertificate_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignRegionCertificate" ADD CONSTRAINT "CampaignRegionCertificate_certificateId_fkey" FOREIGN KEY ("certificateId") REFERENCES "Certificate"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignItem" ADD CONSTRAINT "CampaignItem_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignItem" ADD CONSTRAINT "CampaignItem_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "Connector"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignItem" ADD CONSTRAINT "CampaignItem_rotationId_fkey" FOREIGN KEY ("rotationId") REFERENCES "Rotation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- ─── Hand-written: what Prisma's schema language cannot express ──────────────────────────

-- At most one active rotation per connector, enforced by the database: a second start on the
-- same connector (two operators, two overlapping campaigns, a retried job) fails with 23505.
CREATE UNIQUE INDEX "Rotation_one_active_per_connector"
  ON "Rotation" ("connectorId")
  WHERE "state" IN ('PENDING', 'RUNNING', 'WAITING', 'NEEDS_ATTENTION');

-- The audit log is append-only: UPDATE, DELETE and TRUNCATE are refused. (A DBA can still
-- disable the trigger, and the hash chain then shows the tampering to `rekey audit verify`.)
-- (Prisma's migration runner splits scripts at every semicolon, even inside a dollar-quoted body,
-- so the plpgsql body is an E'' string with the semicolon written as the octal escape \073.)
CREATE FUNCTION rekey_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN RAISE EXCEPTION ''AuditEvent is append-only (% refused)'', TG_OP USING ERRCODE = ''insufficient_privilege''\073 END';
CREATE TRIGGER "AuditEvent_append_only_row" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION rekey_audit_append_only();
CREATE TRIGGER "AuditEvent_append_only_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION rekey_audit_append_only();

-- Case-insensitive search on tenant names and domains at fleet scale.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "Tenant_displayName_trgm" ON "Tenant" USING gin ("displayName" gin_trgm_ops);
CREATE INDEX "Tenant_defaultDomain_trgm" ON "Tenant" USING gin ("defaultDomain" gin_trgm_ops);
