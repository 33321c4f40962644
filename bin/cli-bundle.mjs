// The CLI's commands as one JavaScript bundle, so `rekey` starts in a fraction of the time that
// loading ~250 TypeScript modules one by one through tsx's loader thread takes (ADR 040).
//
// `freshCliBundle()` returns the bundle's entry (cli/run.ts, built by esbuild) when every source
// file it was built from is unchanged (same mtime and size), building it first when it is missing or
// stale. Bundles live in node_modules/.cache/rekey-cli/; node_modules stay outside them (imported as
// usual), and `import.meta.url` / `dirname` / `filename` keep naming each module's own source file,
// so paths computed from them do not move. It returns null, and the caller loads the TypeScript
// through tsx as before, when anything goes wrong: a read-only checkout, esbuild missing, a failed
// build. REKEY_CLI_BUNDLE=0 skips the bundle.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const cacheDir = path.join(root, 'node_modules', '.cache', 'rekey-cli');
const pointer = path.join(cacheDir, 'current.json');
// Changes whenever the build below would make something different from the same sources.
const FORMAT = 'rekey-cli-bundle/1';
// A `rekey worker` started from an older bundle may still load one of its chunks: old bundles are
// removed only after a week.
const KEEP_MS = 7 * 24 * 3_600_000;

function debug(message) {
  if (process.env.REKEY_LOG_LEVEL === 'debug') process.stderr.write(`debug: cli bundle: ${message}\n`);
}

/** The entry of the bundle the pointer names, when every source file it lists is unchanged; else null. */
function currentBundle() {
  let m;
  try {
    m = JSON.parse(fs.readFileSync(pointer, 'utf8'));
  } catch {
    return null;
  }
  if (m?.format !== FORMAT || typeof m.dir !== 'string' || typeof m.inputs !== 'object') return null;
  for (const [file, [mtimeMs, size]] of Object.entries(m.inputs)) {
    let st;
    try {
      st = fs.statSync(file);
    } catch {
      debug(`${file} is gone: rebuilding`);
      return null;
    }
    if (st.mtimeMs !== mtimeMs || st.size !== size) {
      debug(`${path.relative(root, file)} changed: rebuilding`);
      return null;
    }
  }
  const entry = path.join(cacheDir, m.dir, 'run.js');
  return fs.existsSync(entry) ? entry : null;
}

/** esbuild plugin: `import.meta.*` in our sources name the source file, not the bundle chunk. */
const sourceLocation = {
  name: 'rekey-source-location',
  setup(build) {
    build.onLoad({ filter: /\.(ts|tsx|mts|js|mjs)$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      let contents = await fs.promises.readFile(args.path, 'utf8');
      if (contents.includes('import.meta.')) {
        contents = contents
          .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path)))
          .replaceAll('import.meta.filename', JSON.stringify(args.path))
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
      }
      const ext = path.extname(args.path);
      return { contents, loader: ext === '.tsx' ? 'tsx' : ext === '.ts' || ext === '.mts' ? 'ts' : 'js' };
    });
  },
};

/** Builds the bundle into its own directory and points current.json at it; returns its entry. */
async function build() {
  const { build: esbuild } = await import('esbuild');
  fs.mkdirSync(cacheDir, { recursive: true });
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(cacheDir, 'tmp-'));
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: [path.join(root, 'cli', 'run.ts')],
    outdir: tmp,
    bundle: true,
    splitting: true, // commands' dynamic imports stay lazy: a command loads only what it needs
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    tsconfig: path.join(root, 'tsconfig.json'),
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    plugins: [sourceLocation],
  });
  const inputs = {};
  let editedMeanwhile = false;
  for (const rel of [...Object.keys(result.metafile.inputs), 'tsconfig.json', 'package.json']) {
    const file = path.resolve(root, rel);
    const st = fs.statSync(file);
    inputs[file] = [st.mtimeMs, st.size];
    // A file saved while esbuild read it may be in the bundle as it was before: use this bundle
    // once, but do not keep it.
    if (st.mtimeMs >= started - 1000) editedMeanwhile = true;
  }
  const dir = `b-${createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16)}`;
  try {
    fs.renameSync(tmp, path.join(cacheDir, dir));
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another `rekey` built the same bundle first
  }
  if (!editedMeanwhile) {
    const next = `${pointer}.${process.pid}`;
    fs.writeFileSync(next, JSON.stringify({ format: FORMAT, dir, inputs }));
    fs.renameSync(next, pointer);
  }
  const entry = path.join(cacheDir, dir, 'run.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing after the build`);
  debug(`built ${dir} in ${Date.now() - started} ms`);
  prune(dir);
  return entry;
}

/** Removes bundles and leftovers older than KEEP_MS, other than `keep`. */
function prune(keep) {
  for (const name of fs.readdirSync(cacheDir)) {
    if (name === keep || !(name.startsWith('b-') || name.startsWith('tmp-'))) continue;
    const p = path.join(cacheDir, name);
    try {
      if (Date.now() - fs.statSync(p).mtimeMs > KEEP_MS) fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // gone already
    }
  }
}

/** The bundle's entry (an absolute path), fresh; or null to load the TypeScript through tsx. */
export async function freshCliBundle() {
  if (process.env.REKEY_CLI_BUNDLE === '0') return null;
  try {
    return currentBundle() ?? (await build());
  } catch (e) {
    debug(`not used (${e instanceof Error ? e.message : String(e)}); loading the TypeScript through tsx`);
    return null;
  }
}
