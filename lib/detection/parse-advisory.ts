/**
 * Turns what people paste or upload into an advisory: metadata + indicators (SHA-1 / SHA-256
 * thumbprints, serial numbers with their issuer). Pure and all-or-nothing: any bad row makes the
 * whole input invalid, and every bad row is named (`row 4: …`), so nothing is half-imported.
 *
 * Accepted inputs
 * - Pasted text: one thumbprint or serial per line; colons, spaces and dashes inside a value are
 *   ignored ("AB:CD:…"); blank lines and lines starting with `#` are skipped. 40 hex = SHA-1,
 *   64 hex = SHA-256, other hex up to 40 digits = serial number (no issuer).
 * - CSV: header `kind,value,issuer` (any column order, case-insensitive; `issuer` optional; also
 *   `type`, `thumbprint`/`indicator`; `,`, `;` or tab separated);
 *   `kind` is sha1 | sha256 | serial (or empty: inferred from the value as for pasted text).
 *   Quote fields that contain commas ("CN=Vendor CA, O=Vendor"). Rows are numbered as a
 *   spreadsheet shows them: the header is row 1. Metadata comes from the form fields.
 * - JSON (a vendor advisory):
 *   {
 *     "title": "Connector certificate compromised",
 *     "severity": "critical" | "high" | "medium" | "low",
 *     "publishedAt": "2026-11-20T00:00:00Z",
 *     "compromiseWindow": { "start": "2026-10-01T00:00:00Z", "end": null },
 *     "guidance": "Delete the existing connection and create a new one …",
 *     "source": "Vendor PSIRT-2026-11",                       (optional)
 *     "indicators": [ { "sha1": "…" }, { "sha256": "…" },
 *                     { "serialNumber": "…", "issuer": "CN=Vendor CA, O=Vendor" },
 *                     { "kind": "sha1", "value": "…" } ]
 *   }
 *   Form-field metadata, when given, overrides the file's.
 */
import { z } from 'zod';
import { refuseControlCharacters } from '@/lib/text/single-line';
import { controlCharacterProblem, mapColumns, normalizeHeader, parseCsvTable } from '@/lib/csv/parse-csv-table';
import { RekeyError } from '@/lib/errors';
import { LIMITS, tooLargeMessage } from '@/lib/limits';

export const INDICATOR_KINDS = ['sha1', 'sha256', 'serial'] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface ParsedIndicator {
  kind: IndicatorKind;
  /** Uppercase hex without separators (serials without leading zeros). */
  value: string;
  issuer: string | null;
}

/** Limits that keep one paste or upload from becoming a denial of service. */
export const MAX_INDICATORS = 10_000;
export const MAX_ADVISORY_BYTES = LIMITS.advisory;
const MAX_REPORTED_ERRORS = 50;

const optionalDate = z.preprocess((v) => (v === '' || v === undefined ? null : v), z.coerce.date().nullable());

/** The advisory's metadata (form fields or the JSON file). Dates as ISO strings or Dates. */
export const AdvisoryMetaSchema = z
  .object({
    title: z
      .string({ error: 'Give the advisory a title.' })
      .trim()
      .min(1, 'Give the advisory a title.')
      .max(200, 'The title is longer than 200 characters.')
      .superRefine(refuseControlCharacters),
    severity: z.enum(SEVERITIES, { error: `Choose a severity: ${SEVERITIES.join(', ')}.` }),
    /** Defaults to now (the use case's `now`). */
    publishedAt: optionalDate.optional(),
    compromiseStart: optionalDate.optional(),
    compromiseEnd: optionalDate.optional(),
    guidance: z.string().max(20_000).default(''),
    source: z.string().trim().max(200).default('manual'),
  })
  .refine((m) => !m.compromiseStart || !m.compromiseEnd || m.compromiseEnd.getTime() >= m.compromiseStart.getTime(), {
    message: 'The compromise window ends before it starts.',
    path: ['compromiseEnd'],
  })
  .transform((m) => ({
    ...m,
    publishedAt: m.publishedAt ?? null,
    compromiseStart: m.compromiseStart ?? null,
    compromiseEnd: m.compromiseEnd ?? null,
  }));
export type AdvisoryMeta = z.output<typeof AdvisoryMetaSchema>;
export type AdvisoryMetaInput = z.input<typeof AdvisoryMetaSchema>;

