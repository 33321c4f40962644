/**
 * THE use-case contract (docs/decisions/012). Every use case in `lib/<area>/<verb-noun>.ts` is
 * `verbNoun(ctx: UseCaseContext, input)`: the caller — a server action / route handler (through
 * lib/auth/action.ts), a page, the CLI (cli/session.ts), a job (lib/jobs/worker.ts) or a test —
 * builds the context once; the use case loads → authorizes → validates → writes (with its audit
 * event and follow-up jobs in one transaction) and reaches nothing global for who, when, where or
 * how: the database, the clock, Graph and the log all come from here.
 *
 * Authorization happens once, inside the use case, against `ctx.principal`; absent = a trusted
 * caller without a signed-in user (the CLI on the server without --as, jobs).
 *
 * Type-only imports: this module costs nothing to load (the CLI imports it eagerly). The defaults
 * (the one Prisma client, the management app, the JSON logger) are in lib/use-case-defaults.ts.
 */
import type { Actor } from '@/lib/audit/append-audit-event';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db';
import type { GraphEnvironment } from '@/lib/graph/graph-environment';
import type { Logger } from '@/lib/log';

/**
 * Graph access for one tenant (its Entra tenant id; null before a tenant is known, e.g. resolving a
 * domain). Today every caller supplies the management app's (`managementGraph`, lib/use-case-defaults.ts); a customer admin's
 * delegated rotation will supply their token for their tenant only.
 */
export type GraphAccess = (entraTenantId: string | null) => GraphEnvironment;

export interface UseCaseContext {
  /** The database handle (the one client, or a test's). Use cases open their own transactions on it. */
  db: Db;
  /** Who the audit log names (user + request id + client IP, or 'system' / 'cli:<user>'). */
  actor: Actor;
  /** The signed-in user whose role and tenant scope apply; absent = trusted system caller. */
  principal?: Principal;
  /** The time of the call: a parameter, never read inside a use case. */
  now: Date;
  graph: GraphAccess;
  log: Logger;
}

/** Who is asking, for access helpers that take a principal or 'system'. */
export type Caller = Principal | 'system';
export const callerOf = (ctx: Pick<UseCaseContext, 'principal'>): Caller => ctx.principal ?? 'system';

/** The same context without the principal: for follow-up work the caller's authorization already covered. */
export function asSystem(ctx: UseCaseContext): UseCaseContext {
  const { db, actor, now, graph, log } = ctx;
  return { db, actor, now, graph, log };
}
