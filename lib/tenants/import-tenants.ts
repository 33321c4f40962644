/**
 * Bulk onboarding from CSV. Every row is checked first (format, duplicates within the file,
 * domains that resolve to no tenant, tenants already onboarded); if ANY row fails, nothing is
 * written and the per-row report says why. Otherwise all tenants are created in one transaction,
 * each with its own `tenant.create` audit event (so each tenant's history starts with its
 * creation; one batch event would not show up under the tenant).
 */
import { z } from 'zod';
import { appendAuditEvents } from '@/lib/audit/append-audit-event';
import { isUniqueViolation } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { resolveTenantDomain } from '@/lib/graph/resolve-tenant';
import {
  MAX_TENANT_CSV_BYTES,
  parseTenantCsv,
  tenantCsvTooLarge,
  type TenantCsvColumns,
  type TenantRow,
} from '@/lib/tenants/parse-tenant-csv';
import { requireFleetWideOperator } from '@/lib/tenants/add-tenant';
import type { UseCaseContext } from '@/lib/use-case';

export const ImportTenantsSchema = z.object({
  /** Size is checked by importTenants, as a file error the report shows (not a schema error). */
  csv: z.string(),
  /** Only check and report; write nothing. */
  dryRun: z.boolean().optional(),
});
export type ImportTenantsInput = z.infer<typeof ImportTenantsSchema>;

export type RowStatus = 'ok' | 'invalid' | 'duplicate' | 'unknown_domain' | 'already_onboarded';

export interface ImportRowReport {
  line: number;
  tenant: string;
  name: string;
  status: RowStatus;
  /** Resolved Entra tenant id, when known. */
  entraTenantId: string | null;
  messages: string[];
}

export interface ImportTenantsResult {
  /** True when every row passed and (unless dryRun) all were written. */
  ok: boolean;
  imported: number;
  fileError: string | null;
  /** Which column of the file was read for what (null when the file could not be read). */
  columns: TenantCsvColumns | null;
  rows: ImportRowReport[];
  /** Created Tenant ids, in row order. */
  tenantIds: string[];
}

/** Resolves domains with limited concurrency; GUIDs pass through. */
export async function resolveTenantIds(
  authorityHost: string,
  values: string[],
  concurrency = 8,
): Promise<Map<string, { id: string | null; reason?: string }>> {
  const out = new Map<string, { id: string | null; reason?: string }>();
  const todo = [...new Set(values)];
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const v = todo[next++]!;
      if (/^[0-9a-f-]{36}$/.test(v)) {
        out.set(v, { id: v });
        continue;
      }
      const r = await resolveTenantDomain(authorityHost, v);
      out.set(v, r.found ? { id: r.tenantId } : { id: null, reason: r.reason });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
  return out;
}

