/**
 * `rekey tenants import|add|consent|scan|list`. Every change is audited as `cli:<os user>`.
 * Lib modules are imported inside `run` so `rekey --help` loads none of them.
 */
import { readFile, stat } from 'node:fs/promises';
import { EXIT, RekeyError, UsageError, str, type Command, type Values } from '../command';
import { day, emitRows, iso, listOptions, outputMode, pagesOf, formatTable, type Column } from '../output';
import { startProgress, type CliProgress } from '../progress';
import { asOption, withRuntime, type CliContext } from '../session';
import type { TenantRow } from '@/lib/fleet/list-tenants';
import type { ImportTenantsResult } from '@/lib/tenants/import-tenants';
import { CONNECTOR_STATUS_VALUES, TENANT_ACCESS_VALUES, type TenantAccess } from '@/lib/fleet/statuses';
import { asSystem } from '@/lib/use-case';

const fleetLimits = async () => (await import('@/lib/graph/graph-environment')).fleetRunLimits();

async function tenantIdArg(ctx: CliContext, value: unknown): Promise<string> {
  if (typeof value !== 'string' || !value)
    throw new UsageError('--tenant needs a tenant id (Rekey id or Entra tenant id) or domain');
  const { findTenantByAnyId } = await import('@/lib/tenants/get-tenant');
  const t = await findTenantByAnyId(ctx, { tenantId: value });
  if (!t) throw new RekeyError('NOT_FOUND', `No onboarded tenant matches ${value} (rekey tenants list shows them).`);
  return t.id;
}

/** The tenant scope the dashboard would show (viewer), or everything for the machine's operator. */
export async function viewerScope(ctx: CliContext) {
  const { hasRole, tenantScopeWhere } = await import('@/lib/auth/principal');
  if (!ctx.principal) return {};
  if (!hasRole(ctx.principal, 'viewer'))
    throw new RekeyError('FORBIDDEN', `${ctx.principal.email} has no role in Rekey.`, { need: 'viewer' });
  return tenantScopeWhere(ctx.principal, 'viewer');
}

/** The stable JSON shape of one tenant (docs/cli.md). */
export function tenantJson(t: TenantRow) {
  return {
    id: t.id,
    entraTenantId: t.entraTenantId,
    displayName: t.displayName,
    defaultDomain: t.defaultDomain,
    region: t.region,
    group: t.group,
    consentState: t.consentState,
    signInLogState: t.signInLogState,
    lastScanAt: iso(t.lastScanAt),
    access: t.access,
    accessReason: t.accessReason,
    connectors: t.connectors,
    statusCounts: Object.fromEntries(CONNECTOR_STATUS_VALUES.map((s) => [s, t.statusCounts[s] ?? 0])),
    worstStatus: t.worstStatus,
  };
}

const tenantColumns: Column<TenantRow>[] = [
  { header: 'TENANT', cell: (t) => t.displayName },
  { header: 'DOMAIN', cell: (t) => t.defaultDomain ?? '' },
  { header: 'ENTRA TENANT ID', cell: (t) => t.entraTenantId },
  { header: 'REGION', cell: (t) => t.region },
  { header: 'GROUP', cell: (t) => t.group ?? '' },
  { header: 'CONSENT', cell: (t) => t.consentState },
  { header: 'ACCESS', cell: (t) => t.access },
  { header: 'CONNECTORS', cell: (t) => String(t.connectors) },
  { header: 'WORST', cell: (t) => t.worstStatus ?? '' },
  { header: 'LAST SCAN', cell: (t) => day(t.lastScanAt) },
  { header: 'ID', cell: (t) => t.id },
];

function statusArg(values: Values) {
  const s = str(values.status);
  if (s !== undefined && !(CONNECTOR_STATUS_VALUES as readonly string[]).includes(s))
    throw new UsageError(`--status must be one of ${CONNECTOR_STATUS_VALUES.join(', ')}`);
  return s as (typeof CONNECTOR_STATUS_VALUES)[number] | undefined;
}

