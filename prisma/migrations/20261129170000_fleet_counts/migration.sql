-- Fleet counts kept exact by the database, so the overview, the tenant list and the filter selects
-- read a few hundred summary rows instead of aggregating every connector on every request.
--
-- TenantConnectorSummary: one row per tenant (connector count, count per status, worst status, and
-- the count per connector type and status that the tenant contributes to FleetConnectorCount).
-- FleetConnectorCount: connectors per (region, group, connector type, status).
-- FleetTenantCount: tenants per (region, group).
--
-- Maintained by deferred constraint triggers on Connector and Tenant: at COMMIT each changed
-- tenant is recounted from its own connectors (an index lookup) and the difference applied to the
-- fleet rows. Recounting instead of adding deltas makes the rows self-correcting, and running at
-- COMMIT (under one transaction-scoped advisory lock) means the shared fleet rows are locked only
-- for the commit itself - never while a transaction waits for the audit-chain lock - so writers
-- neither queue behind each other nor deadlock. Every writer is covered (Prisma, raw SQL,
-- createMany, cascading deletes) and TRUNCATE rebuilds everything.

CREATE TABLE "TenantConnectorSummary" (
  "tenantId" UUID NOT NULL PRIMARY KEY,
  "region" TEXT NOT NULL,
  "group" TEXT,
  "connectors" INTEGER NOT NULL DEFAULT 0,
  "targeted" INTEGER NOT NULL DEFAULT 0,
  "compromised" INTEGER NOT NULL DEFAULT 0,
  "expired" INTEGER NOT NULL DEFAULT 0,
  "drift" INTEGER NOT NULL DEFAULT 0,
  "expiring" INTEGER NOT NULL DEFAULT 0,
  "stale" INTEGER NOT NULL DEFAULT 0,
  "healthy" INTEGER NOT NULL DEFAULT 0,
  "worstStatus" "ConnectorStatus",
  "byTypeStatus" JSONB NOT NULL DEFAULT '{}'
);
-- Tenants with a targeted connector (the overview's alert) without a scan.
CREATE INDEX "TenantConnectorSummary_targeted" ON "TenantConnectorSummary" ("tenantId") WHERE "targeted" > 0;

CREATE TABLE "FleetConnectorCount" (
  "region" TEXT NOT NULL,
  "group" TEXT,
  "connectorTypeId" UUID NOT NULL,
  "status" "ConnectorStatus" NOT NULL,
  "connectors" INTEGER NOT NULL
);
CREATE UNIQUE INDEX "FleetConnectorCount_key" ON "FleetConnectorCount" ("region", "group", "connectorTypeId", "status") NULLS NOT DISTINCT;

CREATE TABLE "FleetTenantCount" (
  "region" TEXT NOT NULL,
  "group" TEXT,
  "tenants" INTEGER NOT NULL
);
CREATE UNIQUE INDEX "FleetTenantCount_key" ON "FleetTenantCount" ("region", "group") NULLS NOT DISTINCT;

-- Every commit that changes connectors rewrites a few of these rows: room on each page for
-- heap-only updates, and vacuum after a few hundred dead rows rather than a fifth of the table.
ALTER TABLE "FleetConnectorCount" SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 500);
ALTER TABLE "FleetTenantCount" SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 500);
ALTER TABLE "TenantConnectorSummary" SET (fillfactor = 80);

-- Recount one tenant (called at commit for every tenant whose connectors, region or group changed).
CREATE FUNCTION rekey_fleet_refresh_tenant(tid UUID) RETURNS void LANGUAGE plpgsql AS E'
DECLARE
  o "TenantConnectorSummary"%ROWTYPE\073
  had boolean\073
  has_tenant boolean\073
  t_region text\073
  t_group text\073
  n record\073
BEGIN
  PERFORM pg_advisory_xact_lock(7264502)\073
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

