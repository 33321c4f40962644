import { isFleetWide } from '@/lib/auth/principal';
import { RekeyError } from '@/lib/errors';
import type { UseCaseContext } from '@/lib/use-case';

/** Settings are fleet-wide: only a fleet-wide admin (or a trusted caller without a principal) changes them. */
export function requireSettingsAdmin(ctx: Pick<UseCaseContext, 'principal'>, what: string): void {
  if (ctx.principal && !isFleetWide(ctx.principal, 'admin'))
    throw new RekeyError('FORBIDDEN', `${what} needs the Admin role.`, { need: 'admin' });
}