export interface ParsedAdvisory {
  meta: AdvisoryMeta;
  indicators: ParsedIndicator[];
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const HEX = /^[0-9A-F]+$/;

/** Uppercase hex with separators (colons, spaces, dashes) and a `0x` prefix removed. */
export function normalizeHexInput(raw: string): string {
  return raw
    .trim()
    .replace(/^0x/i, '')
    .replace(/[\s:\-]/g, '')
    .toUpperCase();
}

/** Serial numbers compare without leading zeros (DER may add one for the sign bit). */
export function normalizeSerial(hex: string): string {
  return normalizeHexInput(hex).replace(/^0+(?=.)/, '');
}

const show = (raw: string) => `'${raw.length > 80 ? `${raw.slice(0, 77)}…` : raw}'`;

/** Infers the kind from the value's length (pasted text, CSV rows without a kind). */
export function inferIndicator(raw: string): { ok: true; indicator: ParsedIndicator } | { ok: false; message: string } {
  const hex = normalizeHexInput(raw);
  if (hex && HEX.test(hex)) {
    if (hex.length === 40) return { ok: true, indicator: { kind: 'sha1', value: hex, issuer: null } };
    if (hex.length === 64) return { ok: true, indicator: { kind: 'sha256', value: hex, issuer: null } };
    if (hex.length < 40) return { ok: true, indicator: { kind: 'serial', value: normalizeSerial(hex), issuer: null } };
  }
  return {
    ok: false,
    message: `${show(raw.trim())} is not a SHA-1 (40 hex) or SHA-256 (64 hex) thumbprint or a hex serial number`,
  };
}

/** Checks a value against an explicit kind. */
export function indicatorOfKind(
  kind: IndicatorKind,
  raw: string,
  issuer: string | null,
): { ok: true; indicator: ParsedIndicator } | { ok: false; message: string } {
  const hex = normalizeHexInput(raw);
  const iss = issuer?.trim() ? issuer.trim() : null;
  if (!hex || !HEX.test(hex)) return { ok: false, message: `${show(raw.trim())} is not hexadecimal` };
  if (kind === 'sha1' && hex.length !== 40)
    return {
      ok: false,
      message: `${show(raw.trim())} is not a SHA-1 thumbprint (40 hex digits; it has ${hex.length})`,
    };
  if (kind === 'sha256' && hex.length !== 64)
    return {
      ok: false,
      message: `${show(raw.trim())} is not a SHA-256 thumbprint (64 hex digits; it has ${hex.length})`,
    };
  if (kind === 'serial' && hex.length > 40)
    return {
      ok: false,
      message: `${show(raw.trim())} is too long for a serial number (at most 40 hex digits, 20 bytes)`,
    };
  if (kind !== 'serial' && iss)
    return {
      ok: false,
      message: `an issuer only belongs with a serial number, not a ${kind === 'sha1' ? 'SHA-1' : 'SHA-256'} thumbprint`,
    };
  return {
    ok: true,
    indicator: { kind, value: kind === 'serial' ? normalizeSerial(hex) : hex, issuer: kind === 'serial' ? iss : null },
  };
}

function parseKind(raw: string): IndicatorKind | null | 'infer' {
  const k = raw
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');
  if (k === '') return 'infer';
  if (k === 'sha1' || k === 'sha1thumbprint' || k === 'thumbprint') return 'sha1';
  if (k === 'sha256' || k === 'sha256thumbprint') return 'sha256';
  if (k === 'serial' || k === 'serialnumber') return 'serial';
  return null;
}

function finish(indicators: ParsedIndicator[], errors: string[], label: string): ParseResult<ParsedIndicator[]> {
  if (errors.length === 0 && indicators.length === 0) errors.push(`no indicators: ${label}`);
  if (errors.length === 0 && indicators.length > MAX_INDICATORS)
    errors.push(`${indicators.length} indicators; at most ${MAX_INDICATORS} per advisory`);
  if (errors.length > 0) {
    const shown = errors.slice(0, MAX_REPORTED_ERRORS);
    if (errors.length > shown.length) shown.push(`… and ${errors.length - shown.length} more`);
    return { ok: false, errors: shown };
  }
  return { ok: true, value: dedupe(indicators) };
}

function dedupe(list: ParsedIndicator[]): ParsedIndicator[] {
  const seen = new Set<string>();
  const out: ParsedIndicator[] = [];
  for (const i of list) {
    const key = `${i.kind}|${i.value}|${i.issuer ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(i);
  }
  return out;
}

/** Pasted text: one value per line. Errors say `row N` (the line number). */
export function parseIndicatorText(text: string): ParseResult<ParsedIndicator[]> {
  const indicators: ParsedIndicator[] = [];
  const errors: string[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .forEach((line, i) => {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) return;
      const r = inferIndicator(t);
      if (r.ok) indicators.push(r.indicator);
      else errors.push(`row ${i + 1}: ${r.message}`);
    });
  return finish(indicators, errors, 'paste one SHA-1 / SHA-256 thumbprint or serial number per line');
}

/** Accepted header spellings of the indicator CSV (case, spaces, `_`, `-` ignored). */
export const INDICATOR_CSV_HEADERS = {
  kind: ['kind', 'type', 'indicator type', 'indicatorType'],
  value: ['value', 'indicator', 'thumbprint', 'fingerprint'],
  issuer: ['issuer', 'issuer name', 'issuerName'],
} as const;

/**
 * CSV with header `kind,value,issuer` (read through lib/csv/parse-csv-table.ts: quotes, BOM, `,`/`;`/tab,
 * any line ends). Errors say `row N` as a spreadsheet numbers rows (header = row 1); a file that
 * cannot be read as CSV (a quote never closed, a stray quote) is one error naming its line.
 */
export function parseIndicatorCsv(text: string): ParseResult<ParsedIndicator[]> {
  const parsed = parseCsvTable(text, { what: 'The CSV file' });
  if (!parsed.ok)
    return {
      ok: false,
      errors: [
        /empty/.test(parsed.error) ? 'the CSV file is empty; expected a header row "kind,value,issuer"' : parsed.error,
      ],
    };
  const { header, headerLine, rows } = parsed.table;
  const mapped = mapColumns(header, INDICATOR_CSV_HEADERS);
  if (!mapped.ok) return { ok: false, errors: [`row ${headerLine}: ${mapped.error}`] };
  const kindCol = mapped.columns.kind ?? -1;
  const valueCol = mapped.columns.value ?? -1;
  const issuerCol = mapped.columns.issuer ?? -1;
  if (valueCol < 0)
    return {
      ok: false,
      errors: [`row ${headerLine}: the header must name the columns kind,value,issuer (found "${header.join(',')}")`],
    };
  const indicators: ParsedIndicator[] = [];
  const errors: string[] = [];
  for (const r of rows) {
    if (r.cells[0]?.trim().startsWith('#')) continue;
    const value = r.cells[valueCol] ?? '';
    const issuer = issuerCol >= 0 ? (r.cells[issuerCol] ?? '') : '';
    const kind = kindCol >= 0 ? parseKind(r.cells[kindCol] ?? '') : 'infer';
    if (r.cells.length > header.length) {
      errors.push(
        `row ${r.line}: ${r.cells.length} fields but the header has ${header.length} (quote values that contain commas)`,
      );
      continue;
    }
    const control = [
      controlCharacterProblem(value, 'the value'),
      controlCharacterProblem(issuer, 'the issuer'),
      kindCol >= 0 ? controlCharacterProblem(r.cells[kindCol] ?? '', 'the kind') : null,
    ].find((p) => p !== null);
    if (control) {
      errors.push(`row ${r.line}: ${control}`);
      continue;
    }
    if (kind === null) {
      errors.push(`row ${r.line}: kind ${show((r.cells[kindCol] ?? '').trim())} is not sha1, sha256 or serial`);
      continue;
    }
    if (value.trim() === '') {
      errors.push(`row ${r.line}: the value is empty`);
      continue;
    }
    const res = kind === 'infer' ? inferIndicator(value) : indicatorOfKind(kind, value, issuer);
    if (!res.ok) {
      errors.push(`row ${r.line}: ${res.message}`);
      continue;
    }
    if (kind === 'infer' && issuer.trim())
      res.indicator.issuer = res.indicator.kind === 'serial' ? issuer.trim() : null;
    indicators.push(res.indicator);
  }
  return finish(indicators, errors, 'the CSV has a header but no rows');
}

const JsonIndicatorSchema = z.union([
  z.object({ sha1: z.string() }).strict(),
  z.object({ sha256: z.string() }).strict(),
  z.object({ serialNumber: z.string(), issuer: z.string().nullish() }).strict(),
  z.object({ kind: z.string(), value: z.string(), issuer: z.string().nullish() }).strict(),
]);

const JsonAdvisorySchema = z.object({
  title: z.string().optional(),
  severity: z.string().optional(),
  publishedAt: z.string().optional(),
  compromiseWindow: z.object({ start: z.string().nullish(), end: z.string().nullish() }).nullish(),
  guidance: z.string().optional(),
  source: z.string().optional(),
  indicators: z.array(z.unknown()),
});

function metaErrors(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? `${i.path.map(String).join('.')}: ` : ''}${i.message}`);
}

function withMeta(
  indicators: ParseResult<ParsedIndicator[]>,
  metaInput: Partial<AdvisoryMetaInput>,
): ParseResult<ParsedAdvisory> {
  const meta = AdvisoryMetaSchema.safeParse(metaInput);
  const errors = [...(meta.success ? [] : metaErrors(meta.error)), ...(indicators.ok ? [] : indicators.errors)];
  if (errors.length > 0 || !meta.success || !indicators.ok) return { ok: false, errors };
  return { ok: true, value: { meta: meta.data, indicators: indicators.value } };
}

const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;

/** A vendor advisory in the JSON format above. `meta` (form fields) overrides the file's values. */
export function parseAdvisoryJson(text: string, meta: Partial<AdvisoryMetaInput> = {}): ParseResult<ParsedAdvisory> {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { ok: false, errors: [`the file is not valid JSON: ${(e as Error).message}`] };
  }
  const doc = JsonAdvisorySchema.safeParse(raw);
  if (!doc.success) return { ok: false, errors: metaErrors(doc.error).map((m) => `advisory: ${m}`) };
  const indicators: ParsedIndicator[] = [];
  const errors: string[] = [];
  doc.data.indicators.forEach((item, i) => {
    const where = `indicator ${i + 1}`;
    const p = JsonIndicatorSchema.safeParse(item);
    if (!p.success) {
      errors.push(
        `${where}: expected {"sha1": …}, {"sha256": …}, {"serialNumber": …, "issuer": …} or {"kind", "value", "issuer"}; got ${show(JSON.stringify(item) ?? String(item))}`,
      );
      return;
    }
    const v = p.data;
    let res: ReturnType<typeof indicatorOfKind>;
    if ('sha1' in v) res = indicatorOfKind('sha1', v.sha1, null);
    else if ('sha256' in v) res = indicatorOfKind('sha256', v.sha256, null);
    else if ('serialNumber' in v) res = indicatorOfKind('serial', v.serialNumber, v.issuer ?? null);
    else {
      const kind = parseKind(v.kind);
      if (kind === null) {
        errors.push(`${where}: kind ${show(v.kind)} is not sha1, sha256 or serial`);
        return;
      }
      res = kind === 'infer' ? inferIndicator(v.value) : indicatorOfKind(kind, v.value, v.issuer ?? null);
    }
    if (res.ok) indicators.push(res.indicator);
    else errors.push(`${where}: ${res.message}`);
  });
  const d = doc.data;
  const fileMeta = defined({
    title: d.title,
    severity: d.severity as Severity | undefined,
    publishedAt: d.publishedAt,
    compromiseStart: d.compromiseWindow?.start ?? undefined,
    compromiseEnd: d.compromiseWindow?.end ?? undefined,
    guidance: d.guidance,
    source: d.source,
  });
  return withMeta(finish(indicators, errors, 'the advisory lists no indicators'), { ...fileMeta, ...defined(meta) });
}

