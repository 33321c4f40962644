import type { Command } from './command';
import { advisoryCommands } from './commands/advisory';
import { auditCommands } from './commands/audit';
import { campaignCommands } from './commands/campaign';
import { certCommands } from './commands/cert';
import { certificateCommands } from './commands/certificates';
import { connectorCommands } from './commands/connectors';
import { dbCommands } from './commands/db';
import { inviteCommands } from './commands/invite';
import { rotateCommands } from './commands/rotate';
import { rotationCommands } from './commands/rotations';
import { scanCommands } from './commands/scan';
import { tenantCommands } from './commands/tenants';
import { userCommands } from './commands/users';
import { vaultCommands } from './commands/vault';
import { workerCommand } from './commands/worker';

/**
 * Every CLI command. Command modules import only light modules at the top and load lib use cases
 * inside `run`, so `rekey --help` or `rekey cert inspect` never load the database stack.
 */
export const commands: Command[] = [
  ...tenantCommands,
  ...connectorCommands,
  ...certificateCommands,
  ...certCommands,
  ...rotateCommands,
  ...rotationCommands,
  ...campaignCommands,
  ...advisoryCommands,
  ...inviteCommands,
  ...scanCommands,
  ...auditCommands,
  ...userCommands,
  ...vaultCommands,
  ...dbCommands,
  workerCommand,
];
