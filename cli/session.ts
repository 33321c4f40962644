/**
 * The context every stack-backed command runs in: the runtime (lib/runtime/open-runtime.ts, which also
 * registers the rotation engine's subscribers: `rotations cancel` can finish a rotation here), who acts
 * (`cli:<os user>`, or with `--as EMAIL` that Rekey user, whose role and scope then apply) and the time.
 * Without --as the CLI is the operator of the machine: no principal, like a job.
 */
import { cliActor, cliActorAs } from './actor';
import { str, type Values } from './command';
import type { Principal } from '@/lib/auth/principal';
import { RekeyError } from '@/lib/errors';
import type { OpenRuntimeOptions, Runtime } from '@/lib/runtime/open-runtime';
import type { UseCaseContext } from '@/lib/use-case';

/** The use-case context (lib/use-case.ts) plus the runtime; `principal` is set with --as EMAIL (absent = the machine's operator). */
export interface CliContext extends UseCaseContext {
  runtime: Runtime;
}

export const asOption = { as: { type: 'string' } } as const;

export async function withRuntime<T>(
  values: Values,
  fn: (ctx: CliContext) => Promise<T>,
  opts: OpenRuntimeOptions = {},
): Promise<T> {
  const { openRuntime } = await import('@/lib/runtime/open-runtime');
  const { createUseCaseContext } = await import('@/lib/use-case-defaults');
  const runtime = await openRuntime(opts);
  try {
    const as = str(values.as);
    let principal: Principal | undefined;
    let actor = cliActor();
    if (as) {
      const { findUserByEmail } = await import('@/lib/auth/manage-users');
      const { loadPrincipal } = await import('@/lib/auth/session');
      const user = await findUserByEmail(runtime.db, as);
      const p = user ? await loadPrincipal(runtime.db, user.id) : null;
      if (!p) throw new RekeyError('NOT_FOUND', `No active Rekey user "${as}" (rekey users list shows them).`);
      principal = p;
      actor = cliActorAs(p);
    }
    return await fn({ runtime, ...createUseCaseContext({ db: runtime.db, actor, now: new Date(), principal }) });
  } finally {
    await runtime.close();
  }
}
