import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Directory } from '../directory/directory';
import { loadDirectory, serializeDirectory } from '../persist/state-store';
import { TEST_KEYS_DIR } from '../testing/start-test-sim';
import { seedDemoFleet } from './demo-fleet';

const base = {
  seed: 'rekey-demo',
  keysDir: TEST_KEYS_DIR,
  simUrl: 'https://localhost:1',
  caPemPath: '/tmp/ca.pem',
  loginHost: 'login.microsoftonline.com',
  graphHost: 'graph.microsoft.com',
};

describe('demo fleet seeding', () => {
  // How fast it seeds is a benchmark's business (bench/), never a timed unit test.
  it('seeds 10,000 tenants with the documented scenarios', () => {
    const dir = new Directory();
    const m = seedDemoFleet(dir, { ...base, tenants: 10_000, now: Date.now() });
    expect(m.tenants).toHaveLength(10_000);
    expect(dir.tenants.size).toBe(10_002); // home, 10,000 customers, the relay vendor
    const connectors = m.tenants.flatMap((t) => t.connectors);
    const compromised = connectors.filter((c) => c.certificate === 'vendor-compromised').length / connectors.length;
    expect(compromised).toBeGreaterThan(0.07);
    expect(compromised).toBeLessThan(0.14);
    expect(new Set(m.regions)).toEqual(new Set(['EU', 'US', 'UK', 'APAC']));
    expect(m.scenarios.attackerTargetedTenantIds).toHaveLength(3);
    expect(m.scenarios.nonPremiumTenantId && dir.tenants.get(m.scenarios.nonPremiumTenantId)!.premium).toBe(false);
    expect(dir.tenants.get(m.scenarios.consentRevokedTenantId!)!.spsByAppId.has(m.managementApp.appId)).toBe(false);
    expect(m.tenants[0]!.name).toBe('Contoso 0001 Ltd');
    expect(m.tenants[0]!.domain).toBe('contoso0001.onmicrosoft.com');
    const unknown = m.scenarios.unknownCredential!;
    const unknownApp = dir.tenants.get(m.scenarios.unknownCredentialTenantId!)!.appsByAppId.get(unknown.appId)!;
    expect(unknownApp.keyCredentials.map((k) => k.keyId)).toContain(unknown.keyId);
    expect(m.vendor.certificates.find((c) => c.status === 'unknown')!.privateKeyPath).toBeNull();
    expect(fs.statSync(m.managementApp.privateKeyPath).mode & 0o777).toBe(0o600);
  });

  it('is deterministic and survives a persistence round trip', () => {
    const now = Date.now();
    const a = seedDemoFleet(new Directory(), { ...base, tenants: 20, now });
    const dir = new Directory();
    const b = seedDemoFleet(dir, { ...base, tenants: 20, now });
    expect(b.tenants.map((t) => [t.id, t.connectors.map((c) => c.appId)])).toEqual(
      a.tenants.map((t) => [t.id, t.connectors.map((c) => c.appId)]),
    );
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sim-state-')), 'state.json');
    fs.writeFileSync(file, JSON.stringify(serializeDirectory(dir)));
    const restored = new Directory();
    loadDirectory(restored, JSON.parse(fs.readFileSync(file, 'utf8')) as ReturnType<typeof serializeDirectory>);
    const t = b.tenants[1]!;
    const c = t.connectors[0]!;
    const before = dir.tenants.get(t.id)!.appsByAppId.get(c.appId)!.keyCredentials[0]!;
    const after = restored.tenants.get(t.id)!.appsByAppId.get(c.appId)!.keyCredentials[0]!;
    expect(after.key!.equals(before.key!)).toBe(true);
    expect(after.keyId).toBe(before.keyId);
    expect(restored.appsByAppId.get(c.appId)).toBeDefined();
    expect(restored.tenants.get(t.id)!.signIns.length).toBe(dir.tenants.get(t.id)!.signIns.length);
  });
});
