#!/usr/bin/env node
// The `rekey` CLI. The commands are TypeScript, run from a bundle that bin/cli-bundle.mjs keeps in
// step with the sources (or through tsx when it cannot), so there is no build step to remember.
//
// Beside a running `npm start`, the simulator's HTTPS certificate comes from its own CA. Node reads
// NODE_EXTRA_CA_CERTS only when a process starts, so when the runtime description that `npm start`
// wrote names a CA this process does not trust yet, this script runs itself once more with it set
// (stdio, signals and the exit code pass through). A NODE_EXTRA_CA_CERTS the shell already sets (a
// corporate CA, the system bundle) is kept: the child gets one file with both, made for it and removed
// when it ends. `rekey worker` runs itself once more the same way with V8's heap limit
// REKEY_WORKER_HEAP_MB (ADR 044), unless node was started with one. Everything else happens in
// cli/run.ts, which owns the exit code.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freshCliBundle } from './cli-bundle.mjs';

const REEXEC = 'REKEY_CLI_REEXEC';

/** The CA of a running `npm start`'s simulator when this process does not trust it yet, else null. */
function simulatorCa() {
  if (process.env[REEXEC] || process.env.REKEY_MGMT_CLIENT_ID) return null;
  const dataDir = path.resolve(process.env.REKEY_DATA_DIR || '.data');
  try {
    const d = JSON.parse(fs.readFileSync(path.join(dataDir, 'runtime.json'), 'utf8'));
    const ca = d?.microsoft365?.caPath;
    if (typeof ca !== 'string' || !fs.existsSync(ca)) return null;
    process.kill(d.pid, 0); // throws when that npm start is gone
    const extra = process.env.NODE_EXTRA_CA_CERTS;
    if (extra && path.resolve(extra) === path.resolve(ca)) return null;
    return ca;
  } catch {
    return null;
  }
}

/**
 * The file to give the child as NODE_EXTRA_CA_CERTS: the simulator's CA, or, when the shell already
 * names a file, a temporary bundle of that file and the CA (Node takes one file). Returns its path
 * and how to clean up.
 */
function caFileFor(ca) {
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  let existing = '';
  if (extra) {
    try {
      existing = fs.readFileSync(extra, 'utf8');
    } catch {
      // unreadable: Node would only warn about it; the simulator's CA alone is what the CLI needs
    }
  }
  if (!existing.trim()) return { file: ca, cleanup: () => undefined };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-ca-'));
  const file = path.join(dir, 'ca-bundle.pem');
  fs.writeFileSync(file, `${existing.trimEnd()}\n${fs.readFileSync(ca, 'utf8')}`, { mode: 0o600 });
  return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** MB; the default of REKEY_WORKER_HEAP_MB in lib/env.ts (DEFAULT_WORKER_HEAP_MB). */
const DEFAULT_WORKER_HEAP_MB = '1024';

/**
 * `rekey worker`: the `--max-old-space-size` to run with, or null (another command, already set,
 * or REKEY_WORKER_HEAP_MB=0). A value that is not a whole number is left to the CLI's environment
 * check, which names it.
 */
function workerHeapFlag() {
  if (process.env[REEXEC] || process.argv[2] !== 'worker') return null;
  const mb = process.env.REKEY_WORKER_HEAP_MB ?? DEFAULT_WORKER_HEAP_MB;
  if (!/^[1-9]\d*$/.test(mb)) return null;
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--max-old-space-size'));
  return given ? null : `--max-old-space-size=${mb}`;
}

const ca = simulatorCa();
const heap = workerHeapFlag();
if (ca || heap) {
  const bundle = ca ? caFileFor(ca) : { file: null, cleanup: () => undefined };
  const child = spawn(
    process.execPath,
    [...(heap ? [heap] : []), ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, ...(bundle.file ? { NODE_EXTRA_CA_CERTS: bundle.file } : {}), [REEXEC]: '1' },
    },
  );
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => child.kill(s));
  child.on('error', (e) => {
    bundle.cleanup();
    process.stderr.write(`error: cannot start the CLI: ${e.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    bundle.cleanup();
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
} else {
  // The commands bundled (bin/cli-bundle.mjs), rebuilt when a source changed; else through tsx.
  const bundle = await freshCliBundle();
  if (bundle) {
    if (process.env.REKEY_LOG_LEVEL === 'debug') process.setSourceMapsEnabled(true);
  } else {
    const { register } = await import('tsx/esm/api');
    // The project's tsconfig (its `@/` paths), whatever the current directory is.
    register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
  }
  const { runCli } = await import(bundle ? pathToFileURL(bundle).href : new URL('../cli/run.ts', import.meta.url).href);
  await runCli(process.argv.slice(2));
}
