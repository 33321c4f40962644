/**
 * Test wiring: an in-process simulator (sim/testing/start-test-sim) and a GraphEnvironment built
 * exactly as production builds it, only with the simulator's URL as authority host and Graph
 * endpoint. Used by lib/graph and lib/tenants tests only.
 */
import fs from 'node:fs';
import type { SimHandle, StartSimulatorOptions } from '@/sim/server';
import { startTestSim } from '@/sim/testing/start-test-sim';
import type { FleetManifest, ManifestTenant } from '@/sim/seed/fleet-manifest';
import { createGraphEnvironment, type GraphEnvironment } from '@/lib/graph/graph-environment';
import type { GraphLimits } from '@/lib/graph/graph-gateway';

export interface GraphSim {
  sim: SimHandle;
  manifest: FleetManifest;
  graph: GraphEnvironment;
  /** A fresh environment (new MSAL client, new budget) with other limits. */
  newGraph(limits?: Partial<GraphLimits>): GraphEnvironment;
  tenant(scenario?: string): ManifestTenant;
  /** A healthy, consented, premium tenant with at least one connector. */
  healthyTenant(): ManifestTenant;
  certificate(name: string): { certificatePem: string; privateKeyPem: string | null; sha1: string };
  /** A fresh tenant with the management app consented (default: the demo fleet's roles). */
  makeTenant(input: { name: string; roles?: string[]; premium?: boolean; consented?: boolean }): {
    id: string;
    name: string;
    domain: string;
  };
  /** A connector app (+ service principal) holding `certificates`, with app roles granted per `graphRoles`. */
  makeConnector(
    tenantId: string,
    input: { displayName: string; certificates?: string[]; graphRoles?: string[] },
  ): { appId: string; appObjectId: string; spObjectId: string };
  close(): Promise<void>;
}

const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
let counter = 0;

export const FAST_RETRIES: Partial<GraphLimits> = { baseRetryDelayMs: 20, maxRetryDelayMs: 2_000 };

export async function startGraphSim(
  opts: StartSimulatorOptions & { limits?: Partial<GraphLimits> } = {},
): Promise<GraphSim> {
  const sim = await startTestSim(opts);
  const manifest = sim.manifest;
  if (!manifest) throw new Error('the test simulator has no demo manifest');
  const m = manifest.managementApp;
  const newGraph = (limits: Partial<GraphLimits> = {}) =>
    createGraphEnvironment({
      clientId: m.appId,
      certificatePem: fs.readFileSync(m.certificatePath, 'utf8'),
      privateKeyPem: fs.readFileSync(m.privateKeyPath, 'utf8'),
      authorityHost: sim.url,
      graphEndpoint: sim.url,
      graphResource: 'https://graph.microsoft.com',
      consentRedirectUri: opts.managementRedirectUris?.find((u) => u.endsWith('/tenants/consent-callback')),
      limits: { ...FAST_RETRIES, ...opts.limits, ...limits },
    });
  const tenant = (scenario?: string) => {
    const t = manifest.tenants.find((x) =>
      scenario ? x.scenarios.includes(scenario) : x.scenarios.length === 0 && x.connectors.length > 0,
    );
    if (!t) throw new Error(`no tenant with scenario ${scenario ?? '(none)'}`);
    return t;
  };
  return {
    sim,
    manifest,
    graph: newGraph(),
    newGraph,
    tenant,
    healthyTenant: () => tenant(),
    certificate(name) {
      const c = manifest.vendor.certificates.find((x) => x.name === name);
      if (!c) throw new Error(`no certificate ${name}`);
      return {
        certificatePem: fs.readFileSync(c.certificatePath, 'utf8'),
        privateKeyPem: c.privateKeyPath ? fs.readFileSync(c.privateKeyPath, 'utf8') : null,
        sha1: c.thumbprintSha1,
      };
    },
    makeTenant(input) {
      const slug = `${input.name.toLowerCase().replace(/[^a-z0-9]+/g, '')}${++counter}${Date.now() % 100000}`;
      const t = sim.admin.createTenant({
        displayName: input.name,
        domain: `${slug}.onmicrosoft.com`,
        premium: input.premium ?? true,
      });
      if (input.consented !== false) {
        sim.admin.addServicePrincipal(t.id, m.appId);
        sim.admin.grantAppRoles(t.id, m.appId, input.roles ?? m.graphRoles);
      }
      return { id: t.id, name: input.name, domain: `${slug}.onmicrosoft.com` };
    },
    makeConnector(tenantId, input) {
      const roles = input.graphRoles ?? ['Organization.Read.All'];
      const graphRoleIds = roles.map((r) => {
        const sp = [...sim.admin.getTenant(tenantId).servicePrincipals.values()].find((x) => x.appId === GRAPH_APP_ID);
        const role = sp?.appRoles.find((a) => a.value === r);
        if (!role) throw new Error(`unknown Graph role ${r}`);
        return { id: role.id, type: 'Role' };
      });
      const app = sim.admin.createApplication(tenantId, {
        displayName: input.displayName,
        requiredResourceAccess: [{ resourceAppId: GRAPH_APP_ID, resourceAccess: graphRoleIds }],
      });
      const sp = sim.admin.addServicePrincipal(tenantId, app.appId);
      if (roles.length) sim.admin.grantAppRoles(tenantId, app.appId, roles);
      for (const c of input.certificates ?? [])
        sim.admin.addKeyCredentialDirect(tenantId, { appId: app.appId, certificate: c });
      return { appId: app.appId, appObjectId: app.id, spObjectId: sp.id };
    },
    close: () => sim.close(),
  };
}