export async function importTenants(ctx: UseCaseContext, input: ImportTenantsInput): Promise<ImportTenantsResult> {
  requireFleetWideOperator(ctx);
  const { csv, dryRun } = ImportTenantsSchema.parse(input);
  const { now } = ctx;
  const bytes = Buffer.byteLength(csv, 'utf8');
  if (bytes > MAX_TENANT_CSV_BYTES)
    return {
      ok: false,
      imported: 0,
      fileError: tenantCsvTooLarge(bytes),
      columns: null,
      rows: [],
      tenantIds: [],
    };
  const parsed = parseTenantCsv(csv);
  const columns = parsed.columns;
  if (parsed.fileError)
    return { ok: false, imported: 0, fileError: parsed.fileError, columns, rows: [], tenantIds: [] };

  const rows: ImportRowReport[] = parsed.rows.map((r) =>
    r.ok
      ? { line: r.line, tenant: r.row.tenant, name: r.row.name, status: 'ok', entraTenantId: null, messages: [] }
      : {
          line: r.line,
          tenant: r.raw.tenant ?? '',
          name: r.raw.name ?? '',
          status: 'invalid',
          entraTenantId: null,
          messages: r.errors,
        },
  );
  const valid = parsed.rows
    .map((r, i) => (r.ok ? { report: rows[i]!, row: r.row } : null))
    .filter((x): x is { report: ImportRowReport; row: TenantRow } => x !== null);

  // Duplicates of the same text within the file.
  const firstByText = new Map<string, number>();
  for (const v of valid) {
    const first = firstByText.get(v.row.tenant);
    if (first !== undefined) fail(v.report, 'duplicate', `duplicate of line ${first} in this file`);
    else firstByText.set(v.row.tenant, v.report.line);
  }

  // Domains → tenant ids (only rows still ok).
  const resolved = await resolveTenantIds(
    ctx.graph(null).authorityHost,
    valid
      .filter((v) => v.report.status === 'ok')
      .flatMap((v) => [v.row.tenant, ...(v.row.domain ? [v.row.domain] : [])]),
  );
  for (const v of valid) {
    if (v.report.status !== 'ok') continue;
    const r = resolved.get(v.row.tenant);
    if (!r?.id) fail(v.report, 'unknown_domain', r?.reason ?? `no Entra ID tenant has the domain ${v.row.tenant}`);
    else v.report.entraTenantId = r.id;
    // A domain column beside the tenant id must name the same tenant.
    const d = v.row.domain ? resolved.get(v.row.domain) : undefined;
    if (v.report.status === 'ok' && v.row.domain && d?.id !== r?.id)
      fail(
        v.report,
        d?.id ? 'invalid' : 'unknown_domain',
        d?.id
          ? `the domain ${v.row.domain} belongs to tenant ${d.id}, not ${r?.id}`
          : (d?.reason ?? `no Entra ID tenant has the domain ${v.row.domain}`),
      );
  }

  // A domain and an id (or two domains) naming the same tenant.
  const firstById = new Map<string, number>();
  for (const v of valid) {
    if (v.report.status !== 'ok' || !v.report.entraTenantId) continue;
    const first = firstById.get(v.report.entraTenantId);
    if (first !== undefined)
      fail(v.report, 'duplicate', `same tenant (${v.report.entraTenantId}) as line ${first} in this file`);
    else firstById.set(v.report.entraTenantId, v.report.line);
  }

  // Already onboarded.
  const ids = valid.filter((v) => v.report.status === 'ok').map((v) => v.report.entraTenantId!);
  const existing = ids.length
    ? await ctx.db.tenant.findMany({
        where: { entraTenantId: { in: ids } },
        select: { entraTenantId: true, displayName: true },
      })
    : [];
  const existingById = new Map(existing.map((e) => [e.entraTenantId, e.displayName]));
  for (const v of valid) {
    if (v.report.status !== 'ok') continue;
    const name = existingById.get(v.report.entraTenantId!);
    if (name !== undefined)
      fail(v.report, 'already_onboarded', `tenant ${v.report.entraTenantId} is already onboarded as "${name}"`);
  }

  const ok = rows.length > 0 && rows.every((r) => r.status === 'ok');
  if (rows.length === 0)
    return { ok: false, imported: 0, fileError: 'The file has a header but no rows.', columns, rows, tenantIds: [] };
  if (!ok || dryRun) return { ok, imported: 0, fileError: null, columns, rows, tenantIds: [] };

  try {
    const tenantIds = await ctx.db.$transaction(
      async (tx) => {
        // A fleet at once (10,000 rows): multi-row inserts and one batch of audit events, in file order.
        const created: {
          id: string;
          entraTenantId: string;
          displayName: string;
          defaultDomain: string | null;
          region: string | null;
          group: string | null;
        }[] = [];
        for (let k = 0; k < valid.length; k += 2_000) {
          const chunk = valid.slice(k, k + 2_000);
          const made = await tx.tenant.createManyAndReturn({
            data: chunk.map((v) => ({
              entraTenantId: v.report.entraTenantId!,
              displayName: v.row.name,
              defaultDomain: v.row.domain ?? (v.row.tenant.includes('.') ? v.row.tenant : null),
              region: v.row.region,
              group: v.row.group,
            })),
            select: {
              id: true,
              entraTenantId: true,
              displayName: true,
              defaultDomain: true,
              region: true,
              group: true,
            },
          });
          const byEntra = new Map(made.map((t) => [t.entraTenantId, t]));
          for (const v of chunk) created.push(byEntra.get(v.report.entraTenantId!)!);
        }
        await appendAuditEvents(
          tx,
          ctx.actor,
          created.map((t, k) => ({
            action: 'tenant.create',
            targetType: 'tenant',
            targetId: t.id,
            tenantId: t.id,
            after: {
              entraTenantId: t.entraTenantId,
              displayName: t.displayName,
              defaultDomain: t.defaultDomain,
              region: t.region,
              group: t.group,
              via: 'csv-import',
              line: valid[k]!.report.line,
            },
          })),
          now,
        );
        return created.map((t) => t.id);
      },
      { timeout: 120_000, maxWait: 10_000 },
    );
    return { ok: true, imported: tenantIds.length, fileError: null, columns, rows, tenantIds };
  } catch (e) {
    if (isUniqueViolation(e))
      throw new RekeyError(
        'CONFLICT',
        'A tenant in the file was onboarded by someone else meanwhile; nothing was imported. Run the import again to see which.',
        undefined,
        { cause: e },
      );
    throw e;
  }
}

function fail(r: ImportRowReport, status: RowStatus, message: string) {
  r.status = status;
  r.messages.push(message);
}
