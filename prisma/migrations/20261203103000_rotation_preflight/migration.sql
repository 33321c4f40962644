-- The wizard's preflights, kept on the server (ADR 020). Confirm needs a stored passing preflight
-- for the same connector, certificate and mode, and after Start it links the rotation it armed.
CREATE TABLE "RotationPreflight" (
    "id" UUID NOT NULL,
    "connectorId" UUID NOT NULL,
    "certificateId" UUID NOT NULL,
    "mode" "RotationMode" NOT NULL,
    "recreate" BOOLEAN NOT NULL DEFAULT false,
    "ok" BOOLEAN NOT NULL,
    "checks" JSONB NOT NULL DEFAULT '[]',
    "actorId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotationId" UUID,

    CONSTRAINT "RotationPreflight_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "RotationPreflight_connectorId_createdAt_idx" ON "RotationPreflight"("connectorId", "createdAt");
