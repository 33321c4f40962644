import type { Command } from './command';
import { dbCommands } from './commands/db';

/** Every CLI command. Each area adds its list here. */
export const commands: Command[] = [...dbCommands];
