/** Who runs a use case and when; `principal` is absent for the CLI on the server and for jobs. */
import type { Actor } from '@/lib/audit/append-audit-event';
import type { Principal } from '@/lib/auth/principal';

export interface UseCaseContext {
  actor: Actor;
  now: Date;
  /** When set, the principal must be an operator of the connector's tenant. */
  principal?: Principal;
}
