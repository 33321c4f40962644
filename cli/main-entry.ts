// Entry for `tsx cli/main-entry.ts …` (the start script runs `db seed` and `worker` this way);
// people and scripts use bin/rekey.mjs (`npx rekey`, `npm run rekey`).
import { runCli } from './run';

await runCli(process.argv.slice(2));
