/**
 * Parses and validates a tenant CSV (`tenant,name,region,group`; `tenant` = tenant id or domain).
 * Pure: domain resolution and "already onboarded" checks happen in importTenants.
 */
import { z } from 'zod';

export const TENANT_CSV_COLUMNS = ['tenant', 'name', 'region', 'group'] as const;
export const MAX_IMPORT_ROWS = 10_000;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{3,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i;

export const TenantRowSchema = z.object({
  tenant: z
    .string()
    .trim()
    .min(1, 'tenant is empty: give a tenant id (GUID) or a domain')
    .refine((v) => GUID.test(v) || (DOMAIN.test(v) && !/^[0-9a-f-]{30,}$/i.test(v)), {
      message: 'tenant is neither a valid tenant id (GUID) nor a domain name',
    }),
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

export interface ParsedTenantCsv {
  /** A problem with the file itself (no header, unknown columns); rows are empty then. */
  fileError: string | null;
  rows: ParsedTenantRow[];
}

/** RFC 4180 records: quoted fields, doubled quotes, CRLF/LF, a BOM. */
export function parseCsvRecords(text: string): { line: number; fields: string[] }[] {
  const src = text.replace(/^\uFEFF/, '');
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      fieldStarted = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      fields.push(field);
      if (fields.some((f) => f.trim() !== '')) out.push({ line: recordLine, fields });
      fields = [];
      field = '';
      fieldStarted = false;
      line++;
      recordLine = line;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  fields.push(field);
  if (fields.some((f) => f.trim() !== '')) out.push({ line: recordLine, fields });
  return out;
}

export function parseTenantCsv(text: string): ParsedTenantCsv {
  const records = parseCsvRecords(text);
  const header = records[0];
  if (!header) return { fileError: 'The file is empty: expected a header line "tenant,name,region,group".', rows: [] };
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const unknown = names.filter((n) => !(TENANT_CSV_COLUMNS as readonly string[]).includes(n));
  if (unknown.length)
    return {
      fileError: `Unknown column(s) ${unknown.map((u) => `"${u}"`).join(', ')}: the header must be "tenant,name,region,group" (region and group optional).`,
      rows: [],
    };
  if (!names.includes('tenant') || !names.includes('name'))
    return { fileError: 'The header must name at least the columns "tenant" and "name".', rows: [] };
  if (new Set(names).size !== names.length) return { fileError: 'A column appears twice in the header.', rows: [] };
  if (records.length - 1 > MAX_IMPORT_ROWS)
    return {
      fileError: `The file has ${records.length - 1} rows; import at most ${MAX_IMPORT_ROWS} at a time.`,
      rows: [],
    };
  const rows = records.slice(1).map(({ line, fields }): ParsedTenantRow => {
    const raw: Record<string, string> = {};
    names.forEach((n, i) => (raw[n] = fields[i] ?? ''));
    const extra =
      fields.length > names.length ? [`the row has ${fields.length} fields but the header ${names.length}`] : [];
    const parsed = TenantRowSchema.safeParse({
      tenant: raw.tenant ?? '',
      name: raw.name ?? '',
      region: raw.region ?? '',
      group: raw.group ?? '',
    });
    if (!parsed.success || extra.length) {
      return {
        line,
        ok: false,
        raw,
        errors: [...extra, ...(parsed.success ? [] : parsed.error.issues.map((i) => i.message))],
      };
    }
    return {
      line,
      ok: true,
      row: { ...parsed.data, tenant: parsed.data.tenant.toLowerCase() },
      tenantKind: isTenantGuid(parsed.data.tenant) ? 'id' : 'domain',
    };
  });
  return { fileError: null, rows };
}
