/**
 * Parses and validates a tenant CSV. Pure: domain resolution and "already onboarded" checks happen
 * in importTenants. CSV mechanics (quotes, BOM, `,`/`;`/tab, line ends, line numbers) come from
 * lib/csv/parse-csv-table.ts (csv-parse).
 *
 * Columns, matched by the spellings other tools export (case, spaces and `_`/`-` ignored); any
 * other column is ignored and named in the report:
 * - tenant: `tenant`, `tenantId`, `Tenant ID`, `Directory ID`, `customerId`, … (a tenant id or a domain)
 * - domain: `domain`, `defaultDomainName`, `Primary domain`, … (used when the row has no tenant id)
 * - name: `name`, `displayName`, `Company name`, `Customer name`, …
 * - region, group (optional)
 */
import { z } from 'zod';
import { LIMITS } from '@/lib/limits';
import {
  controlCharacterProblem,
  delimiterName,
  mapColumns,
  parseCsvTable,
  type CsvDelimiter,
} from '@/lib/csv/parse-csv-table';
import { GUID } from '@/lib/text/guid';

export const MAX_IMPORT_ROWS = 10_000;
/** The largest tenant CSV one import reads: the CSV limit every input path shares (lib/limits.ts). */
export const MAX_TENANT_CSV_BYTES = LIMITS.csv;

/** The file error for a tenant CSV over MAX_TENANT_CSV_BYTES. */
export function tenantCsvTooLarge(bytes: number): string {
  return `The tenant CSV is ${(bytes / 1024 / 1024).toFixed(1)} MiB; one import reads at most ${MAX_TENANT_CSV_BYTES / 1024 / 1024} MiB (${MAX_IMPORT_ROWS.toLocaleString('en-US')} rows). Split the file and import the parts one after another; nothing was imported.`;
}

/** Accepted header spellings per field (compared without case, spaces, `_`, `-`, `.`). */
export const TENANT_CSV_HEADERS = {
  tenant: [
    'tenant',
    'tenantId',
    'tenant id',
    'directoryId',
    'directory id',
    'customerId',
    'customer tenant id',
    'microsoft id',
    'entraTenantId',
    'azure ad tenant id',
    'aadTenantId',
  ],
  domain: ['domain', 'defaultDomain', 'defaultDomainName', 'default domain name', 'primary domain', 'primaryDomain'],
  name: [
    'name',
    'displayName',
    'display name',
    'company name',
    'companyName',
    'customer name',
    'customerName',
    'tenant name',
    'organization name',
  ],
  region: ['region'],
  group: ['group', 'tenant group', 'customer group'],
} as const;
export type TenantCsvField = keyof typeof TENANT_CSV_HEADERS;

