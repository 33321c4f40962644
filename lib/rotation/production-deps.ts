/** The production wiring of the rotation engine: lib/graph from the environment and lib/vault. */
import { getGraphEnvironment } from '@/lib/graph/graph-environment';
import { loadMasterKeyRing } from '@/lib/vault/master-key';
import { openSealedKey } from '@/lib/vault/sealed-key';
import { createGraphPortAdapter } from '@/lib/rotation/graph-port-adapter';
import { defaultDepsPart, type RotationDeps } from '@/lib/rotation/rotation-deps';

export function createProductionRotationDeps(): RotationDeps {
  let ring: ReturnType<typeof loadMasterKeyRing> | undefined;
  return {
    ...defaultDepsPart,
    graph: createGraphPortAdapter(getGraphEnvironment()),
    async openKey(k) {
      ring ??= loadMasterKeyRing();
      try {
        return { certificatePem: k.certificatePem, privateKeyPem: openSealedKey(k.sealedPrivateKey, k.sha256Thumbprint, ring) };
      } catch {
        return null;
      }
    },
  };
}
