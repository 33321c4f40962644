// Entry for `tsx cli/main-entry.ts …` (the start script and npm run rekey); `npx rekey` uses bin/rekey.mjs.
import { main } from './main';

process.exitCode = await main(process.argv.slice(2));
