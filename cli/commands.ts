import type { Command } from './command';
import { advisoryCommands } from './commands/advisory';
import { auditCommands } from './commands/audit';
import { campaignCommands } from './commands/campaign';
import { certCommands } from './commands/cert';
import { dbCommands } from './commands/db';
import { rotateCommands } from './commands/rotate';
import { scanCommands } from './commands/scan';
import { tenantCommands } from './commands/tenants';
import { userCommands } from './commands/users';
import { vaultCommands } from './commands/vault';
import { workerCommand } from './commands/worker';

/** Every CLI command. Each area adds its list here. */
export const commands: Command[] = [
  ...dbCommands,
  ...certCommands,
  ...vaultCommands,
  ...auditCommands,
  ...userCommands,
  ...advisoryCommands,
  ...scanCommands,
  ...tenantCommands,
  ...rotateCommands,
  ...campaignCommands,
  workerCommand,
];
