/**
 * The process-wide Graph wiring from the environment: the management app's token provider and the
 * one gateway everything shares. Nothing here knows whether it talks to Microsoft or to sim/ —
 * only REKEY_AUTHORITY_HOST / REKEY_GRAPH_ENDPOINT (or REKEY_CLOUD) differ; the resource tokens are
 * requested for (REKEY_GRAPH_RESOURCE) follows the cloud, not the endpoint.
 */
import { readFileSync } from 'node:fs';
import { RekeyError } from '@/lib/errors';
import { defaultPublicUrl, env } from '@/lib/env';
import { createGraphGateway, pressureOf, type GraphGateway, type GraphLimits } from '@/lib/graph/graph-gateway';
import { createTokenProvider } from '@/lib/graph/token-provider';

export interface GraphEnvironment {
  gateway: GraphGateway;
  authorityHost: string;
  graphEndpoint: string;
  graphResource: string;
  /** The management app's client id. */
  clientId: string;
  /** Where Entra sends the admin back after admin consent (registered on the management app). */
  consentRedirectUri?: string;
}

let cached: GraphEnvironment | undefined;

export function createGraphEnvironment(opts: {
  clientId: string;
  certificatePem: string;
  privateKeyPem: string;
  authorityHost: string;
  graphEndpoint: string;
  graphResource: string;
  consentRedirectUri?: string;
  limits?: Partial<GraphLimits>;
}): GraphEnvironment {
  const tokenProvider = createTokenProvider(opts);
  return {
    gateway: createGraphGateway({ tokenProvider, graphEndpoint: opts.graphEndpoint, limits: opts.limits }),
    authorityHost: opts.authorityHost,
    graphEndpoint: opts.graphEndpoint,
    graphResource: opts.graphResource,
    clientId: opts.clientId,
    consentRedirectUri: opts.consentRedirectUri,
  };
}

export function getGraphEnvironment(): GraphEnvironment {
  if (cached) return cached;
  const e = env();
  if (!e.REKEY_MGMT_CLIENT_ID || !e.REKEY_MGMT_CERT_PATH || !e.REKEY_MGMT_KEY_PATH) {
    throw new RekeyError(
      'CONFIG',
      'The management app is not configured: set REKEY_MGMT_CLIENT_ID, REKEY_MGMT_CERT_PATH and REKEY_MGMT_KEY_PATH (or start Rekey with the simulator).',
    );
  }
  const read = (p: string, what: string) => {
    try {
      return readFileSync(p, 'utf8');
    } catch (err) {
      throw new RekeyError('CONFIG', `Cannot read the management app's ${what} at ${p}: ${(err as Error).message}`);
    }
  };
  cached = createGraphEnvironment({
    clientId: e.REKEY_MGMT_CLIENT_ID,
    certificatePem: read(e.REKEY_MGMT_CERT_PATH, 'certificate (REKEY_MGMT_CERT_PATH)'),
    privateKeyPem: read(e.REKEY_MGMT_KEY_PATH, 'private key (REKEY_MGMT_KEY_PATH)'),
    authorityHost: e.authorityHost,
    graphEndpoint: e.graphEndpoint,
    graphResource: e.graphResource,
    // Always sent: without it Entra falls back to the first registered URI (usually /auth/callback).
    consentRedirectUri: `${(e.REKEY_PUBLIC_URL ?? defaultPublicUrl(e)).replace(/\/+$/, '')}/tenants/consent-callback`,
  });
  return cached;
}

/** For tests and for a configuration change. */
export function resetGraphEnvironment(): void {
  cached = undefined;
}

/**
 * How a fleet-wide run (consent checks, discovery, sign-in and drift scans of every tenant) keeps
 * tenants in flight: adapted to Graph's throttling and the gateway's budget waits (mapAdaptive),
 * up to the gateway's global concurrency and never more than this process's database pool
 * (REKEY_DB_POOL, default 10: each tenant's writes take a connection).
 */
export function fleetRunLimits(): { pressure: () => number; max: number } {
  const { gateway } = getGraphEnvironment();
  const pool = Number(process.env.REKEY_DB_POOL ?? 10);
  return { pressure: pressureOf(gateway), max: Math.max(1, Math.min(gateway.limits.globalConcurrency, pool)) };
}
