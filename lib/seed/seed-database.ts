/**
 * `rekey db seed`: defaults always; on the simulator, the demo fleet from its manifest.
 * With `ifEmpty`, does nothing once tenants exist, so restarts keep what people changed.
 */
import type { Db } from '@/lib/db';
import { seedDefaults } from '@/lib/seed/seed-defaults';

export interface SeedResult {
  skipped: boolean;
  connectorTypes: number;
  settings: number;
  tenants: number;
}

export async function seedDatabase(
  db: Db,
  opts: { ifEmpty?: boolean; manifestPath?: string; onboardLater?: boolean },
): Promise<SeedResult> {
  if (opts.ifEmpty && (await db.tenant.count()) > 0)
    return { skipped: true, connectorTypes: 0, settings: 0, tenants: 0 };
  const defaults = await seedDefaults(db);
  let tenants = 0;
  if (opts.manifestPath) {
    // Demo mode only (the simulator's manifest); see demo/seed-demo-fleet.ts. With onboardLater,
    // consent checks and scans are left to `rekey db onboard` (npm start runs it behind the dashboard).
    const demo = await import('@/demo/seed-demo-fleet');
    tenants = opts.onboardLater
      ? (await demo.seedDemoEssentials(db, opts.manifestPath)).tenants
      : (await demo.seedDemoFleet(db, opts.manifestPath)).tenants;
  }
  return { skipped: false, ...defaults, tenants };
}
