-- Appending to the audit chain in one round trip (issue 21). Every audited transaction holds the
-- chain's lock from the head read until it commits: with the head read, the hashing in Node and the
-- INSERT as separate round trips, concurrent transactions queued on the lock for the event loop's
-- latency (a fleet's onboarding waited 224 ms per append on average). Node now computes each event's
-- canonical body (everything but prevHash, lib/audit/audit-hash.ts) before taking the lock: this
-- function takes the lock, reads the head (audit_chain_head: after the lock is granted), chains
-- hash = SHA-256(prevHash || '\n' || body) in order, inserts the rows and returns the hashes.
-- `events`: a JSON array of {at, actorId, actorLabel, action, targetType, targetId, tenantId,
-- before, after, requestId, clientIp, body}: a JSON null before/after is stored as SQL NULL, as before.
-- (Semicolons inside the plpgsql body are written \073: see the init migration.)
CREATE FUNCTION audit_append(events jsonb) RETURNS text[] LANGUAGE plpgsql VOLATILE AS E'
DECLARE
  prev text\073
  h text\073
  e jsonb\073
  hashes text[] := ARRAY[]::text[]\073
BEGIN
  prev := coalesce(audit_chain_head(), repeat(''0'', 64))\073
  FOR e IN SELECT value FROM jsonb_array_elements(events) WITH ORDINALITY AS x(value, i) ORDER BY i LOOP
    h := encode(sha256(convert_to(prev || chr(10) || (e->>''body''), ''UTF8'')), ''hex'')\073
    INSERT INTO "AuditEvent" ("at", "actorId", "actorLabel", "action", "targetType", "targetId", "tenantId", "before", "after", "requestId", "clientIp", "prevHash", "hash")
    VALUES (((e->>''at'')::timestamptz AT TIME ZONE ''UTC''), (e->>''actorId'')::uuid, e->>''actorLabel'', e->>''action'', e->>''targetType'', e->>''targetId'', (e->>''tenantId'')::uuid,
            nullif(e->''before'', ''null''::jsonb), nullif(e->''after'', ''null''::jsonb), e->>''requestId'', e->>''clientIp'', prev, h)\073
    hashes := hashes || h\073
    prev := h\073
  END LOOP\073
  RETURN hashes\073
END';