const DOMAIN = /^(?=.{3,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i;

const isDomain = (v: string) => DOMAIN.test(v) && !/^[0-9a-f-]{30,}$/i.test(v);

export const TenantRowSchema = z.object({
  tenant: z
    .string()
    .trim()
    .min(1, 'tenant is empty: give a tenant id (GUID) or a domain')
    .refine((v) => GUID.test(v) || isDomain(v), {
      message: 'tenant is neither a valid tenant id (GUID) nor a domain name',
    }),
  /** The tenant's domain when the file has a domain column besides the tenant id. */
  domain: z
    .string()
    .trim()
    .transform((v) => v.toLowerCase() || null)
    .refine((v) => v === null || isDomain(v), { message: 'domain is not a domain name (like contoso.onmicrosoft.com)' })
    .default(null),
  name: z.string().trim().min(1, 'name is missing').max(200, 'name is longer than 200 characters'),
  region: z
    .string()
    .trim()
    .max(40, 'region is longer than 40 characters')
    .transform((v) => v || 'global'),
  group: z
    .string()
    .trim()
    .max(100, 'group is longer than 100 characters')
    .transform((v) => v || null),
});
export type TenantRow = z.infer<typeof TenantRowSchema>;

export function isTenantGuid(v: string): boolean {
  return GUID.test(v);
}

export type ParsedTenantRow =
  | { line: number; ok: true; row: TenantRow; tenantKind: 'id' | 'domain' }
  | { line: number; ok: false; raw: Record<string, string>; errors: string[] };

/** Which header column was read for which field, for the import report. */
export interface TenantCsvColumns {
  tenant: string | null;
  domain: string | null;
  name: string;
  region: string | null;
  group: string | null;
  /** Columns the import does not use. */
  ignored: string[];
  delimiter: CsvDelimiter;
}

export interface ParsedTenantCsv {
  /** A problem with the file itself (unreadable CSV, no header, missing columns); rows are empty then. */
  fileError: string | null;
  columns: TenantCsvColumns | null;
  rows: ParsedTenantRow[];
}

const fail = (fileError: string): ParsedTenantCsv => ({ fileError, columns: null, rows: [] });

/** "tenant ← Tenant ID, name ← Company name, …; ignored: Licenses; semicolons". */
export function describeTenantCsvColumns(c: TenantCsvColumns): string {
  const used = (['tenant', 'domain', 'name', 'region', 'group'] as const)
    .filter((f) => c[f] !== null)
    .map((f) => `${f} ← "${c[f]}"`);
  return `${used.join(', ')}${c.ignored.length ? `; ignored: ${c.ignored.map((i) => `"${i}"`).join(', ')}` : ''}${c.delimiter === ',' ? '' : `; separated by ${delimiterName(c.delimiter)}`}`;
}

export function parseTenantCsv(text: string): ParsedTenantCsv {
  const parsed = parseCsvTable(text, { maxRows: MAX_IMPORT_ROWS, what: 'The tenant CSV' });
  if (!parsed.ok) return fail(parsed.error);
  const { header, rows: records, delimiter } = parsed.table;
  const mapped = mapColumns(header, TENANT_CSV_HEADERS);
  if (!mapped.ok) return fail(mapped.error);
  const col = mapped.columns;
  if (col.tenant === undefined && col.domain === undefined)
    return fail(
      `No tenant column: the header (${header.map((h) => `"${h}"`).join(', ')}) needs one named like "tenant", "tenantId", "Tenant ID", "Directory ID", "customerId" or "domain".`,
    );
  if (col.name === undefined)
    return fail(
      `No name column: the header (${header.map((h) => `"${h}"`).join(', ')}) needs one named like "name", "displayName" or "Company name".`,
    );
  const headerOf = (f: TenantCsvField) => (col[f] === undefined ? null : header[col[f]!]!);
  const columns: TenantCsvColumns = {
    tenant: headerOf('tenant'),
    domain: headerOf('domain'),
    name: headerOf('name')!,
    region: headerOf('region'),
    group: headerOf('group'),
    ignored: mapped.ignored,
    delimiter,
  };
  if (records.length === 0) return { fileError: null, columns, rows: [] };

  const rows = records.map(({ line, cells }): ParsedTenantRow => {
    const raw: Record<string, string> = {};
    const errors: string[] = [];
    for (const f of Object.keys(TENANT_CSV_HEADERS) as TenantCsvField[]) {
      const i = col[f];
      if (i === undefined) continue;
      const value = cells[i] ?? '';
      raw[f] = value;
      const problem = controlCharacterProblem(value, f);
      if (problem) errors.push(problem);
    }
    if (cells.length > header.length)
      errors.push(
        `the row has ${cells.length} fields but the header ${header.length} (quote values that contain "${delimiter === '\t' ? 'tab' : delimiter}")`,
      );
    // The tenant id column wins; the domain column names the tenant when the id is empty.
    const idValue = (raw.tenant ?? '').trim();
    const domainValue = (raw.domain ?? '').trim();
    const tenant = idValue || domainValue;
    if (!raw.tenant && !raw.domain) raw.tenant = '';
    else raw.tenant = tenant;
    const parsedRow = TenantRowSchema.safeParse({
      tenant,
      domain: idValue && domainValue ? domainValue : '',
      name: raw.name ?? '',
      region: raw.region ?? '',
      group: raw.group ?? '',
    });
    if (!parsedRow.success || errors.length) {
      return {
        line,
        ok: false,
        raw,
        errors: [...errors, ...(parsedRow.success ? [] : parsedRow.error.issues.map((i) => i.message))],
      };
    }
    return {
      line,
      ok: true,
      row: { ...parsedRow.data, tenant: parsedRow.data.tenant.toLowerCase() },
      tenantKind: isTenantGuid(parsedRow.data.tenant) ? 'id' : 'domain',
    };
  });
  return { fileError: null, columns, rows };
}
