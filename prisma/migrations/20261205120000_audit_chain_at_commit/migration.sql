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

-- The fleet counts' refresh: unchanged but for the lock order above (the audit lock first when this
-- transaction has staged audit events).
CREATE OR REPLACE FUNCTION rekey_fleet_lock() RETURNS void LANGUAGE plpgsql AS E'
BEGIN
  IF current_setting(''rekey.audit_pending'', true) = ''on'' THEN
    PERFORM pg_advisory_xact_lock(7264501)\073
  END IF\073
  PERFORM pg_advisory_xact_lock(7264502)\073
END';

CREATE OR REPLACE FUNCTION rekey_fleet_refresh_tenant(tid UUID) RETURNS void LANGUAGE plpgsql AS E'
DECLARE
  o "TenantConnectorSummary"%ROWTYPE\073
  had boolean\073
  has_tenant boolean\073
  t_region text\073
  t_group text\073
  n record\073
BEGIN
  PERFORM rekey_fleet_lock()\073
  SELECT * INTO o FROM "TenantConnectorSummary" s WHERE s."tenantId" = tid\073
  had := FOUND\073
  SELECT t.region, t."group" INTO t_region, t_group FROM "Tenant" t WHERE t.id = tid\073
  has_tenant := FOUND\073
  SELECT coalesce(jsonb_object_agg(x.k, x.cnt), ''{}''::jsonb) AS by_type,
         coalesce(sum(x.cnt), 0)::int AS total,
         coalesce(sum(x.cnt) FILTER (WHERE x.s = ''targeted''), 0)::int AS targeted,
         coalesce(sum(x.cnt) FILTER (WHERE x.s = ''compromised''), 0)::int AS compromised,
         coalesce(sum(x.cnt) FILTER (WHERE x.s = ''expired''), 0)::int AS expired,
         coalesce(sum(x.cnt) FILTER (WHERE x.s = ''drift''), 0)::int AS drift,
         coalesce(sum(x.cnt) FILTER (WHERE x.s = ''expiring''), 0)::int AS expiring,
         coalesce(sum(x.cnt) FILTER (WHERE x.s = ''stale''), 0)::int AS stale,
         coalesce(sum(x.cnt) FILTER (WHERE x.s = ''healthy''), 0)::int AS healthy,
         min(x.s) AS worst
    INTO n
    FROM (SELECT c."connectorTypeId"::text || '':'' || c.status::text AS k, c.status AS s, count(*)::int AS cnt
            FROM "Connector" c WHERE c."tenantId" = tid AND has_tenant
           GROUP BY c."connectorTypeId", c.status) x\073
  IF had AND has_tenant AND o.region = t_region AND o."group" IS NOT DISTINCT FROM t_group AND o."byTypeStatus" = n.by_type THEN
    RETURN\073
  END IF\073

  INSERT INTO "FleetConnectorCount" AS f ("region", "group", "connectorTypeId", "status", "connectors")
  SELECT d.region, d.grp, split_part(d.k, '':'', 1)::uuid, split_part(d.k, '':'', 2)::"ConnectorStatus", sum(d.cnt)::int
    FROM (SELECT o.region AS region, o."group" AS grp, e.key AS k, -(e.value::int) AS cnt
            FROM jsonb_each_text(CASE WHEN had THEN o."byTypeStatus" ELSE ''{}''::jsonb END) e
          UNION ALL
          SELECT t_region, t_group, e.key, e.value::int FROM jsonb_each_text(n.by_type) e) d
   GROUP BY d.region, d.grp, d.k
  HAVING sum(d.cnt) <> 0
  ON CONFLICT ("region", "group", "connectorTypeId", "status") DO UPDATE SET "connectors" = f."connectors" + excluded."connectors"\073

  IF NOT (had AND has_tenant AND o.region = t_region AND o."group" IS NOT DISTINCT FROM t_group) THEN
    IF had THEN
      INSERT INTO "FleetTenantCount" AS f ("region", "group", "tenants") VALUES (o.region, o."group", -1)
      ON CONFLICT ("region", "group") DO UPDATE SET "tenants" = f."tenants" - 1\073
    END IF\073
    IF has_tenant THEN
      INSERT INTO "FleetTenantCount" AS f ("region", "group", "tenants") VALUES (t_region, t_group, 1)
      ON CONFLICT ("region", "group") DO UPDATE SET "tenants" = f."tenants" + 1\073
    END IF\073
  END IF\073

  IF has_tenant THEN
    INSERT INTO "TenantConnectorSummary" AS s ("tenantId", "region", "group", "connectors", "targeted", "compromised", "expired", "drift", "expiring", "stale", "healthy", "worstStatus", "byTypeStatus")
    VALUES (tid, t_region, t_group, n.total, n.targeted, n.compromised, n.expired, n.drift, n.expiring, n.stale, n.healthy, n.worst, n.by_type)
    ON CONFLICT ("tenantId") DO UPDATE SET "region" = excluded."region", "group" = excluded."group", "connectors" = excluded."connectors",
      "targeted" = excluded."targeted", "compromised" = excluded."compromised", "expired" = excluded."expired", "drift" = excluded."drift",
      "expiring" = excluded."expiring", "stale" = excluded."stale", "healthy" = excluded."healthy", "worstStatus" = excluded."worstStatus",
      "byTypeStatus" = excluded."byTypeStatus"\073
  ELSE
    DELETE FROM "TenantConnectorSummary" s WHERE s."tenantId" = tid\073
  END IF\073
END
';
