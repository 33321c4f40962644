/**
 * The truth checker (lib/testing/truth-checker.ts) fed with what Rekey shows on the e2e stack: the
 * browser's figures (overview tiles, the lists behind them, the security report) and the CLI's
 * `--json` (bin/rekey.mjs spawned beside the stack), each claim named by where it was read, and
 * compared with the simulator read the way Microsoft would be read.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { E2E_DATA_DIR } from '../../playwright.config';
import { getDb, type Db } from '../../lib/db';
import { TENANT_ACCESS_LABEL } from '../../lib/fleet/tenant-access';
import type { ConnectorClaim, FigureClaim, Shown, TenantClaim } from '../../lib/testing/truth-checker';
import type { SimTenant } from '../../lib/testing/simulator-read';
import { getJson, postJson, readSimTenants, type SimManifest } from './simulator-truth';
import { stackDatabaseUrl } from './stack-database';

export const dataDir = path.resolve(import.meta.dirname, '..', '..', E2E_DATA_DIR);
const root = path.resolve(import.meta.dirname, '..', '..');

interface Runtime {
  microsoft365: { authorityHost: string; caPath: string };
}

/** The simulator of the stack: its URL, CA and fleet manifest, and its control API. */
export async function stackSimulator() {
  const r = JSON.parse(fs.readFileSync(path.join(dataDir, 'runtime.json'), 'utf8')) as Runtime;
  const url = r.microsoft365.authorityHost;
  const ca = fs.readFileSync(r.microsoft365.caPath, 'utf8');
  const manifest = (await getJson<SimManifest>(`${url}/_sim/manifest`, ca)).body;
  return {
    url,
    ca,
    manifest,
    /** Every tenant of the fleet as Microsoft 365 holds it (or `tenantIds` only). */
    read: (tenantIds?: string[]): Promise<SimTenant[]> =>
      readSimTenants({ simUrl: url, ca, manifest, ...(tenantIds ? { tenantIds } : {}) }),
    /** The tenant's admin removes the management app's permissions (the token then carries no roles). */
    revokeConsent: async (tenantId: string) =>
      (
        await postJson(`${url}/_sim/tenants/${tenantId}/revoke-consent`, ca, {
          appId: manifest.managementApp.appId,
          mode: 'remove-app-roles',
        })
      ).status,
    /** Someone adds a certificate to an app behind Rekey's back (the tenant's admin, an attacker). */
    addKeyCredential: (tenantId: string, appId: string, certificatePem: string) =>
      postJson<{ keyId: string }>(`${url}/_sim/tenants/${tenantId}/key-credentials`, ca, {
        appId,
        certificate: certificatePem,
      }),
    grantConsent: async (tenantId: string) =>
      (
        await postJson(`${url}/_sim/tenants/${tenantId}/grant-consent`, ca, {
          appId: manifest.managementApp.appId,
          roles: manifest.managementApp.graphRoles,
        })
      ).status,
  };
}

/** The stack's database through Rekey's own Prisma client (the checker reads Rekey's last known state). */
export function stackDb(): Db {
  process.env.DATABASE_URL = stackDatabaseUrl(dataDir);
  return getDb();
}

