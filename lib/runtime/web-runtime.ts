/**
 * The web server's runtime. `next start` owns the process and has no entry point of ours that runs
 * in the same module graph as the actions (instrumentation is bundled apart), so the composition
 * (lib/runtime/process-runtime.ts) runs here, once, on the first request that builds a use-case
 * context: defineAction / defineRoute (lib/auth/action.ts) and pageContext (lib/auth/context.ts)
 * call webRuntime(). The database, pg-boss and the lease pool are opened on first use and live as
 * long as the server; nothing closes them.
 *
 * A module variable, not a globalThis singleton: on a Next development reload this module and the
 * event registry (lib/rotation/rotation-events.ts) are evaluated again together, so the fresh
 * registry is composed again. The Prisma client is the one kept on globalThis (lib/db.ts).
 */
import { db, type Db } from '@/lib/db';
import { log, type Logger } from '@/lib/log';
import { composeProcess } from '@/lib/runtime/process-runtime';
import type { Actor } from '@/lib/audit/append-audit-event';
import type { GraphAccess, UseCaseContext } from '@/lib/use-case';
import { managementGraph } from '@/lib/use-case-defaults';

export interface WebRuntime {
  db: Db;
  graph: GraphAccess;
  log: Logger;
}

let runtime: WebRuntime | null = null;

/** The web process's runtime, composed on first call. */
export function webRuntime(): WebRuntime {
  if (!runtime) {
    composeProcess();
    runtime = { db, graph: managementGraph, log };
  }
  return runtime;
}

/**
 * The use-case context of a public request (no Rekey session: a customer's invitation link), acting
 * as `actor`. It has no principal, which a use case takes for the trusted system caller: pass it
 * only to what authorizes by other means (the link's token, the customer admin's sign-in).
 */
export function publicWebContext(actor: Actor, now: Date = new Date()): UseCaseContext {
  return { ...webRuntime(), actor, now };
}
