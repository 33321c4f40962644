#!/usr/bin/env node
// The `rekey` CLI. The commands are TypeScript; tsx loads them without a build step.
//
// Beside a running `npm start`, the simulator's HTTPS certificate comes from its own CA. Node reads
// NODE_EXTRA_CA_CERTS only when a process starts, so when the runtime description that `npm start`
// wrote names a CA and the variable is unset, this script runs itself once more with it set
// (stdio, signals and the exit code pass through). Everything else happens in cli/run.ts, which
// owns the exit code.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REEXEC = 'REKEY_CLI_REEXEC';

/** The CA of a running `npm start`'s simulator when this process does not trust it yet, else null. */
function simulatorCa() {
  if (process.env.NODE_EXTRA_CA_CERTS || process.env[REEXEC] || process.env.REKEY_MGMT_CLIENT_ID) return null;
  const dataDir = path.resolve(process.env.REKEY_DATA_DIR || '.data');
  try {
    const d = JSON.parse(fs.readFileSync(path.join(dataDir, 'runtime.json'), 'utf8'));
    const ca = d?.microsoft365?.caPath;
    if (typeof ca !== 'string' || !fs.existsSync(ca)) return null;
    process.kill(d.pid, 0); // throws when that npm start is gone
    return ca;
  } catch {
    return null;
  }
}

const ca = simulatorCa();
if (ca) {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: ca, [REEXEC]: '1' },
    },
  );
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => child.kill(s));
  child.on('error', (e) => {
    process.stderr.write(`error: cannot start the CLI: ${e.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
} else {
  const { register } = await import('tsx/esm/api');
  // The project's tsconfig (its `@/` paths), whatever the current directory is.
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
  const { runCli } = await import('../cli/run.ts');
  await runCli(process.argv.slice(2));
}
