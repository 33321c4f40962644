// Test-only process entry: `rekey worker` with only the worker command (cli/commands.ts wiring
// belongs to the CLI owner). crash-resume.db.test.ts spawns and SIGKILLs it.
import { main } from '@/cli/main';
import { workerCommand } from '@/cli/commands/worker';

const io = { out: (t: string) => process.stdout.write(`${t}\n`), err: (t: string) => process.stderr.write(`${t}\n`) };
process.exitCode = await main(['worker', ...process.argv.slice(2)], io, [workerCommand]);
