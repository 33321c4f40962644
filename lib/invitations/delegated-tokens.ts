/**
 * A customer admin's delegated tokens, held sealed (lib/invitations/sealed-token.ts, master key of
 * lib/vault) only while their invitation needs them (ADR 027), and the token source the rotation
 * engine uses for that tenant while they exist: a TokenProvider that reads the row, refreshes the
 * access token through MSAL (the sealed MSAL cache holds the refresh token) when it is about to
 * expire, and says "sign in again" when it cannot. `withDelegatedTenants` routes a rotation
 * port's calls for a tenant with a held delegated token through that source; every other tenant
 * keeps the management app's.
 */
import { RekeyError } from '@/lib/errors';
import type { Db } from '@/lib/db';
import { createGraphGateway } from '@/lib/graph/graph-gateway';
import type { TokenProvider } from '@/lib/graph/token-provider';
import { decodeJwtClaims } from '@/lib/graph/msal-options';
import type { GraphEnvironment } from '@/lib/graph/graph-environment';
import { createGraphPortAdapter } from '@/lib/rotation/graph-port-adapter';
import type { RotationGraphPort, TenantRef } from '@/lib/rotation/graph-port';
import { currentKeyRing } from '@/lib/vault/key-ring';
import type { MasterKeyRing } from '@/lib/vault/master-key';
import { delegatedClient, delegatedScopes, type DelegatedAppConfig } from '@/lib/invitations/delegated-app';
import { openToken, sealToken } from '@/lib/invitations/sealed-token';
import type { GraphAccess } from '@/lib/use-case';

/** Refresh when fewer than this many ms remain. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export const SIGN_IN_AGAIN =
  "The customer administrator's sign-in for this tenant has ended. The rotation waits: open the invitation link and sign in again to continue.";

export async function storeDelegatedToken(
  db: Pick<Db, 'delegatedToken'>,
  input: { invitationId: string; entraTenantId: string; accessToken: string; expiresOn: Date; cache: string },
  ring: MasterKeyRing = currentKeyRing(),
): Promise<void> {
  const data = {
    entraTenantId: input.entraTenantId,
    sealedAccessToken: sealToken(input.accessToken, input.invitationId, ring),
    sealedRefreshToken: sealToken(input.cache, input.invitationId, ring),
    accessTokenExpiresAt: input.expiresOn,
  };
  await db.delegatedToken.upsert({
    where: { invitationId: input.invitationId },
    create: { invitationId: input.invitationId, ...data },
    update: data,
  });
}

/** Forgets the tokens (idempotent). Returns whether a row was deleted. */
export async function deleteDelegatedToken(db: Pick<Db, 'delegatedToken'>, invitationId: string): Promise<boolean> {
  const r = await db.delegatedToken.deleteMany({ where: { invitationId } });
  return r.count > 0;
}

export interface DelegatedTokenSource {
  provider: TokenProvider;
  /** Whether Rekey holds a delegated token for this Entra tenant now. */
  holds(tenantId: string): Promise<boolean>;
  /** The delegated permissions (`scp`) of the held token. */
  scopes(tenantId: string): Promise<string[]>;
}

