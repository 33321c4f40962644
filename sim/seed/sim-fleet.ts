// The demo fleet of a running simulator: seeding it into the directory, its manifest (fleet.json,
// which scripts and tests read to find tenants, apps and keys) and the management app's redirect
// URIs. startSimulator seeds or adopts it once it knows its port; reset and the control API reseed it.
import fs from 'node:fs';
import type { Directory } from '../directory/directory';
import { seedDemoFleet } from './demo-fleet';
import type { FleetManifest } from './fleet-manifest';

export interface SimFleetDeps {
  directory: Directory;
  /** fleet.json */
  manifestPath: string;
  /** Where seeded certificates and private keys are written / reused. */
  keysDir: string;
  caPemPath: string;
  loginHost: string;
  graphHost: string;
  /** Seed string for deterministic ids. */
  seedValue: string;
  /** Redirect URIs to register on the management app (none: leave the seeded ones). */
  managementRedirectUris: string[];
  /** The simulator's URL (known once it listens). */
  url(): string;
  now(): number;
}

export interface SimFleet {
  /** The manifest of the fleet seeded or adopted; null when there is none. */
  readonly manifest: FleetManifest | null;
  /** Clears the directory, seeds a demo fleet of `tenants` and writes fleet.json. */
  seed(tenants: number): FleetManifest;
  /** After persisted state is loaded: reads fleet.json (pointing it at this URL) and registers redirect URIs. */
  adoptPersisted(): void;
  /** Forgets the manifest (the directory was cleared without a reseed). */
  forget(): void;
}

export function createSimFleet(deps: SimFleetDeps): SimFleet {
  const { directory, manifestPath } = deps;
  let manifest: FleetManifest | null = null;

  const writeManifest = (m: FleetManifest) => {
    const tmp = `${manifestPath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(m, null, 2));
    fs.renameSync(tmp, manifestPath);
  };
  function registerRedirectUris(): void {
    const uris = deps.managementRedirectUris;
    const appId = manifest?.managementApp.appId;
    const app = appId ? directory.appsByAppId.get(appId) : undefined;
    if (!app || uris.length === 0) return;
    app.web.redirectUris = [...uris];
    for (const t of directory.tenants.values()) {
      const sp = t.spsByAppId.get(app.appId);
      if (sp) sp.replyUrls = app.web.redirectUris;
    }
    directory.touch();
  }

  return {
    get manifest() {
      return manifest;
    },
    seed(tenants) {
      directory.clear();
      const m = seedDemoFleet(directory, {
        tenants,
        seed: deps.seedValue,
        keysDir: deps.keysDir,
        simUrl: deps.url(),
        caPemPath: deps.caPemPath,
        loginHost: deps.loginHost,
        graphHost: deps.graphHost,
        now: deps.now(),
      });
      manifest = m;
      writeManifest(m);
      registerRedirectUris();
      return m;
    },
    adoptPersisted() {
      if (fs.existsSync(manifestPath)) {
        manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as FleetManifest;
        if (manifest.simUrl !== deps.url()) {
          manifest.simUrl = deps.url();
          writeManifest(manifest);
        }
      }
      registerRedirectUris();
    },
    forget() {
      manifest = null;
    },
  };
}