/** A CSV file of indicators; the metadata comes from the form fields. */
export function parseAdvisoryCsv(text: string, meta: Partial<AdvisoryMetaInput>): ParseResult<ParsedAdvisory> {
  return withMeta(parseIndicatorCsv(text), meta);
}

/** Pasted thumbprints / serials; the metadata comes from the form fields. */
export function parseAdvisoryText(text: string, meta: Partial<AdvisoryMetaInput>): ParseResult<ParsedAdvisory> {
  return withMeta(parseIndicatorText(text), meta);
}

export type AdvisoryFormat = 'json' | 'csv' | 'text';

/** Picks the format from the file name, else from the content (`{` → JSON, a `kind`/`value` header → CSV). */
export function detectAdvisoryFormat(text: string, fileName?: string): AdvisoryFormat {
  const ext = fileName?.toLowerCase().split('.').pop();
  if (ext === 'json') return 'json';
  if (ext === 'csv') return 'csv';
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('{')) return 'json';
  const first = t.split(/\r?\n|\r/, 1)[0] ?? '';
  const values = new Set<string>(INDICATOR_CSV_HEADERS.value.map(normalizeHeader));
  if (first.split(/[,;\t]/).some((h) => values.has(normalizeHeader(h.replace(/"/g, ''))))) return 'csv';
  return 'text';
}

export function parseAdvisory(
  text: string,
  opts: { format?: AdvisoryFormat; fileName?: string; meta?: Partial<AdvisoryMetaInput> } = {},
): ParseResult<ParsedAdvisory> {
  if (Buffer.byteLength(text) > MAX_ADVISORY_BYTES)
    return { ok: false, errors: [tooLargeMessage('advisory', Buffer.byteLength(text))] };
  const format = opts.format ?? detectAdvisoryFormat(text, opts.fileName);
  if (format === 'json') return parseAdvisoryJson(text, opts.meta);
  if (format === 'csv') return parseAdvisoryCsv(text, opts.meta ?? {});
  return parseAdvisoryText(text, opts.meta ?? {});
}

/** A parse failure as the one error users see: every bad row named, nothing written. */
export function advisoryInputError(result: Extract<ParseResult<ParsedAdvisory>, { ok: false }>): RekeyError {
  return new RekeyError(
    'BAD_INPUT',
    `The advisory was not saved; fix these and try again:\n${result.errors.map((e) => `  ${e}`).join('\n')}`,
    {
      errors: result.errors,
      fieldErrors: { _form: result.errors },
    },
  );
}