/** The token source over the held rows in `db` (the process's client, or a test's). */
export function createDelegatedTokenSource(
  db: Db,
  cfg: DelegatedAppConfig,
  opts: { ring?: () => MasterKeyRing; clock?: () => number } = {},
): DelegatedTokenSource {
  const ring = opts.ring ?? currentKeyRing;
  const clock = opts.clock ?? Date.now;
  const stats = { msalCalls: 0, cacheHits: 0, cached: 0 };

  async function rowFor(tenantId: string) {
    return db.delegatedToken.findFirst({
      where: { entraTenantId: tenantId.toLowerCase() },
      orderBy: { createdAt: 'desc' },
    });
  }

  async function token(tenantId: string): Promise<string> {
    const row = await rowFor(tenantId);
    if (!row) throw new RekeyError('UNAUTHENTICATED', SIGN_IN_AGAIN, { reason: 'no_delegated_token' });
    const keys = ring();
    if (row.accessTokenExpiresAt.getTime() - clock() > REFRESH_MARGIN_MS) {
      stats.cacheHits += 1;
      return openToken(row.sealedAccessToken, row.invitationId, keys);
    }
    if (!row.sealedRefreshToken) throw new RekeyError('UNAUTHENTICATED', SIGN_IN_AGAIN, { reason: 'no_refresh_token' });
    const cca = delegatedClient(cfg, tenantId);
    await cca.getTokenCache().deserialize(openToken(row.sealedRefreshToken, row.invitationId, keys));
    const [account] = await cca.getTokenCache().getAllAccounts();
    stats.msalCalls += 1;
    const result = account
      ? await cca.acquireTokenSilent({ account, scopes: delegatedScopes(cfg), forceRefresh: true }).catch(() => null)
      : null;
    if (!result?.accessToken) throw new RekeyError('UNAUTHENTICATED', SIGN_IN_AGAIN, { reason: 'refresh_failed' });
    await storeDelegatedToken(
      db,
      {
        invitationId: row.invitationId,
        entraTenantId: row.entraTenantId,
        accessToken: result.accessToken,
        expiresOn: result.expiresOn ?? new Date(clock() + 3_000_000),
        cache: await cca.getTokenCache().serialize(),
      },
      keys,
    );
    return result.accessToken;
  }

  const provider: TokenProvider = {
    clientId: cfg.clientId,
    authorityHost: cfg.authorityHost,
    graphResource: cfg.graphResource,
    getToken: (tenantId) => token(tenantId),
    consentUrl: () => '',
    forget: () => undefined,
    stats,
  };
  return {
    provider,
    async holds(tenantId) {
      return (await rowFor(tenantId)) !== null;
    },
    async scopes(tenantId) {
      const scp = decodeJwtClaims(await token(tenantId)).scp;
      return typeof scp === 'string' ? scp.split(' ').filter(Boolean) : [];
    },
  };
}

/** The rotation port over a delegated token source (its own gateway: limits per tenant as usual). */
export function createDelegatedGraphPort(
  source: DelegatedTokenSource,
  env: Pick<GraphEnvironment, 'graphEndpoint' | 'graphResource' | 'authorityHost'>,
): RotationGraphPort {
  const gateway = createGraphGateway({ tokenProvider: source.provider, graphEndpoint: env.graphEndpoint });
  const port = createGraphPortAdapter({ ...env, gateway, clientId: source.provider.clientId });
  // A delegated token carries its permissions in `scp`, not `roles`.
  return { ...port, grantedRoles: (t: TenantRef) => source.scopes(t.id) };
}

/**
 * Graph access (`ctx.graph`, lib/use-case.ts) with the customer admin's delegated token, for what
 * Rekey reads in their tenant on their behalf (discoverInvitedConnection): its own gateway, the
 * delegated-rotation app's client id.
 */
export function delegatedGraphAccess(
  source: Pick<DelegatedTokenSource, 'provider'>,
  env: Pick<GraphEnvironment, 'graphEndpoint' | 'graphResource' | 'authorityHost'>,
): GraphAccess {
  const gateway = createGraphGateway({ tokenProvider: source.provider, graphEndpoint: env.graphEndpoint });
  const graph: GraphEnvironment = { ...env, gateway, clientId: source.provider.clientId };
  return () => graph;
}

function tenantOf(arg: unknown): string | null {
  if (!arg || typeof arg !== 'object') return null;
  const a = arg as { id?: unknown; tenant?: { id?: unknown } };
  if (a.tenant && typeof a.tenant.id === 'string') return a.tenant.id;
  return typeof a.id === 'string' ? a.id : null;
}

/** Routes each call for a tenant whose admin's delegated token Rekey holds through `delegated`. */
export function withDelegatedTenants(
  management: RotationGraphPort,
  delegated: RotationGraphPort,
  source: Pick<DelegatedTokenSource, 'holds'>,
): RotationGraphPort {
  const routed = {} as Record<string, unknown>;
  for (const name of Object.keys(management) as (keyof RotationGraphPort)[]) {
    routed[name] = async (...args: unknown[]) => {
      const tenantId = tenantOf(args[0]);
      const port = tenantId && (await source.holds(tenantId)) ? delegated : management;
      return (port[name] as (...a: unknown[]) => Promise<unknown>)(...args);
    };
  }
  return routed as unknown as RotationGraphPort;
}
