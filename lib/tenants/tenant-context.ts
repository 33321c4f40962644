/**
 * What every tenant use case takes besides its input: who acts, the time (a parameter, never
 * read inside), and optionally the Graph wiring (tests and the worker pass their own).
 */
import type { Actor } from '@/lib/audit/append-audit-event';
import { getGraphEnvironment, type GraphEnvironment } from '@/lib/graph/graph-environment';

export interface TenantUseCaseContext {
  actor: Actor;
  now?: Date;
  graph?: GraphEnvironment;
}

export function graphOf(ctx: TenantUseCaseContext): GraphEnvironment {
  return ctx.graph ?? getGraphEnvironment();
}

export function nowOf(ctx: TenantUseCaseContext): Date {
  return ctx.now ?? new Date();
}
