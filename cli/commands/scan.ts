/**
 * `rekey scan drift|signins [--tenant ID …|--all]`: runs a scan now, in this process (the worker
 * runs the same scans on schedule). --tenant takes Rekey's tenant id or the Entra tenant id and
 * may be repeated. `signins --all` covers tenants with a compromised or targeted connector.
 * Exit 1 when a tenant could not be read (the output names it and why).
 */
import { EXIT, UsageError, type CliIO, type Command } from '../command';
import type { ScanOptions } from '@/lib/detection/detection-context';
import type { ScanSelection } from '@/lib/detection/select-scan-tenants';
import { startProgress, type CliProgress } from '../progress';
import { withRuntime } from '../session';
import { asSystem } from '@/lib/use-case';

type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

function selection(values: Values): ScanSelection {
  const tenants = (
    Array.isArray(values.tenant) ? values.tenant : typeof values.tenant === 'string' ? [values.tenant] : []
  ).filter((t): t is string => typeof t === 'string' && t !== '');
  if (values.all && tenants.length) throw new UsageError('use --tenant or --all, not both');
  if (values.all) return { all: true };
  if (tenants.length === 0) throw new UsageError('name the tenants with --tenant ID, or scan them all with --all');
  return { tenantIds: tenants };
}

/** Progress on stderr (done / total, rate, time left) and tenants in flight adapted to Graph's budgets. */
async function scanOptions(label: string): Promise<ScanOptions> {
  const { fleetRunLimits } = await import('@/lib/graph/graph-environment');
  // Without Graph's configuration the scan still runs at its fixed concurrency: a wrong --tenant is
  // then named first, and a tenant that needs Graph reports the missing configuration itself.
  let limits: ReturnType<typeof fleetRunLimits> | undefined;
  try {
    limits = fleetRunLimits();
  } catch {
    limits = undefined;
  }
  let progress: CliProgress | undefined;
  return {
    concurrency: 8,
    ...(limits ? { pressure: limits.pressure, maxConcurrency: limits.max } : {}),
    progress: {
      start: (total) => {
        if (total > 1) progress = startProgress(label, total);
      },
      tick: () => progress?.tick(),
    },
  };
}

const options = { tenant: { type: 'string' as const, multiple: true }, all: { type: 'boolean' as const } };

async function drift(values: Values, io: CliIO): Promise<number> {
  const sel = selection(values);
  const r = await withRuntime(values, async (ctx) => {
    const { scanDrift } = await import('@/lib/detection/scan-drift');
    return scanDrift(asSystem(ctx), sel, await scanOptions('drift scans'));
  });
  if (values.json) io.out(JSON.stringify({ ok: r.failedTenants === 0, ...r }));
  else {
    for (const t of r.tenants) {
      if (!t.ok) io.err(`${t.displayName}: NOT SCANNED — ${t.error?.message}`);
      for (const c of t.connectors) {
        if (!c.ok) io.err(`${t.displayName} / ${c.displayName}: not read — ${c.error}`);
        else if (c.drifted)
          io.err(
            `${t.displayName} / ${c.displayName}: DRIFT — ${c.unknown} unknown credential(s), ${c.missing} expected missing`,
          );
      }
    }
    io.err(
      `scanned ${r.scannedConnectors} connector(s) in ${r.tenants.length} tenant(s): ${r.driftedConnectors} drifted, ${r.failedTenants} tenant(s) could not be read`,
    );
  }
  return r.failedTenants > 0 ? EXIT.FAILED : EXIT.OK;
}

async function signins(values: Values, io: CliIO): Promise<number> {
  const sel = selection(values);
  const r = await withRuntime(values, async (ctx) => {
    const { scanSignIns } = await import('@/lib/detection/scan-sign-ins');
    return scanSignIns(asSystem(ctx), sel, await scanOptions('sign-in scans'));
  });
  if (values.json) io.out(JSON.stringify({ ok: r.unavailableTenants.length === 0, ...r }));
  else {
    for (const t of r.tenants) {
      if (t.state !== 'available') io.err(`${t.displayName}: ${t.detail}`);
      else if (t.unknownAddressUses > 0)
        io.err(
          `${t.displayName}: TARGETED — compromised credential used ${t.unknownAddressUses} time(s) from ${t.unknownAddresses.join(', ')}`,
        );
      if (t.nonCertificateSignIns > 0)
        io.err(
          `${t.displayName}: ${t.nonCertificateSignIns} sign-in(s) of a connector with a client secret or federated credential — a credential the vendor does not use; see the tenant's evidence`,
        );
    }
    io.err(
      `read sign-ins of ${r.tenants.length} tenant(s): ${r.targetedTenants.length} targeted, ${r.unavailableTenants.length} without readable logs`,
    );
  }
  return r.unavailableTenants.length > 0 ? EXIT.FAILED : EXIT.OK;
}

export const scanCommands: Command[] = [
  {
    path: ['scan', 'drift'],
    summary: "Compare connectors' credentials in the tenants with the inventory (unknown / missing credentials).",
    usage: 'scan drift (--tenant ID … | --all) [--json]',
    options,
    run: ({ values }, io) => drift(values, io),
  },
  {
    path: ['scan', 'signins'],
    summary: 'Read sign-in logs for compromised credentials and flag tenants used from unknown addresses.',
    usage: 'scan signins (--tenant ID … | --all) [--json]',
    options,
    run: ({ values }, io) => signins(values, io),
  },
];
