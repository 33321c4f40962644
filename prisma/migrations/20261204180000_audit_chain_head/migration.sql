-- The audit chain's head, read under the chain's lock, in one round trip (issue 21): every audited
-- transaction takes the lock and reads the head before it appends. VOLATILE on purpose: the head is
-- read with a snapshot taken after the lock is granted (PL/pgSQL takes one per statement), so an
-- append that committed while this one waited for the lock is seen — one statement with the lock in
-- a subquery would read the head with a snapshot from before the wait, and fork the chain.
-- (Semicolons inside the plpgsql body are written \073: see the init migration.)
CREATE FUNCTION audit_chain_head() RETURNS text LANGUAGE plpgsql VOLATILE AS E'
BEGIN
  PERFORM pg_advisory_xact_lock(7264501)\073
  RETURN (SELECT hash FROM "AuditEvent" ORDER BY seq DESC LIMIT 1)\073
END';
