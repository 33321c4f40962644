/**
 * Who the CLI acts as in the audit log: `cli:<os user>` (the operator of the machine); its "From
 * where" (clientIp) is `cli:<os user>@<host>`, since a command has no client address.
 */
import os from 'node:os';
import type { Actor } from '@/lib/audit/append-audit-event';

export function osUser(): string {
  try {
    return os.userInfo().username || process.env.USER || 'unknown';
  } catch {
    // no passwd entry (containers)
    return process.env.USER || process.env.LOGNAME || 'unknown';
  }
}

/** The audit log's "From where" for the command line. */
export function cliOrigin(): string {
  return `cli:${osUser()}@${os.hostname()}`;
}

export function cliActor(): Actor {
  return { id: null, label: `cli:${osUser()}`, clientIp: cliOrigin() };
}

/** `--as EMAIL`: the Rekey user the command acts for, still labelled with the OS user who ran it. */
export function cliActorAs(user: { userId: string; email: string }): Actor {
  return { id: user.userId, label: `cli:${osUser()} as ${user.email}`, clientIp: cliOrigin() };
}
