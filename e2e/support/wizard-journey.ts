/**
 * Shared by the wizard journeys (e2e/wizard*.spec.ts): the stack's database and the simulator's
 * view of a connector's keys, and the wizard's URL and Preflight step.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { E2E_DATA_DIR } from '../../playwright.config';
import { expect } from '../fixtures';
import { appsHoldingThumbprints, getJson, type SimManifest } from './simulator-truth';
import { queryStack } from './stack-database';

export const dataDir = path.resolve(import.meta.dirname, '..', '..', E2E_DATA_DIR);
export const query = <T>(sql: string, params: unknown[] = []) => queryStack<T>(dataDir, sql, params);
export const runtime = () =>
  JSON.parse(fs.readFileSync(path.join(dataDir, 'runtime.json'), 'utf8')) as {
    microsoft365: { authorityHost: string; caPath: string };
  };

export interface Target {
  id: string;
  name: string;
  appId: string;
  entraTenantId: string;
  region: string;
  sha1: string;
}

/** A compromised connector no spec has rotated, in a consented tenant (last by tenant name: truth takes the first). */
export async function untouchedCompromisedConnector(skip: string[] = []): Promise<Target> {
  const [c] = await query<Target>(
    `SELECT c.id, c."displayName" AS name, c."appId", t."entraTenantId", t.region, upper(cert."sha1Thumbprint") AS sha1
     FROM "Connector" c JOIN "Tenant" t ON t.id = c."tenantId" JOIN "Certificate" cert ON cert.id = c."currentCertificateId"
     WHERE c.status = 'compromised' AND t."consentState" = 'consented'
       AND NOT EXISTS (SELECT 1 FROM "Rotation" r WHERE r."connectorId" = c.id)
       AND NOT (c.id = ANY($1::uuid[]))
     ORDER BY t."displayName" DESC, c."displayName" LIMIT 1`,
    [skip],
  );
  expect(c, 'an untouched compromised connector').toBeTruthy();
  return c!;
}

export async function simHolds(t: Target, sha1: string): Promise<boolean> {
  const r = runtime();
  const ca = fs.readFileSync(r.microsoft365.caPath, 'utf8');
  const sim = r.microsoft365.authorityHost;
  const manifest = (await getJson<SimManifest>(`${sim}/_sim/manifest`, ca)).body;
  const { holding } = await appsHoldingThumbprints({ simUrl: sim, ca, manifest, thumbprints: new Set([sha1]) });
  return holding.has(`${t.entraTenantId}/${t.appId}`);
}

export async function simFaults(request: APIRequestContext, body: Record<string, unknown> | null): Promise<void> {
  const sim = runtime().microsoft365.authorityHost;
  const res = body
    ? await request.post(`${sim}/_sim/faults`, { data: body, ignoreHTTPSErrors: true })
    : await request.delete(`${sim}/_sim/faults`, { ignoreHTTPSErrors: true });
  expect(res.ok(), await res.text()).toBe(true);
}

export const wizard = (t: Target, extra: Record<string, string> = {}) =>
  `/rotations/new?${new URLSearchParams({ connector: t.id, ...extra }).toString()}`;

/** From the Preflight step: waits for the checks to pass and goes on to Confirm. */
export async function passPreflight(page: Page): Promise<void> {
  await expect(page.getByRole('list', { name: 'Preflight checks' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/^Every check passed/)).toBeVisible();
  await page.getByRole('link', { name: 'Next: Confirm' }).click();
  await expect(page.getByRole('list', { name: 'Steps Rekey will run' })).toBeVisible();
}