export const tenantCommands: Command[] = [
  {
    path: ['tenants', 'list'],
    summary: 'List onboarded tenants with their connector counts and worst status.',
    usage:
      'tenants list [--status S] [--access A] [--region R] [--group G] [--search Q] [--as EMAIL] [--json | --ndjson]',
    details:
      `--status S      tenants with at least one connector in status S (${CONNECTOR_STATUS_VALUES.join(', ')})\n` +
      `--access A      tenants in access state A (${TENANT_ACCESS_VALUES.join(', ')}): no_access = consent missing or the last scan refused; not_scanned_recently = never scanned or older than the policy's maxScanAgeHours\n` +
      '--region R      tenants of region R; --group G: of tenant group G\n' +
      '--search Q      name or domain contains Q, or the Entra tenant id is Q\n' +
      '--as EMAIL      show only what that Rekey user may see\n' +
      'JSON: an array of tenant objects (docs/cli.md); --ndjson streams one per line.',
    options: {
      status: { type: 'string' },
      access: { type: 'string' },
      region: { type: 'string' },
      group: { type: 'string' },
      search: { type: 'string' },
      ...asOption,
      ...listOptions,
    },
    async run({ values }, io) {
      const mode = outputMode(values);
      const status = statusArg(values);
      const access = str(values.access);
      if (access !== undefined && !(TENANT_ACCESS_VALUES as readonly string[]).includes(access))
        throw new UsageError(`--access must be one of ${TENANT_ACCESS_VALUES.join(', ')}`);
      const filters = {
        ...(status ? { status } : {}),
        ...(access ? { access: access as TenantAccess } : {}),
        ...(str(values.region) ? { region: str(values.region) } : {}),
        ...(str(values.group) ? { group: str(values.group) } : {}),
        ...(str(values.search) ? { q: str(values.search) } : {}),
      };
      return withRuntime(values, async (ctx) => {
        const { listTenants } = await import('@/lib/fleet/list-tenants');
        const scope = await viewerScope(ctx);
        await emitRows(
          io,
          mode,
          pagesOf((page) => listTenants(ctx.db, scope, { filters, sort: 'name', dir: 'asc', page, pageSize: 200 })),
          { json: tenantJson, columns: tenantColumns, noun: 'tenant(s)' },
        );
        return EXIT.OK;
      });
    },
  },
  {
    path: ['tenants', 'import'],
    summary: 'Onboard tenants from a CSV; nothing is imported unless every row is valid.',
    usage: 'tenants import FILE.csv [--dry-run] [--json]',
    details:
      'Columns (any order; other columns are ignored and named in the report):\n' +
      '  tenant   a tenant id or domain: "tenant", "tenantId", "Tenant ID", "Directory ID", "customerId", …\n' +
      '  domain   "domain", "defaultDomainName" (names the tenant when it has no id column)\n' +
      '  name     "name", "displayName", "Company name", "Customer name", …\n' +
      '  region, group   optional\n' +
      'Commas, semicolons or tabs; UTF-8 with or without BOM. Exit 1 when any row needs fixing.',
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean' } },
    async run({ values, positionals }, io) {
      const file = positionals[0];
      if (!file || positionals.length > 1) throw new UsageError('give exactly one CSV file');
      const { MAX_TENANT_CSV_BYTES, describeTenantCsvColumns, parseTenantCsv, tenantCsvTooLarge } =
        await import('@/lib/tenants/parse-tenant-csv');
      const size = await stat(file).then(
        (s) => s.size,
        (e: NodeJS.ErrnoException) => {
          throw new RekeyError(
            'BAD_INPUT',
            e.code === 'ENOENT' ? `${file}: no such file.` : `Cannot read ${file}: ${e.code ?? e.message}.`,
          );
        },
      );
      // A file Rekey refuses whatever the database holds is reported without the stack (and without
      // reading 100 MB into memory first).
      const fileError = (fileError: string, columns: ImportTenantsResult['columns'] = null): ImportTenantsResult => ({
        ok: false,
        imported: 0,
        fileError,
        columns,
        rows: [],
        tenantIds: [],
      });
      let result: ImportTenantsResult;
      if (size > MAX_TENANT_CSV_BYTES) result = fileError(tenantCsvTooLarge(size));
      else {
        const csv = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
          throw new RekeyError('BAD_INPUT', `Cannot read ${file}: ${e.code ?? e.message}.`);
        });
        const local = parseTenantCsv(csv);
        result = local.fileError
          ? fileError(local.fileError, local.columns)
          : await withRuntime(values, async (ctx) => {
              const { importTenants } = await import('@/lib/tenants/import-tenants');
              return importTenants(asSystem(ctx), { csv, dryRun: Boolean(values['dry-run']) });
            });
      }
      if (values.json) io.out(JSON.stringify(result));
      else {
        if (result.columns) io.err(`columns: ${describeTenantCsvColumns(result.columns)}`);
        if (result.fileError) io.err(`error: ${result.fileError}`);
        if (result.rows.length)
          io.out(
            formatTable(result.rows, [
              { header: 'LINE', cell: (r) => String(r.line) },
              { header: 'TENANT', cell: (r) => r.tenant },
              { header: 'NAME', cell: (r) => r.name },
              { header: 'STATUS', cell: (r) => r.status },
              { header: 'DETAIL', cell: (r) => r.messages.join('; ') || (r.entraTenantId ?? '') },
            ]),
          );
        if (result.ok)
          io.err(
            values['dry-run']
              ? `all ${result.rows.length} rows are valid (dry run: nothing written)`
              : `imported ${result.imported} tenant(s)`,
          );
        else if (!result.fileError)
          io.err(
            `nothing imported: ${result.rows.filter((r) => r.status !== 'ok').length} of ${result.rows.length} rows need fixing`,
          );
      }
      return result.ok ? EXIT.OK : EXIT.FAILED;
    },
  },
  {
    path: ['tenants', 'add'],
    summary: 'Onboard one tenant by tenant id or domain.',
    usage: 'tenants add TENANT [--name NAME] [--region REGION] [--group GROUP] [--json]',
    allowPositionals: true,
    options: { name: { type: 'string' }, region: { type: 'string' }, group: { type: 'string' } },
    async run({ values, positionals }, io) {
      if (positionals.length !== 1) throw new UsageError('give exactly one tenant id or domain');
      const t = await withRuntime(values, async (ctx) => {
        const { addTenant } = await import('@/lib/tenants/add-tenant');
        return addTenant(asSystem(ctx), {
          tenant: positionals[0]!,
          name: str(values.name),
          region: str(values.region),
          group: str(values.group),
        });
      });
      if (values.json)
        io.out(
          JSON.stringify({
            ok: true,
            tenant: { id: t.id, entraTenantId: t.entraTenantId, displayName: t.displayName },
          }),
        );
      else io.err(`added ${t.displayName} (${t.entraTenantId}) as ${t.id}`);
      return EXIT.OK;
    },
  },
  {
    path: ['tenants', 'consent'],
    summary: 'Check consent and permissions in one tenant or all, and print admin-consent links where needed.',
    usage: 'tenants consent (--tenant ID | --all) [--json]',
    options: { tenant: { type: 'string' }, all: { type: 'boolean' } },
    async run({ values }, io) {
      if (Boolean(values.tenant) === Boolean(values.all)) throw new UsageError('give either --tenant ID or --all');
      const results = await withRuntime(values, async (ctx) => {
        const { checkTenantConsent } = await import('@/lib/tenants/check-tenant-consent');
        const ids = values.all
          ? (await ctx.db.tenant.findMany({ select: { id: true }, orderBy: { displayName: 'asc' } })).map((t) => t.id)
          : [await tenantIdArg(ctx, values.tenant)];
        if (ids.length === 1) return [await checkTenantConsent(asSystem(ctx), { tenantId: ids[0]! })];
        // A fleet: as many tenants in flight as Graph's budgets admit (never more than the database pool).
        const { mapAdaptive } = await import('@/lib/detection/detection-context');
        const { pressure, max } = await fleetLimits();
        const progress = startProgress('consent checks', ids.length);
        const out = await mapAdaptive(ids, { start: 8, max, pressure, onDone: () => progress.tick() }, (id) =>
          checkTenantConsent(asSystem(ctx), { tenantId: id }),
        );
        progress.end();
        return out;
      });
      if (values.json) io.out(JSON.stringify({ ok: results.every((r) => r.state === 'consented'), results }));
      else
        for (const r of results)
          io.out(
            `${r.tenantId}  ${r.state}  ${r.state === 'consented' ? r.detail : `${r.detail}${r.state === 'not_consented' ? '' : `\n    consent link: ${r.consentUrl}`}`}`,
          );
      return results.every((r) => r.state === 'consented') ? EXIT.OK : EXIT.FAILED;
    },
  },
  {
    path: ['tenants', 'scan'],
    summary: 'Discover connector apps and their credentials in one tenant or all.',
    usage: 'tenants scan (--tenant ID | --all) [--concurrency N] [--json]',
    options: { tenant: { type: 'string' }, all: { type: 'boolean' }, concurrency: { type: 'string' } },
    async run({ values }, io) {
      if (Boolean(values.tenant) === Boolean(values.all)) throw new UsageError('give either --tenant ID or --all');
      const fixed = values.concurrency === undefined ? null : Number(values.concurrency);
      if (fixed !== null && (!Number.isInteger(fixed) || fixed < 1 || fixed > 256))
        throw new UsageError('--concurrency must be an integer from 1 to 256');
      const results = await withRuntime(values, async (ctx) => {
        const { scanAllTenants } = await import('@/lib/tenants/scan-all-tenants');
        const tenantIds = values.tenant ? [await tenantIdArg(ctx, values.tenant)] : undefined;
        // Without --concurrency: adaptive under Graph's budgets, as the onboarding runs.
        const adaptive = fixed === null ? await fleetLimits() : null;
        let progress: CliProgress | undefined;
        const outcomes = await scanAllTenants(asSystem(ctx), {
          concurrency: fixed ?? 8,
          ...(adaptive ? { pressure: adaptive.pressure, maxConcurrency: adaptive.max } : {}),
          tenantIds,
          skipNotConsented: !tenantIds,
          onStart: (total) => {
            if (!tenantIds) progress = startProgress('discovery scans', total);
          },
          onResult: (r) => {
            progress?.tick();
            // Per-tenant lines for people; a fleet-wide run keeps only the failures (and the progress line).
            if (values.json || (progress && r.ok)) return;
            io.err(
              r.ok
                ? `${r.name}: ${r.summary.connectors} connector(s), ${r.summary.credentials} credential(s), ${r.summary.changes.length} change(s)`
                : `${r.name}: ${r.code} ${r.message}`,
            );
          },
        });
        progress?.end();
        return outcomes;
      });
      const failed = results.filter((r) => !r.ok).length;
      if (values.json) io.out(JSON.stringify({ ok: failed === 0, results }));
      else io.err(`scanned ${results.length} tenant(s), ${failed} failed`);
      return failed === 0 ? EXIT.OK : EXIT.FAILED;
    },
  },
];
