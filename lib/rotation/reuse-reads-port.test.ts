import { describe, expect, it } from 'vitest';
import type { ConnectionRef, ConnectionView, RotationGraphPort } from '@/lib/rotation/graph-port';
import { reuseReads } from '@/lib/rotation/reuse-reads-port';

/** A tenant of one application whose credential list changes with every write. */
function fakeTenant() {
  let version = 0;
  const calls: string[] = [];
  const view = (): ConnectionView => ({
    app: {
      id: 'obj',
      appId: 'app',
      displayName: `v${version}`,
      createdDateTime: null,
      requiredResourceAccess: [],
      credentials: [],
    },
    sp: null,
  });
  const write = async (name: string) => {
    calls.push(name);
    version++;
  };
  const port: RotationGraphPort = {
    keyLifetimePolicy: async () => null,
    readConnection: async () => {
      calls.push('read');
      return view();
    },
    grantedRoles: async () => [],
    addCredential: async () => (await write('add'), { path: 'addKey', reason: '', keyId: 'k' }),
    removeCredential: async () => (await write('remove'), { path: 'removeKey', reason: '', keyId: 'k' }),
    verifyCredential: async () => (calls.push('verify'), { ok: true }),
    listAppRoleGrants: async () => [],
    listCredentialSignIns: async () => ({ available: true, signIns: [] }),
    deleteApplication: () => write('delete'),
    createConnection: async () => (
      await write('create'),
      { appId: 'app2', appObjectId: 'obj2', spObjectId: 'sp2', created: true }
    ),
    grantAppRole: () => write('grant'),
    instanceLock: async () => (calls.push('lock'), { state: 'unlocked' }),
    ownership: async () => ({ owner: true, servicePrincipalId: 'me', ownerIds: ['me'] }),
  };
  return { port, calls };
}

const ref: ConnectionRef = { tenant: { id: 't' }, appId: 'app', appObjectId: 'obj' };
const tenant = { id: 't' };

describe('reuseReads', () => {
  it('reuses a read until the next write, then reads the tenant again', async () => {
    const { port, calls } = fakeTenant();
    const p = reuseReads(port);
    const first = await p.readConnection(ref);
    expect(await p.readConnection(ref)).toBe(first);
    await p.verifyCredential(tenant, 'app', { certificatePem: '', privateKeyPem: '' });
    expect(await p.readConnection(ref)).toBe(first);
    await p.addCredential(tenant, {
      on: 'application',
      objectId: 'obj',
      credential: { key: '', displayName: '', startDateTime: '', endDateTime: '' } as never,
      heldKeys: [],
      now: new Date(),
    });
    const second = await p.readConnection(ref);
    expect(second.app?.displayName).toBe('v1');
    await p.removeCredential(tenant, { on: 'application', objectId: 'obj', keyId: 'k', heldKeys: [], now: new Date() });
    expect((await p.readConnection(ref)).app?.displayName).toBe('v2');
    expect(calls).toEqual(['read', 'verify', 'add', 'read', 'remove', 'read']);
  });

  it('forgets reads after a write that failed half-way', async () => {
    const { port, calls } = fakeTenant();
    const p = reuseReads({
      ...port,
      deleteApplication: async () => (calls.push('delete'), Promise.reject(new Error('503'))),
    });
    await p.readConnection(ref);
    await expect(p.deleteApplication(tenant, 'obj')).rejects.toThrow('503');
    await p.readConnection(ref);
    expect(calls).toEqual(['read', 'delete', 'read']);
  });

  it('reads again once a read is older than maxAgeMs, and keeps connections apart', async () => {
    const { port, calls } = fakeTenant();
    let t = 0;
    const p = reuseReads(port, { maxAgeMs: 1_000, now: () => t });
    await p.readConnection(ref);
    t = 1_000;
    await p.readConnection(ref);
    t = 1_001;
    await p.readConnection(ref);
    await p.readConnection({ ...ref, appId: 'other' });
    expect(calls).toEqual(['read', 'read', 'read']);
  });
});
