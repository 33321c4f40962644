/**
 * Rekey's permission table (lib/graph/permissions.ts) against the simulator's (sim/graph/permissions.ts)
 * and against what the simulator actually answers: both say what Microsoft's Graph reference says.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RekeyError } from '@/lib/errors';
import {
  GRAPH_PERMISSIONS,
  RECOMMENDED_PERMISSIONS,
  needLabel,
  permits,
  type PermissionNeed,
} from '@/lib/graph/permissions';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { RULES, type SimPermissionRule } from '@/sim/graph/permissions';

/** Each Rekey need and the simulator rule that enforces the same Graph operation. */
const SAME_OPERATION: Record<PermissionNeed, keyof typeof RULES> = {
  readApplications: 'readApps',
  readFederatedCredentials: 'listFederatedCredentials',
  writeApplications: 'writeApp',
  createApplications: 'createApp',
  createServicePrincipals: 'writeSp',
  writeAppRoleAssignments: 'writeAssignments',
  readOrganization: 'readOrg',
  readSignIns: 'readSignIns',
  readAppManagementPolicy: 'readPolicy',
};

describe('the permission table', () => {
  it.each(Object.entries(SAME_OPERATION))('%s is the rule the simulator enforces (%s)', (need, simKey) => {
    const ours = GRAPH_PERMISSIONS[need as PermissionNeed];
    const sim: SimPermissionRule = RULES[simKey];
    expect([...ours.anyOf]).toEqual([...sim.anyOf]);
    expect('alsoAnyOf' in ours ? [...ours.alsoAnyOf] : undefined).toEqual(
      sim.alsoAnyOf ? [...sim.alsoAnyOf] : undefined,
    );
    expect(ours.ownedByNeedsOwnership).toBe(sim.ownedByNeedsOwnership);
  });

  it('follows Microsoft: app updates need OwnedBy or Application.ReadWrite.All, never Directory.ReadWrite.All', () => {
    expect(permits('writeApplications', ['Directory.ReadWrite.All'])).toBe('no');
    expect(permits('writeApplications', ['Application.ReadWrite.All'])).toBe('yes');
    expect(permits('writeApplications', ['Application.ReadWrite.OwnedBy'])).toBe('if-owner');
    expect(permits('writeAppRoleAssignments', ['Directory.ReadWrite.All', 'Application.ReadWrite.All'])).toBe('no');
    expect(permits('writeAppRoleAssignments', ['AppRoleAssignment.ReadWrite.All'])).toBe('no');
    expect(permits('writeAppRoleAssignments', ['AppRoleAssignment.ReadWrite.All', 'Application.Read.All'])).toBe('yes');
    expect(permits('createApplications', ['Application.ReadWrite.OwnedBy'])).toBe('yes');
    expect(needLabel('writeApplications')).toBe(
      'Application.ReadWrite.All (or Application.ReadWrite.OwnedBy as an owner of the application)',
    );
    expect(RECOMMENDED_PERMISSIONS).toEqual([
      'Application.Read.All',
      'Application.ReadWrite.All',
      'AppRoleAssignment.ReadWrite.All',
      'Organization.Read.All',
      'AuditLog.Read.All',
      'Policy.Read.All',
    ]);
  });

  it("is the README's list of permissions and redirect URIs", () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### The management app in Entra ID'), readme.indexOf('## Tests'));
    for (const p of RECOMMENDED_PERMISSIONS) expect(section).toContain(`| \`${p}\``);
    expect(section).toContain('`<REKEY_PUBLIC_URL>/auth/callback`');
    expect(section).toContain('`<REKEY_PUBLIC_URL>/tenants/consent-callback`');
    expect(section).toContain('Application.ReadWrite.OwnedBy');
    for (const need of ['writeApplications', 'readOrganization', 'writeAppRoleAssignments'] as const)
      for (const s of GRAPH_PERMISSIONS[need].sources.slice(0, 1)) expect(section).toContain(s.url);
  });

  it('cites a Microsoft Learn page for every rule', () => {
    for (const rule of Object.values(GRAPH_PERMISSIONS)) {
      expect(rule.sources.length).toBeGreaterThan(0);
      for (const s of rule.sources) expect(s.url).toMatch(/^https:\/\/learn\.microsoft\.com\/en-us\/graph\/api\//);
    }
  });
});

describe('the simulator answers as the table says', () => {
  let gs: GraphSim;
  beforeAll(async () => {
    gs = await startGraphSim({ throttling: false });
  });
  afterAll(async () => {
    await gs?.close();
  });

  it.each([
    { roles: ['Directory.ReadWrite.All'], owner: false },
    { roles: ['Application.ReadWrite.OwnedBy'], owner: false },
    { roles: ['Application.ReadWrite.OwnedBy'], owner: true },
    { roles: ['Application.ReadWrite.All'], owner: false },
  ])('updating an application with $roles (owner: $owner)', async ({ roles, owner }) => {
    const t = gs.makeTenant({ name: 'Perm Ltd', roles: [...roles, 'Organization.Read.All'] });
    const c = gs.makeConnector(t.id, { displayName: 'Perm Conn' });
    if (owner) {
      const tenant = gs.sim.admin.getTenant(t.id);
      const mgmtSp = [...tenant.servicePrincipals.values()].find((s) => s.appId === gs.manifest.managementApp.appId)!;
      tenant.applications.get(c.appObjectId)!.owners.push(mgmtSp.id);
    }
    const gw = gs.newGraph().gateway;
    const outcome = await gw
      .request(t.id, {
        method: 'PATCH',
        path: `/applications/${c.appObjectId}`,
        body: { tags: ['rekey-permission-test'] },
        operation: 'update the connector application',
        need: 'writeApplications',
      })
      .then(
        () => 'allowed',
        (e: unknown) => (e instanceof RekeyError ? e.code : String(e)),
      );
    const p = permits('writeApplications', roles);
    const expected = p === 'yes' || (p === 'if-owner' && owner) ? 'allowed' : 'PERMISSION_MISSING';
    expect(outcome).toBe(expected);
  });
});
