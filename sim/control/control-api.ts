// The /_sim/ control API (JSON) so other processes can reset, seed and stage fault storms.
// Not part of Microsoft's surface; unauthenticated (the simulator is a local test tool).
import { z } from 'zod';
import type { HttpResult } from '../entra/aad-error';
import type { SimHandle } from '../sim-handle-types';
import { plantConnector, PlantConnectorSchema } from './plant-connector';

const Target = z.enum(['graph', 'token', 'all']);
const FaultsSchema = z.object({
  failNext: z
    .object({
      count: z.number().int().min(0),
      status: z.number().int().min(400).max(599),
      retryAfterSeconds: z.number().min(0).nullable().optional(),
      target: Target.optional(),
    })
    .optional(),
  failFraction: z
    .object({
      fraction: z.number().min(0).max(1),
      status: z.number().int().min(400).max(599),
      retryAfterSeconds: z.number().min(0).nullable().optional(),
      target: Target.optional(),
    })
    .optional(),
  latencyMs: z.number().min(0).optional(),
  latencyJitterMs: z.number().min(0).optional(),
  tokenEndpointDownSeconds: z.number().min(0).optional(),
  dropConnections: z.object({ fraction: z.number().min(0).max(1), target: Target.optional() }).optional(),
});
const SeedSchema = z.object({ tenants: z.number().int().min(1).max(10_000).optional() });
const ThrottlingSchema = z.object({ enabled: z.boolean(), limits: z.record(z.string(), z.unknown()).optional() });
const ClockSchema = z.object({ advanceMs: z.number() });
const ReplicationSchema = z.object({
  enabled: z.boolean().optional(),
  minLagMs: z.number().int().min(0).optional(),
  maxLagMs: z.number().int().min(0).optional(),
  seed: z.string().min(1).optional(),
});
const PremiumSchema = z.object({ premium: z.boolean() });
const SpStateSchema = z.object({
  appId: z.string(),
  accountEnabled: z.boolean().optional(),
  conditionalAccessBlock: z.string().min(1).nullable().optional(),
});
const RevokeSchema = z.object({
  appId: z.string(),
  mode: z.enum(['delete-service-principal', 'remove-app-roles']).optional(),
});
const GrantSchema = z.object({
  appId: z.string(),
  roles: z.array(z.string()).min(1),
  resourceAppId: z.string().optional(),
});
const KeySchema = z.object({
  appId: z.string(),
  target: z.enum(['application', 'servicePrincipal']).optional(),
  certificate: z.string(),
  startDateTime: z.string().optional(),
  endDateTime: z.string().optional(),
  keyId: z.string().optional(),
});
const PasswordSchema = z.object({
  appId: z.string(),
  target: z.enum(['application', 'servicePrincipal']).optional(),
  displayName: z.string().optional(),
  startDateTime: z.string().optional(),
  endDateTime: z.string().optional(),
});
const FederatedSchema = z.object({
  appId: z.string(),
  name: z.string(),
  issuer: z.string(),
  subject: z.string(),
  audiences: z.array(z.string()).optional(),
  description: z.string().optional(),
});

const json = (status: number, body: unknown): HttpResult => ({
  status,
  headers: { 'cache-control': 'no-store' },
  body,
});

function parse<T>(schema: z.ZodType<T>, body: Buffer): T {
  const raw: unknown = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
  return schema.parse(raw);
}

