// The in-process simulator handle `startSimulator` returns (sim/server.ts re-exports it). Its own
// module so the control API (sim/control/) can take a handle without importing sim/server.ts, which
// imports the control API: types flow one way, from here to both.
import type { Directory } from './directory/directory';
import type { SimAdmin } from './control/sim-admin';
import type { SimFaults } from './faults/sim-faults';
import type { FleetManifest } from './seed/fleet-manifest';
import type { SimContext } from './sim-context';

export interface SimHandle {
  /** https://localhost:PORT */
  url: string;
  port: number;
  caPemPath: string;
  caPem: string;
  dataDir: string;
  manifest: FleetManifest | null;
  manifestPath: string;
  state: Directory;
  context: SimContext;
  admin: SimAdmin;
  faults: SimFaults;
  /** Clears state, faults and throttling buckets; reseeds when started with seed 'demo'. */
  reset(): void;
  close(): Promise<void>;
}
