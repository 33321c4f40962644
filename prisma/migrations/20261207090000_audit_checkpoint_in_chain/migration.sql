-- The audit chain writes its checkpoint itself (issue 21). Until now every chained event queued a
-- deferred trigger of its own ("AuditEvent_checkpoint") that compared its seq with max(seq) to find
-- the transaction's last event, whose checkpoint insert then ran the guard: the chain's lock again,
-- max(seq) of the checkpoints, and a look-up of the event. All of it inside the chain's lock, at
-- every audited commit (six per rotation).
--
-- rekey_audit_chain_pending() knows the last event it chained, so it inserts that checkpoint after
-- its loop when no later staged row of the transaction waits (one checkpoint per audited commit, as
-- before), in the same transaction as the events (a crash still cannot commit events without their
-- checkpoint). The per-event trigger is dropped. The guard skips its checks when the insert comes
-- from a trigger (pg_trigger_depth() > 1): the only trigger that inserts checkpoints is this one, it
-- holds the lock, and it names the event it has just inserted, which is the newest. An INSERT sent
-- by a client (depth 1) is checked as before: never backwards, never a head that does not exist.
-- The application role cannot create or change triggers or functions (lib/runtime/database-roles.ts).
-- (Semicolons inside the plpgsql bodies are written \073: see the init migration.)

DROP TRIGGER "AuditEvent_checkpoint" ON "AuditEvent";
DROP FUNCTION rekey_audit_checkpoint();

CREATE OR REPLACE FUNCTION rekey_audit_chain_pending() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE
  prev text\073
  h text\073
  s bigint\073
  e jsonb\073
BEGIN
  prev := coalesce(audit_chain_head(), repeat(''0'', 64))\073
  FOR e IN SELECT value FROM jsonb_array_elements(NEW.events) WITH ORDINALITY AS x(value, i) ORDER BY i LOOP
    h := encode(sha256(convert_to(prev || chr(10) || (e->>''body''), ''UTF8'')), ''hex'')\073
    INSERT INTO "AuditEvent" ("at", "actorId", "actorLabel", "action", "targetType", "targetId", "tenantId", "before", "after", "requestId", "clientIp", "prevHash", "hash")
    VALUES (((e->>''at'')::timestamptz AT TIME ZONE ''UTC''), (e->>''actorId'')::uuid, e->>''actorLabel'', e->>''action'', e->>''targetType'', e->>''targetId'', (e->>''tenantId'')::uuid,
            nullif(e->''before'', ''null''::jsonb), nullif(e->''after'', ''null''::jsonb), e->>''requestId'', e->>''clientIp'', prev, h)
    RETURNING seq INTO s\073
    prev := h\073
  END LOOP\073
  DELETE FROM "AuditPending" WHERE id = NEW.id\073
  -- One checkpoint per transaction, for its last event: staged rows are chained in staging order,
  -- and only the last finds no later row (rows staged by other transactions are never visible here,
  -- as none outlives the transaction that staged it).
  IF s IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "AuditPending" WHERE id > NEW.id) THEN
    INSERT INTO "AuditCheckpoint" (seq, hash) VALUES (s, h)\073
  END IF\073
  RETURN NULL\073
END';

CREATE OR REPLACE FUNCTION rekey_audit_checkpoint_guard() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF pg_trigger_depth() = 1 THEN
    PERFORM pg_advisory_xact_lock(7264501)\073
    IF (SELECT max(seq) FROM "AuditCheckpoint") > NEW.seq THEN
      RAISE EXCEPTION ''audit checkpoints never move backwards (seq % is older than the latest checkpoint)'', NEW.seq
        USING ERRCODE = ''check_violation''\073
    END IF\073
    IF NOT EXISTS (SELECT 1 FROM "AuditEvent" WHERE seq = NEW.seq AND hash = NEW.hash) THEN
      RAISE EXCEPTION ''audit checkpoint % does not match an event in the audit log'', NEW.seq
        USING ERRCODE = ''check_violation''\073
    END IF\073
  END IF\073
  NEW.at := now() AT TIME ZONE ''UTC''\073
  RETURN NEW\073
END';
