-- The audit chain continued at commit (issue 21, ADR 036). audit_append took the chain's lock in the
-- middle of each audited transaction, so the lock was held across the round trips that followed it
-- (the rest of the transaction and its COMMIT), each delayed by the busy event loop of the process
-- that sent it: a fleet's onboarding waited ~190 ms per append, the lock busy all the time.
--
-- audit_append now stages the transaction's events in "AuditPending" (unlogged: a staged row never
-- outlives its transaction). A deferred constraint trigger chains them when the transaction commits:
-- it takes the lock, reads the head (audit_chain_head: snapshot taken after the lock is granted),
-- inserts the events with hash = SHA-256(prevHash || '\n' || body) in the order they were staged,
-- and deletes the staged row. The lock is held for that work and the commit record only. A
-- transaction that rolls back leaves no events and took no lock.
--
-- Lock order: the fleet counts' deferred triggers (rekey_fleet_refresh_tenant) take their own lock
-- at commit too. A transaction with staged events takes the audit lock first there, so two
-- transactions can never wait on each other's lock (audit, then fleet, as before).
-- (Semicolons inside the plpgsql bodies are written \073: see the init migration.)

CREATE UNLOGGED TABLE "AuditPending" (
    "id" BIGSERIAL NOT NULL,
    "events" JSONB NOT NULL,
    CONSTRAINT "AuditPending_pkey" PRIMARY KEY ("id")
);

DROP FUNCTION audit_append(jsonb);

-- `events`: a JSON array of {at, actorId, actorLabel, action, targetType, targetId, tenantId,
-- before, after, requestId, clientIp, body}: a JSON null before/after is stored as SQL NULL.
-- Returns how many events were staged.
CREATE FUNCTION audit_append(events jsonb) RETURNS integer LANGUAGE plpgsql VOLATILE AS E'
BEGIN
  IF jsonb_typeof(events) <> ''array'' THEN
    RAISE EXCEPTION ''audit_append expects a JSON array of events'' USING ERRCODE = ''invalid_parameter_value''\073
  END IF\073
  IF jsonb_array_length(events) = 0 THEN
    RETURN 0\073
  END IF\073
  PERFORM set_config(''rekey.audit_pending'', ''on'', true)\073
  INSERT INTO "AuditPending" ("events") VALUES (events)\073
  RETURN jsonb_array_length(events)\073
END';

CREATE FUNCTION rekey_audit_chain_pending() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE
  prev text\073
  h text\073
  e jsonb\073
BEGIN
  prev := coalesce(audit_chain_head(), repeat(''0'', 64))\073
  FOR e IN SELECT value FROM jsonb_array_elements(NEW.events) WITH ORDINALITY AS x(value, i) ORDER BY i LOOP
    h := encode(sha256(convert_to(prev || chr(10) || (e->>''body''), ''UTF8'')), ''hex'')\073
    INSERT INTO "AuditEvent" ("at", "actorId", "actorLabel", "action", "targetType", "targetId", "tenantId", "before", "after", "requestId", "clientIp", "prevHash", "hash")
    VALUES (((e->>''at'')::timestamptz AT TIME ZONE ''UTC''), (e->>''actorId'')::uuid, e->>''actorLabel'', e->>''action'', e->>''targetType'', e->>''targetId'', (e->>''tenantId'')::uuid,
            nullif(e->''before'', ''null''::jsonb), nullif(e->''after'', ''null''::jsonb), e->>''requestId'', e->>''clientIp'', prev, h)\073
    prev := h\073
  END LOOP\073
  DELETE FROM "AuditPending" WHERE id = NEW.id\073
  RETURN NULL\073
END';

CREATE CONSTRAINT TRIGGER "AuditPending_chain" AFTER INSERT ON "AuditPending"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rekey_audit_chain_pending();

-- The fleet counts' deferred triggers: before they recount (rekey_fleet_refresh_tenant takes the
-- fleet lock), the audit lock when this transaction has staged audit events (the lock order above).
CREATE FUNCTION rekey_audit_lock_first() RETURNS void LANGUAGE plpgsql AS E'
BEGIN
  IF current_setting(''rekey.audit_pending'', true) = ''on'' THEN
    PERFORM pg_advisory_xact_lock(7264501)\073
  END IF\073
END';

CREATE OR REPLACE FUNCTION rekey_fleet_connector_changed() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM rekey_audit_lock_first()\073
  IF TG_OP <> ''INSERT'' THEN
    PERFORM rekey_fleet_refresh_tenant(OLD."tenantId")\073
  END IF\073
  IF TG_OP = ''INSERT'' OR (TG_OP = ''UPDATE'' AND NEW."tenantId" IS DISTINCT FROM OLD."tenantId") THEN
    PERFORM rekey_fleet_refresh_tenant(NEW."tenantId")\073
  END IF\073
  RETURN NULL\073
END
';

CREATE OR REPLACE FUNCTION rekey_fleet_tenant_changed() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM rekey_audit_lock_first()\073
  IF TG_OP <> ''INSERT'' THEN
    PERFORM rekey_fleet_refresh_tenant(OLD.id)\073
  END IF\073
  IF TG_OP = ''INSERT'' OR (TG_OP = ''UPDATE'' AND NEW.id IS DISTINCT FROM OLD.id) THEN
    PERFORM rekey_fleet_refresh_tenant(NEW.id)\073
  END IF\073
  RETURN NULL\073
END
';
