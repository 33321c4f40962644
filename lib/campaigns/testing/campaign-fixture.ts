/**
 * Test-only helpers for campaign db tests: real certificates (built at test time, so the real
 * startRotation validates them), principals, rotation deps that never touch a tenant (only the
 * dispatcher's startRotation runs; the engine's steps are not driven here), and a way to finish
 * a rotation as the engine would (state + finishedAt + onRotationFinished in one transaction).
 */
import { randomUUID } from 'node:crypto';
import { db, type Db } from '@/lib/db';
import type { Principal } from '@/lib/auth/principal';
import { buildCert } from '@/lib/testing/certs';
import { defaultDepsPart } from '@/lib/rotation/rotation-deps-defaults';
import { setRotationDeps } from '@/lib/rotation/rotation-deps';
import { onRotationFinished } from '@/lib/campaigns/on-rotation-finished';
import { storeCertificate } from '@/lib/testing/store-certificate';

let serial = 0x1000;

/** A certificate row from a freshly built certificate, valid 2026-01-01 → 2027-06-01. */
export async function insertRealCertificate(client: Db = db, subject = 'CN=Vendor Connector 2027, O=Rekey Tests') {
  const built = buildCert({
    subject,
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2027-06-01T00:00:00Z'),
    serialNumberHex: (0x10000000 + serial++).toString(16),
  });
  return storeCertificate(client, built.pem);
}

export function principal(
  role: 'admin' | 'operator' | 'viewer',
  scope: { tenantIds?: string[]; groups?: string[] } | 'all' = 'all',
): Principal {
  const id = randomUUID();
  return {
    userId: id,
    email: `${role}-${id.slice(0, 4)}@example.test`,
    name: role,
    roles: [
      scope === 'all'
        ? { role, allTenants: true, tenantIds: [], groups: [] }
        : { role, allTenants: false, tenantIds: scope.tenantIds ?? [], groups: scope.groups ?? [] },
    ],
  };
}

/** startRotation only needs deps for its post-commit wake-up; nothing here talks to a tenant. */
export function installInertRotationDeps(now: () => Date): void {
  setRotationDeps({
    graph: new Proxy({}, { get: () => () => Promise.reject(new Error('no tenant calls in campaign tests')) }) as never,
    openKey: async () => null,
    ...defaultDepsPart,
    clock: now,
  });
}

/** Ends a rotation the way the engine does at a terminal state, including the campaign hook. */
export async function finishRotation(
  rotationId: string,
  state: 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'NEEDS_ATTENTION',
  at: Date,
  opts: { errorMessage?: string; callHook?: boolean } = {},
) {
  await db.$transaction(async (tx) => {
    const r = await tx.rotation.update({
      where: { id: rotationId },
      data: {
        state,
        step: state === 'NEEDS_ATTENTION' ? 'add_new' : 'done',
        startedAt: at,
        ...(state === 'NEEDS_ATTENTION' ? {} : { finishedAt: at }),
        errorMessage: opts.errorMessage ?? null,
      },
    });
    if (opts.callHook !== false) await onRotationFinished(tx, r, at);
  });
}