/** Runs the real `rekey` binary beside the stack. */
export function rekey(...args: string[]) {
  const env = { ...({} as NodeJS.ProcessEnv), PATH: process.env.PATH, HOME: process.env.HOME, REKEY_DATA_DIR: dataDir };
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [path.join(root, 'bin', 'rekey.mjs'), ...args],
      { cwd: root, env, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** `rekey … --json`, parsed; fails with the command's own message. */
export async function rekeyJson<T>(...args: string[]): Promise<T> {
  const r = await rekey(...args, '--json');
  if (r.code !== 0) throw new Error(`rekey ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as T;
}

const num = (s: string | null) => Number((s ?? '').replace(/[^\d]/g, ''));

/** The figures a signed-in user sees: overview tiles, the list each opens, the security report. */
export async function browserClaims(page: Page): Promise<FigureClaim[]> {
  const out: FigureClaim[] = [];
  await page.goto('/');
  const figures = page.getByRole('region', { name: 'Key figures' });
  const tile = async (name: RegExp) =>
    num(await figures.getByRole('link', { name }).locator('dd').first().textContent());
  out.push({
    where: 'the overview tile "Exposed connectors"',
    figure: 'exposed',
    value: await tile(/^Exposed connectors/),
  });
  out.push({ where: 'the overview tile "No access"', figure: 'noAccess', value: await tile(/^No access/) });
  out.push({
    where: 'the overview tile "Not scanned recently"',
    figure: 'notScannedRecently',
    value: await tile(/^Not scanned recently/),
  });
  const counted = async (url: string, text: RegExp) => {
    await page.goto(url);
    const line = await page.getByText(text).first().textContent();
    return num(text.exec(line ?? '')?.[1] ?? null);
  };
  out.push({
    where: 'the connectors list /connectors?status=exposed',
    figure: 'exposed',
    value: await counted('/connectors?status=exposed', /([\d,]+) vendor connectors? with status exposed/),
  });
  out.push({
    where: 'the tenants list /tenants?access=no_access',
    figure: 'noAccess',
    value: await counted('/tenants?access=no_access', /([\d,]+) tenants? with access “No access”/),
  });
  out.push({
    where: 'the tenants list /tenants?access=not_scanned_recently',
    figure: 'notScannedRecently',
    value: await counted(
      '/tenants?access=not_scanned_recently',
      /([\d,]+) tenants? with access “Not scanned recently”/,
    ),
  });
  await page.goto('/reports/security');
  const summary = page.getByRole('region', { name: 'Summary' });
  const stat = async (label: string) =>
    num(
      await summary
        .getByRole('link', { name: new RegExp(`^${label}`) })
        .locator('dd')
        .first()
        .textContent(),
    );
  out.push({ where: 'the security report "Still exposed"', figure: 'exposed', value: await stat('Still exposed') });
  out.push({ where: 'the security report "No access"', figure: 'noAccess', value: await stat('No access') });
  out.push({
    where: 'the security report "Not scanned recently"',
    figure: 'notScannedRecently',
    value: await stat('Not scanned recently'),
  });
  return out;
}

const ACCESS_BY_LABEL = new Map(Object.entries(TENANT_ACCESS_LABEL).map(([k, v]) => [v, k]));

/** Every tenant's access as the tenants list shows it (its Access column), one claim per row. */
export async function tenantListClaims(page: Page, db: Db): Promise<TenantClaim[]> {
  await page.goto('/tenants');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tenants');
  const table = page.getByRole('table', { name: 'Tenants' });
  await expect(table.locator('thead th').first()).toBeVisible();
  const headers = (await table.locator('thead th').allTextContents()).map((h) => h.trim());
  const col = headers.findIndex((h) => h.startsWith('Access'));
  if (col < 0) throw new Error(`the tenants list has no Access column (${headers.join(', ')})`);
  const rows = await table.locator('tbody tr').evaluateAll(
    (trs, i) =>
      trs.map((tr) => ({
        href: tr.querySelector('a[href^="/tenants/"]')?.getAttribute('href') ?? '',
        access: (tr.children[i]?.textContent ?? '').trim(),
      })),
    col,
  );
  const total = num(
    /([\d,]+) tenants?/.exec(
      (await page
        .getByText(/^[\d,]+ tenants?[ .]/)
        .first()
        .textContent()) ?? '',
    )?.[1] ?? null,
  );
  if (rows.length !== total) throw new Error(`the tenants list shows ${rows.length} of ${total} rows on one page`);
  const ids = new Map(
    (await db.tenant.findMany({ select: { id: true, entraTenantId: true } })).map((t) => [t.id, t.entraTenantId]),
  );
  return rows.map((r) => {
    const id = r.href.split('/').pop() ?? '';
    const access = ACCESS_BY_LABEL.get(r.access);
    if (!ids.has(id) || !access) throw new Error(`a tenants list row reads "${r.access}" for ${r.href}`);
    return { where: 'the tenants list /tenants', entraTenantId: ids.get(id)!, access };
  });
}

/** The security report's rotated share, in per cent as shown (a share: never above 100); null when none is shown ("—"). */
export async function rotatedSharePercent(page: Page): Promise<number | null> {
  await page.goto('/reports/security');
  const dl = page
    .getByRole('region', { name: 'Summary' })
    .locator('dl')
    .filter({ has: page.locator('dt', { hasText: 'Rotated share' }) });
  const text = (await dl.locator('dd').first().textContent()) ?? '';
  const m = /([\d.]+)\s*%/.exec(text);
  if (!m && !/^\s*—\s*$/.test(text)) throw new Error(`the rotated share reads "${text}", neither a percentage nor "—"`);
  return m ? Number(m[1]) : null;
}

interface CliTenant {
  entraTenantId: string;
  access: string;
  statusCounts: Record<string, number>;
}
interface CliConnector {
  appId: string;
  status: string;
  tenant: { entraTenantId: string };
}

/** The same figures from `rekey … --json`: every connector's status, every tenant's access and exposure. */
export async function cliClaims(): Promise<Required<Shown>> {
  const connectors = await rekeyJson<CliConnector[]>('connectors', 'list');
  const exposed = await rekeyJson<CliConnector[]>('connectors', 'list', '--status', 'exposed');
  const tenants = await rekeyJson<CliTenant[]>('tenants', 'list');
  const noAccess = await rekeyJson<CliTenant[]>('tenants', 'list', '--access', 'no_access');
  const notRecent = await rekeyJson<CliTenant[]>('tenants', 'list', '--access', 'not_scanned_recently');
  const figures: FigureClaim[] = [
    { where: 'rekey connectors list --status exposed --json', figure: 'exposed', value: exposed.length },
    { where: 'rekey tenants list --access no_access --json', figure: 'noAccess', value: noAccess.length },
    {
      where: 'rekey tenants list --access not_scanned_recently --json',
      figure: 'notScannedRecently',
      value: notRecent.length,
    },
  ];
  const connectorClaims: ConnectorClaim[] = connectors.map((c) => ({
    where: 'rekey connectors list --json',
    entraTenantId: c.tenant.entraTenantId,
    appId: c.appId,
    status: c.status,
  }));
  const tenantClaims: TenantClaim[] = tenants.map((t) => ({
    where: 'rekey tenants list --json',
    entraTenantId: t.entraTenantId,
    access: t.access,
    exposed: (t.statusCounts.targeted ?? 0) + (t.statusCounts.compromised ?? 0),
  }));
  return { figures, connectors: connectorClaims, tenants: tenantClaims };
}

/**
 * Every claim the browser and the CLI make about the fleet: the browser's figures (overview tiles,
 * the lists behind them, the security report), the tenants list's Access column, and the CLI's
 * figures, tenants and connectors — plus `extra` connector claims (a connector page, say).
 */
export async function everyClaim(page: Page, db: Db, extra: ConnectorClaim[] = []): Promise<Required<Shown>> {
  const cli = await cliClaims();
  return {
    figures: [...(await browserClaims(page)), ...cli.figures],
    connectors: [...cli.connectors, ...extra],
    tenants: [...cli.tenants, ...(await tenantListClaims(page, db))],
  };
}

/** Waits until no rotation is in flight (a rotation holds old and new credentials for a moment). */
export async function nothingInFlight(db: Db, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const n = await db.rotation.count({ where: { state: { in: ['PENDING', 'RUNNING', 'WAITING'] } } });
    if (n === 0) return;
    if (Date.now() > until) throw new Error(`${n} rotation(s) still in flight after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
