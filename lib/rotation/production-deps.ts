/** The production wiring of the rotation engine: lib/graph from the environment and lib/vault. */
import { db } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { getGraphEnvironment } from '@/lib/graph/graph-environment';
import { openForCertificate } from '@/lib/vault/key-ring';
import { createGraphPortAdapter } from '@/lib/rotation/graph-port-adapter';
import { defaultDepsPart } from '@/lib/rotation/rotation-deps-defaults';
import type { RotationDeps } from '@/lib/rotation/rotation-deps';
import type { RotationGraphPort } from '@/lib/rotation/graph-port';
import { env } from '@/lib/env';
import { delegatedAppConfigFromEnv } from '@/lib/invitations/delegated-app';
import {
  createDelegatedGraphPort,
  createDelegatedTokenSource,
  withDelegatedTenants,
} from '@/lib/invitations/delegated-tokens';

/**
 * With the delegated-rotation app configured, a tenant whose customer admin's token Rekey holds
 * (an invitation's rotation, ADR 027) is reached with that token; all others with the management app's.
 */
function withCustomerDelegatedTokens(management: RotationGraphPort): RotationGraphPort {
  const e = env();
  if (!e.REKEY_DELEGATED_CLIENT_ID) return management;
  const graph = getGraphEnvironment();
  // The engine's database: the process's one client, as for everything else the engine reads.
  const source = createDelegatedTokenSource(db, delegatedAppConfigFromEnv(e));
  return withDelegatedTenants(management, createDelegatedGraphPort(source, graph), source);
}

export function createProductionRotationDeps(): RotationDeps {
  return {
    ...defaultDepsPart,
    graph: withCustomerDelegatedTokens(createGraphPortAdapter(getGraphEnvironment())),
    async openKey(k) {
      try {
        return {
          certificatePem: k.certificatePem,
          privateKeyPem: openForCertificate(k.sealedPrivateKey, k.sha256Thumbprint),
        };
      } catch (e) {
        // A key Rekey stores but cannot open is a configuration problem (wrong master key), not
        // "no key": say so rather than silently falling back to PATCH and presence checks.
        throw new RekeyError(
          'CONFIG',
          `The stored private key of certificate ${k.sha256Thumbprint.slice(0, 16)}… cannot be opened: ${(e as Error).message} Check REKEY_MASTER_KEY / REKEY_MASTER_KEY_PREVIOUS (or the key file under REKEY_DATA_DIR).`,
        );
      }
    },
  };
}
