-- The audit chain's head, checkpointed at every audited commit (ADR 018), and process heartbeats.

-- CreateTable
CREATE TABLE "AuditCheckpoint" (
    "id" BIGSERIAL NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditCheckpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProcessHeartbeat" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "beatAt" TIMESTAMP(3) NOT NULL,
    "detail" JSONB,

    CONSTRAINT "ProcessHeartbeat_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditCheckpoint_seq_idx" ON "AuditCheckpoint"("seq");

-- CreateIndex
CREATE INDEX "ProcessHeartbeat_kind_beatAt_idx" ON "ProcessHeartbeat"("kind", "beatAt");

-- A checkpoint must name an event that exists with that hash, and never an older one than the
-- latest (the audit chain's advisory lock orders it with the appends). UPDATE, DELETE and
-- TRUNCATE are refused like on AuditEvent, and the application role has no privilege for them either
-- (lib/runtime/database-roles.ts), so only the owner could remove checkpoints, after disabling
-- this trigger. (Semicolons inside the plpgsql bodies are written \073: see the init migration.)
CREATE FUNCTION rekey_audit_checkpoint_guard() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM pg_advisory_xact_lock(7264501)\073
  IF EXISTS (SELECT 1 FROM "AuditCheckpoint" WHERE seq > NEW.seq) THEN
    RAISE EXCEPTION ''audit checkpoints never move backwards (seq % is older than the latest checkpoint)'', NEW.seq
      USING ERRCODE = ''check_violation''\073
  END IF\073
  IF NOT EXISTS (SELECT 1 FROM "AuditEvent" WHERE seq = NEW.seq AND hash = NEW.hash) THEN
    RAISE EXCEPTION ''audit checkpoint % does not match an event in the audit log'', NEW.seq
      USING ERRCODE = ''check_violation''\073
  END IF\073
  NEW.at := now() AT TIME ZONE ''UTC''\073
  RETURN NEW\073
END';
CREATE TRIGGER "AuditCheckpoint_guard" BEFORE INSERT ON "AuditCheckpoint"
  FOR EACH ROW EXECUTE FUNCTION rekey_audit_checkpoint_guard();

CREATE FUNCTION rekey_append_only() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN RAISE EXCEPTION ''% is append-only (% refused)'', TG_TABLE_NAME, TG_OP USING ERRCODE = ''insufficient_privilege''\073 END';
CREATE TRIGGER "AuditCheckpoint_append_only_row" BEFORE UPDATE OR DELETE ON "AuditCheckpoint"
  FOR EACH ROW EXECUTE FUNCTION rekey_append_only();
CREATE TRIGGER "AuditCheckpoint_append_only_truncate" BEFORE TRUNCATE ON "AuditCheckpoint"
  FOR EACH STATEMENT EXECUTE FUNCTION rekey_append_only();

-- At commit of every transaction that appended audit events, its last event becomes the
-- checkpoint: deferred, so it runs once the transaction's appends are done, inside the same
-- transaction (a crash cannot commit events without their checkpoint).
CREATE FUNCTION rekey_audit_checkpoint() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF NEW.seq = (SELECT max(seq) FROM "AuditEvent") THEN
    INSERT INTO "AuditCheckpoint" (seq, hash) VALUES (NEW.seq, NEW.hash)\073
  END IF\073
  RETURN NULL\073
END';
CREATE CONSTRAINT TRIGGER "AuditEvent_checkpoint" AFTER INSERT ON "AuditEvent"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rekey_audit_checkpoint();

-- An existing log starts with its current head as the first checkpoint.
INSERT INTO "AuditCheckpoint" (seq, hash) SELECT seq, hash FROM "AuditEvent" ORDER BY seq DESC LIMIT 1;
