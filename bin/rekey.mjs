#!/usr/bin/env node
// The `rekey` CLI. The commands are TypeScript; tsx loads them without a build step.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
