/** The process defaults of the use-case context (lib/use-case.ts) for what a caller does not supply. */
import { db as defaultDb } from '@/lib/db';
import { getGraphEnvironment } from '@/lib/graph/graph-environment';
import { log as defaultLog } from '@/lib/log';
import type { GraphAccess, UseCaseContext } from '@/lib/use-case';

/** The management app's Graph wiring for every tenant (built from the environment on first use). */
export const managementGraph: GraphAccess = () => getGraphEnvironment();

/**
 * A context with the process defaults (the one Prisma client, the management app, the JSON
 * logger) for what the caller does not supply. Callers always give actor and now.
 */
export function createUseCaseContext<P extends ContextParts>(parts: P): UseCaseContext & Pick<P, 'principal'> {
  const { principal, ...rest } = parts;
  return {
    db: defaultDb,
    graph: managementGraph,
    log: defaultLog,
    ...rest,
    ...(principal ? { principal } : {}),
  } as UseCaseContext & Pick<P, 'principal'>;
}

export type ContextParts = Pick<UseCaseContext, 'actor' | 'now'> & Partial<Omit<UseCaseContext, 'actor' | 'now'>>;
