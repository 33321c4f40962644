-- Per-tenant token generation: a consent check or consent callback in any process bumps it, and
-- every process drops a cached token issued under an older generation (roles are fixed in a token
-- at issue, so a token from before a consent change keeps the old roles until it expires).
ALTER TABLE "Tenant" ADD COLUMN "tokenGeneration" INTEGER NOT NULL DEFAULT 0;
-- When the token the last consent check read was issued (its roles are grantedRoles).
ALTER TABLE "Tenant" ADD COLUMN "tokenIssuedAt" TIMESTAMP(3);