export async function handleControl(
  sim: SimHandle,
  method: string,
  path: string,
  query: URLSearchParams,
  body: Buffer,
): Promise<HttpResult> {
  try {
    const parts = path.split('/').filter(Boolean).slice(1); // drop "_sim"
    const route = `${method} /${parts.join('/')}`;
    if (route === 'GET /health') return json(200, { ok: true, url: sim.url, tenants: sim.state.tenants.size });
    if (route === 'GET /manifest')
      return sim.manifest ? json(200, sim.manifest) : json(404, { error: 'no fleet seeded' });
    if (route === 'POST /reset') {
      sim.reset();
      return json(200, { ok: true, tenants: sim.state.tenants.size });
    }
    if (route === 'POST /seed') {
      const input = parse(SeedSchema, body);
      const m = sim.admin.seedDemo(input.tenants);
      return json(200, { ok: true, tenants: m.tenants.length, manifestPath: sim.manifestPath });
    }
    if (route === 'GET /faults') return json(200, sim.faults.state());
    if (route === 'DELETE /faults') {
      sim.faults.clear();
      return json(200, sim.faults.state());
    }
    if (route === 'POST /faults') {
      const f = parse(FaultsSchema, body);
      if (f.failNext)
        sim.faults.failNext(f.failNext.count, f.failNext.status, {
          retryAfterSeconds: f.failNext.retryAfterSeconds,
          target: f.failNext.target,
        });
      if (f.failFraction)
        sim.faults.failFraction(
          f.failFraction.fraction,
          f.failFraction.status,
          f.failFraction.retryAfterSeconds ?? 1,
          f.failFraction.target,
        );
      if (f.latencyMs !== undefined) sim.faults.latency(f.latencyMs, f.latencyJitterMs);
      if (f.tokenEndpointDownSeconds !== undefined) sim.faults.tokenEndpointDown(f.tokenEndpointDownSeconds);
      if (f.dropConnections) sim.faults.dropConnections(f.dropConnections.fraction, f.dropConnections.target);
      return json(200, sim.faults.state());
    }
    if (route === 'POST /throttling') {
      const t = parse(ThrottlingSchema, body);
      sim.admin.setThrottling(t.enabled, t.limits as never);
      return json(200, { ok: true });
    }
    if (route === 'GET /replication') return json(200, sim.context.replication.config);
    if (route === 'POST /replication') {
      sim.admin.setReplication(parse(ReplicationSchema, body));
      return json(200, sim.context.replication.config);
    }
    if (route === 'POST /clock') {
      sim.admin.advanceClock(parse(ClockSchema, body).advanceMs);
      return json(200, { ok: true });
    }
    if (route === 'POST /flush') {
      sim.admin.flush();
      return json(200, { ok: true });
    }
    if (parts[0] === 'tenants' && parts[1]) {
      const tenantId = parts[1];
      const action = `${method} ${parts.slice(2).join('/')}`;
      if (action === 'GET sign-ins') {
        const list = sim.admin.listSignIns(tenantId, { appId: query.get('appId') ?? undefined });
        const top = Number(query.get('top') ?? 100);
        return json(200, { value: list.slice(0, top) });
      }
      if (action === 'POST premium') {
        sim.admin.setPremium(tenantId, parse(PremiumSchema, body).premium);
        return json(200, { ok: true });
      }
      if (action === 'POST service-principal-state') {
        const st = parse(SpStateSchema, body);
        sim.admin.setServicePrincipalState(tenantId, st.appId, st);
        return json(200, { ok: true });
      }
      if (action === 'POST revoke-consent') {
        const r = parse(RevokeSchema, body);
        sim.admin.revokeConsent(tenantId, r.appId, r.mode);
        return json(200, { ok: true });
      }
      if (action === 'POST grant-consent') {
        const g = parse(GrantSchema, body);
        return json(200, { value: sim.admin.grantAppRoles(tenantId, g.appId, g.roles, g.resourceAppId) });
      }
      if (action === 'POST key-credentials') {
        const k = parse(KeySchema, body);
        const cred = sim.admin.addKeyCredentialDirect(tenantId, k);
        return json(200, { keyId: cred.keyId, startDateTime: cred.startDateTime, endDateTime: cred.endDateTime });
      }
      if (action === 'POST password-credentials')
        return json(200, sim.admin.addPasswordCredentialDirect(tenantId, parse(PasswordSchema, body)));
      if (action === 'POST password-credentials/remove')
        return json(200, {
          removed: sim.admin.removePasswordCredentialDirect(
            tenantId,
            parse(PasswordSchema.pick({ appId: true, target: true }).extend({ keyId: z.string() }), body),
          ),
        });
      if (action === 'POST connector-apps')
        return json(200, plantConnector(sim, tenantId, parse(PlantConnectorSchema, body)));
      if (action === 'POST federated-credentials')
        return json(200, sim.admin.addFederatedCredentialDirect(tenantId, parse(FederatedSchema, body)));
    }
    return json(404, { error: `unknown control route ${method} ${path}` });
  } catch (err) {
    if (err instanceof z.ZodError) return json(400, { error: 'invalid body', issues: err.issues });
    if (err instanceof SyntaxError) return json(400, { error: 'invalid JSON' });
    return json(400, { error: err instanceof Error ? err.message : String(err) });
  }
}
