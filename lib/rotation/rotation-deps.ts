/**
 * What the engine needs from outside: the tenant (a RotationGraphPort) and the vault. The
 * production wiring (lib/graph + lib/vault) is built on first use; tests and the CLI may
 * install their own with `setRotationDeps`.
 */
import type { HeldKey, RotationGraphPort } from '@/lib/rotation/graph-port';
import type { RetryPolicy } from '@/lib/rotation/machine';

export interface KeyToOpen {
  sealedPrivateKey: string;
  sha256Thumbprint: string;
  certificatePem: string;
}

export interface RotationDeps {
  graph: RotationGraphPort;
  /** Opens a sealed private key (lib/vault); null when it cannot be opened. */
  openKey(k: KeyToOpen): Promise<HeldKey | null>;
  retryPolicy: RetryPolicy;
  /** Jitter for backoff, in ms. */
  jitterMs(): number;
  clock(): Date;
  /** How long a rotation waiting for the vendor's cutover waits between looks at the sign-in logs (default REKEY_CUTOVER_RECHECK_SECONDS). */
  cutoverRecheckMs?: number;
}

// On globalThis: tests and the CLI install their deps once per process, and the engine's modules may be
// evaluated again (a Next development reload, or Next's separate server bundles) and must see them.
const globalForDeps = globalThis as unknown as { __rekeyRotationDeps?: RotationDeps | Promise<RotationDeps> };

export function setRotationDeps(deps: RotationDeps | undefined): void {
  globalForDeps.__rekeyRotationDeps = deps;
}

export async function rotationDeps(): Promise<RotationDeps> {
  globalForDeps.__rekeyRotationDeps ??= import('@/lib/rotation/production-deps').then((m) =>
    m.createProductionRotationDeps(),
  );
  return globalForDeps.__rekeyRotationDeps;
}
