-- Whom a rotation's steps act for (the customer admin of a delegated, self-service rotation).
ALTER TABLE "Rotation" ADD COLUMN "stepActor" JSONB;
