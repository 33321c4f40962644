/**
 * One run of consecutive steps (advance-rotation.ts) reads the connection once per write rather
 * than once per step: a read is reused by the next step as long as nothing was written to the
 * tenant since and it is younger than `maxAgeMs`. Any write through the port forgets every read,
 * so a verification after a write always reads the tenant again. A new run (e.g. after a crash)
 * starts with a fresh port and reads afresh.
 */
import type { ConnectionView, RotationGraphPort } from '@/lib/rotation/graph-port';

export function reuseReads(
  port: RotationGraphPort,
  opts: { maxAgeMs?: number; now?: () => number } = {},
): RotationGraphPort {
  const maxAgeMs = opts.maxAgeMs ?? 30_000;
  const now = opts.now ?? Date.now;
  const reads = new Map<string, { at: number; view: ConnectionView }>();
  const forget =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      reads.clear();
      try {
        return await fn(...a);
      } finally {
        // A write that failed half-way may still have changed the tenant.
        reads.clear();
      }
    };
  return {
    keyLifetimePolicy: (t) => port.keyLifetimePolicy(t),
    grantedRoles: (t) => port.grantedRoles(t),
    verifyCredential: (t, appId, key) => port.verifyCredential(t, appId, key),
    listAppRoleGrants: (t, sp) => port.listAppRoleGrants(t, sp),
    // The lock probe writes nothing (a removal of a keyId nobody has): reads stay valid.
    instanceLock: (t, sp) => port.instanceLock(t, sp),
    ownership: (t, target) => port.ownership(t, target),
    listCredentialSignIns: (t, q) => port.listCredentialSignIns(t, q),
    async readConnection(ref) {
      const key = `${ref.tenant.id}|${ref.appId}|${ref.appObjectId}`;
      const hit = reads.get(key);
      if (hit && now() - hit.at <= maxAgeMs) return hit.view;
      const at = now();
      const view = await port.readConnection(ref);
      reads.set(key, { at, view });
      return view;
    },
    addCredential: forget((t, input) => port.addCredential(t, input)),
    removeCredential: forget((t, input) => port.removeCredential(t, input)),
    deleteApplication: forget((t, id) => port.deleteApplication(t, id)),
    createConnection: forget((t, input) => port.createConnection(t, input)),
    grantAppRole: forget((t, sp, grant) => port.grantAppRole(t, sp, grant)),
  };
}
