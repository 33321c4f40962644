/**
 * Tenants where an attacker used a compromised credential (a connector in status `targeted`),
 * within the viewer's scope, with the evidence summary: unknown-address sign-ins, the addresses,
 * the last one. A read `(ctx)` (lib/use-case.ts): scoped to `ctx.principal` (all for a trusted caller).
 */
import { scopeOf } from '@/lib/detection/affected-connectors';
import { tenantSql } from '@/lib/fleet/fleet-scope';
import { callerOf, type UseCaseContext } from '@/lib/use-case';

export interface TargetedTenant {
  tenantId: string;
  displayName: string;
  region: string;
  targetedConnectors: number;
  unknownAddressSignIns: number;
  unknownAddresses: string[];
  lastUnknownAt: Date | null;
}

export async function listTargetedTenants(ctx: Pick<UseCaseContext, 'db' | 'principal'>): Promise<TargetedTenant[]> {
  const rows = await ctx.db.$queryRaw<
    (Omit<TargetedTenant, 'targetedConnectors' | 'unknownAddressSignIns'> & {
      targetedConnectors: bigint;
      unknownAddressSignIns: bigint;
    })[]
  >`
    SELECT t.id AS "tenantId", t."displayName", t.region,
      (SELECT count(*) FROM "Connector" c WHERE c."tenantId" = t.id AND c.status = 'targeted') AS "targetedConnectors",
      (SELECT count(*) FROM "SignInEvidence" e JOIN "Connector" c ON c.id = e."connectorId" WHERE e."tenantId" = t.id AND e.classification = 'unknown' AND c.status = 'targeted') AS "unknownAddressSignIns",
      coalesce((SELECT array_agg(DISTINCT e."ipAddress" ORDER BY e."ipAddress") FROM "SignInEvidence" e JOIN "Connector" c ON c.id = e."connectorId" WHERE e."tenantId" = t.id AND e.classification = 'unknown' AND c.status = 'targeted'), '{}') AS "unknownAddresses",
      (SELECT max(e.at) FROM "SignInEvidence" e WHERE e."tenantId" = t.id AND e.classification = 'unknown') AS "lastUnknownAt"
    FROM "Tenant" t
    WHERE ${tenantSql(scopeOf(callerOf(ctx)), {})} AND EXISTS (SELECT 1 FROM "Connector" c WHERE c."tenantId" = t.id AND c.status = 'targeted')
    ORDER BY "lastUnknownAt" DESC NULLS LAST, t."displayName"`;
  return rows.map((r) => ({
    ...r,
    targetedConnectors: Number(r.targetedConnectors),
    unknownAddressSignIns: Number(r.unknownAddressSignIns),
  }));
}
