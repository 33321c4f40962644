/**
 * `npm start` heals (issue #19): kill -9 both job workers and the simulator while a rotation is
 * running. The dashboard keeps answering, the supervisor starts new workers and a new simulator
 * (an admin sees them in /api/health), the rotation finishes, and the simulator confirms the
 * compromised credential is gone and a new one is in place.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, signIn, test, USERS } from './fixtures';
import { SUPERVISION_TENANT as TENANT } from './support/reserved-tenants';

const SIM = `https://localhost:${process.env.E2E_SIM_PORT ?? '4453'}`;
const DATA_DIR = process.env.E2E_DATA_DIR ?? '.data/e2e';
const CONNECTOR = 'Continuity Monitor';

interface Health {
  workers: { pid: number }[];
  supervisors: {
    children: { name: string; pid: number | null; running: boolean; restarts: number; crashLoop: boolean }[];
  }[];
}

async function health(admin: APIRequestContext): Promise<Health> {
  const res = await admin.get('/api/health');
  expect(res.status()).toBe(200);
  return (await res.json()) as Health;
}

const childPid = (h: Health, name: string) => h.supervisors[0]!.children.find((c) => c.name === name)?.pid ?? null;

async function sim(request: APIRequestContext, method: 'POST' | 'DELETE', route: string, data?: object) {
  const res = await request.fetch(`${SIM}/_sim/${route}`, { method, data, ignoreHTTPSErrors: true });
  expect(res.ok(), await res.text()).toBe(true);
}

async function walkToConfirm(page: Page): Promise<void> {
  await page.goto(`/connectors?q=${encodeURIComponent(TENANT)}`);
  await page.getByRole('link', { name: CONNECTOR, exact: true }).click();
  await page.getByRole('link', { name: 'Rotate', exact: true }).click();
  await page.getByRole('radio', { name: /^Rotate key/ }).check();
  await page.getByRole('button', { name: 'Next: New certificate' }).click();
  await expect(page.getByRole('radio', { name: /Region’s replacement/ })).toBeChecked();
  await page.getByRole('button', { name: 'Next: Preflight' }).click();
  await expect(page.getByText(/^Every check passed/)).toBeVisible();
  await page.getByRole('link', { name: 'Next: Confirm' }).click();
  await expect(page.getByRole('list', { name: 'Steps Rekey will run' })).toBeVisible();
}

/** The connector app's credentials as the simulator holds them (its persisted state, flushed first). */
async function credentialsInTenant(request: APIRequestContext): Promise<{ keyIds: string[]; originalKeyId: string }> {
  const manifest = JSON.parse(fs.readFileSync(path.join(DATA_DIR, 'sim', 'fleet.json'), 'utf8')) as {
    tenants: { id: string; name: string; connectors: { displayName: string; appId: string; keyId: string }[] }[];
  };
  const tenant = manifest.tenants.find((t) => t.name.startsWith(TENANT))!;
  const connector = tenant.connectors.find((c) => c.displayName === CONNECTOR)!;
  await sim(request, 'POST', 'flush');
  const state = JSON.parse(fs.readFileSync(path.join(DATA_DIR, 'sim', 'state.json'), 'utf8')) as {
    tenants: { id: string; applications: { appId: string; keyCredentials: { keyId: string }[] }[] }[];
  };
  const app = state.tenants.find((t) => t.id === tenant.id)!.applications.find((a) => a.appId === connector.appId)!;
  return { keyIds: app.keyCredentials.map((k) => k.keyId), originalKeyId: connector.keyId };
}

test('kill -9 of both workers and the simulator mid-rotation: the dashboard answers, they come back, the rotation completes', async ({
  page,
  browser,
  request,
}) => {
  test.setTimeout(300_000);
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await signIn(adminPage, USERS.admin, '/');
  const admin = adminPage.request;
  const before = await health(admin);
  const killed = {
    workers: [childPid(before, 'worker 1')!, childPid(before, 'worker 2')!],
    simulator: childPid(before, 'simulator')!,
  };
  expect(killed.workers.every(Boolean) && killed.simulator).toBeTruthy();
  const initial = await credentialsInTenant(request);
  expect(initial.keyIds).toContain(initial.originalKeyId);

  await signIn(page, USERS.operator, '/');
  await walkToConfirm(page);
  // Slow Graph down so the rotation is still running when its workers die (the restarted
  // simulator starts without this fault).
  await sim(request, 'POST', 'faults', { latencyMs: 1500 });
  try {
    await page.getByRole('button', { name: 'Start rotation' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Start rotation' }).click();
    await expect(page).toHaveURL(/\/rotations\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('heading', { level: 1 })).not.toContainText(/Succeeded|Failed|Needs attention/);
    // The simulator's writes so far are durable, as Microsoft's are (its state file is otherwise
    // written a second after a change); then everything but the web app dies at once.
    await sim(request, 'POST', 'flush');
  } catch (e) {
    await sim(request, 'DELETE', 'faults');
    throw e;
  }
  for (const pid of [...killed.workers, killed.simulator]) process.kill(pid, 'SIGKILL');
  const heading = page.getByRole('heading', { level: 1 });

  // The dashboard keeps answering while they are down and restarting.
  const overview = await adminPage.goto('/');
  expect(overview!.status()).toBe(200);
  await expect(adminPage.getByRole('heading', { level: 1 })).toBeVisible();

  // New processes appear: the supervisor restarted each one (after a 1 s backoff).
  await expect
    .poll(
      async () => {
        const h = await health(admin);
        const children = h.supervisors[0]!.children;
        return {
          restarted: ['worker 1', 'worker 2', 'simulator'].every((n) => {
            const c = children.find((x) => x.name === n)!;
            return c.running && c.restarts >= 1 && !Object.values(killed).flat().includes(c.pid!);
          }),
          liveWorkers: h.workers.filter((w) => !killed.workers.includes(w.pid)).length,
          crashLoop: children.some((c) => c.crashLoop),
        };
      },
      { timeout: 90_000 },
    )
    .toEqual({ restarted: true, liveWorkers: 2, crashLoop: false });

  // The rotation started before the kill completes.
  await expect(heading).toContainText('Succeeded', { timeout: 180_000 });

  // The simulator agrees: the compromised credential is gone, a new one is there.
  const after = await credentialsInTenant(request);
  expect(after.keyIds).not.toContain(after.originalKeyId);
  expect(after.keyIds.length).toBeGreaterThanOrEqual(1);

  // The web action that started it is in the audit log with the client's address.
  const csv = await (await admin.get('/audit/export?action=rotation.started')).text();
  const [header, newest] = csv.trim().split('\r\n');
  const clientIp = newest!.split(',')[header!.split(',').indexOf('clientIp')]!.replace(/^"|"$/g, '');
  expect(clientIp).toMatch(/^(127\.0\.0\.1|::1)$/);
  await adminContext.close();
});