-- Recount everything (the migration's backfill, and after a TRUNCATE).
CREATE FUNCTION rekey_fleet_rebuild() RETURNS void LANGUAGE plpgsql AS E'
BEGIN
  PERFORM pg_advisory_xact_lock(7264502)\073
  DELETE FROM "TenantConnectorSummary"\073
  DELETE FROM "FleetConnectorCount"\073
  DELETE FROM "FleetTenantCount"\073
  INSERT INTO "TenantConnectorSummary" ("tenantId", "region", "group", "connectors", "targeted", "compromised", "expired", "drift", "expiring", "stale", "healthy", "worstStatus", "byTypeStatus")
  SELECT t.id, t.region, t."group", coalesce(sum(x.cnt), 0),
         coalesce(sum(x.cnt) FILTER (WHERE x.status = ''targeted''), 0), coalesce(sum(x.cnt) FILTER (WHERE x.status = ''compromised''), 0),
         coalesce(sum(x.cnt) FILTER (WHERE x.status = ''expired''), 0), coalesce(sum(x.cnt) FILTER (WHERE x.status = ''drift''), 0),
         coalesce(sum(x.cnt) FILTER (WHERE x.status = ''expiring''), 0), coalesce(sum(x.cnt) FILTER (WHERE x.status = ''stale''), 0),
         coalesce(sum(x.cnt) FILTER (WHERE x.status = ''healthy''), 0), min(x.status),
         coalesce(jsonb_object_agg(x."connectorTypeId"::text || '':'' || x.status::text, x.cnt) FILTER (WHERE x.cnt IS NOT NULL), ''{}''::jsonb)
    FROM "Tenant" t
    LEFT JOIN (SELECT c."tenantId", c."connectorTypeId", c.status, count(*)::int AS cnt FROM "Connector" c GROUP BY 1, 2, 3) x ON x."tenantId" = t.id
   GROUP BY t.id, t.region, t."group"\073
  INSERT INTO "FleetConnectorCount" ("region", "group", "connectorTypeId", "status", "connectors")
  SELECT t.region, t."group", c."connectorTypeId", c.status, count(*)::int FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId" GROUP BY 1, 2, 3, 4\073
  INSERT INTO "FleetTenantCount" ("region", "group", "tenants")
  SELECT t.region, t."group", count(*)::int FROM "Tenant" t GROUP BY 1, 2\073
END
';

CREATE FUNCTION rekey_fleet_connector_changed() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP <> ''INSERT'' THEN
    PERFORM rekey_fleet_refresh_tenant(OLD."tenantId")\073
  END IF\073
  IF TG_OP = ''INSERT'' OR (TG_OP = ''UPDATE'' AND NEW."tenantId" IS DISTINCT FROM OLD."tenantId") THEN
    PERFORM rekey_fleet_refresh_tenant(NEW."tenantId")\073
  END IF\073
  RETURN NULL\073
END
';

CREATE FUNCTION rekey_fleet_tenant_changed() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP <> ''INSERT'' THEN
    PERFORM rekey_fleet_refresh_tenant(OLD.id)\073
  END IF\073
  IF TG_OP = ''INSERT'' OR (TG_OP = ''UPDATE'' AND NEW.id IS DISTINCT FROM OLD.id) THEN
    PERFORM rekey_fleet_refresh_tenant(NEW.id)\073
  END IF\073
  RETURN NULL\073
END
';

CREATE FUNCTION rekey_fleet_truncated() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM rekey_fleet_rebuild()\073
  RETURN NULL\073
END
';

CREATE CONSTRAINT TRIGGER "Connector_fleet_counts_insert_delete" AFTER INSERT OR DELETE ON "Connector"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rekey_fleet_connector_changed();
CREATE CONSTRAINT TRIGGER "Connector_fleet_counts_update" AFTER UPDATE ON "Connector"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD."tenantId" IS DISTINCT FROM NEW."tenantId" OR OLD."connectorTypeId" IS DISTINCT FROM NEW."connectorTypeId")
  EXECUTE FUNCTION rekey_fleet_connector_changed();
CREATE CONSTRAINT TRIGGER "Tenant_fleet_counts_insert_delete" AFTER INSERT OR DELETE ON "Tenant"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rekey_fleet_tenant_changed();
CREATE CONSTRAINT TRIGGER "Tenant_fleet_counts_update" AFTER UPDATE ON "Tenant"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.region IS DISTINCT FROM NEW.region OR OLD."group" IS DISTINCT FROM NEW."group" OR OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION rekey_fleet_tenant_changed();
CREATE TRIGGER "Connector_fleet_counts_truncate" AFTER TRUNCATE ON "Connector"
  FOR EACH STATEMENT EXECUTE FUNCTION rekey_fleet_truncated();
CREATE TRIGGER "Tenant_fleet_counts_truncate" AFTER TRUNCATE ON "Tenant"
  FOR EACH STATEMENT EXECUTE FUNCTION rekey_fleet_truncated();

SELECT rekey_fleet_rebuild();
