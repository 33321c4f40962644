/**
 * `rekey advisory import FILE [--title T] [--severity S] [--published-at ISO] [--compromise-start ISO]
 * [--compromise-end ISO] [--guidance TEXT] [--format json|csv|text]`: imports a vendor advisory
 * (JSON or CSV; plain thumbprint lists too — format in lib/detection/parse-advisory.ts). All or
 * nothing: a file with bad rows changes nothing and every bad row is named (exit 1). Audited as
 * `cli:<os user>`.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EXIT, UsageError, type Command } from '../command';
import { day, emitRows, iso, listOptions, outputMode, type Column } from '../output';
import { asOption, withRuntime } from '../session';
import { RekeyError } from '@/lib/errors';
import { tooLargeMessage } from '@/lib/limits';
import type { AdvisorySummary } from '@/lib/detection/list-advisories';
import { createUseCaseContext } from '@/lib/use-case-defaults';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

async function readAdvisoryFile(file: string): Promise<string> {
  const { MAX_ADVISORY_BYTES } = await import('@/lib/detection/parse-advisory');
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new RekeyError('BAD_INPUT', `${file}: no such file.`);
  }
  if (size > MAX_ADVISORY_BYTES)
    throw new RekeyError('PAYLOAD_TOO_LARGE', `${file}: ${tooLargeMessage('advisory', size)}. Split the advisory.`);
  return readFileSync(file, 'utf8');
}

/** The stable JSON shape of one advisory in `advisory list` (docs/cli.md). */
export function advisoryJson(a: AdvisorySummary) {
  return {
    id: a.id,
    title: a.title,
    severity: a.severity,
    source: a.source,
    publishedAt: iso(a.publishedAt),
    compromiseStart: iso(a.compromiseStart),
    compromiseEnd: iso(a.compromiseEnd),
    createdAt: iso(a.createdAt),
    indicators: a.indicatorCount,
    affectedConnectors: a.affectedConnectors,
    affectedTenants: a.affectedTenants,
    exposedConnectors: a.exposedConnectors,
  };
}

const advisoryColumns: Column<AdvisorySummary>[] = [
  { header: 'PUBLISHED', cell: (a) => day(a.publishedAt) },
  { header: 'SEVERITY', cell: (a) => a.severity },
  { header: 'TITLE', cell: (a) => a.title },
  { header: 'INDICATORS', cell: (a) => String(a.indicatorCount) },
  { header: 'AFFECTED', cell: (a) => String(a.affectedConnectors) },
  { header: 'EXPOSED', cell: (a) => String(a.exposedConnectors) },
  { header: 'ID', cell: (a) => a.id },
];

export const advisoryCommands: Command[] = [
  {
    path: ['advisory', 'list'],
    summary: 'List advisories, newest first, with the connectors they affect and how many are still exposed.',
    usage: 'advisory list [--as EMAIL] [--json | --ndjson]',
    details: 'Counts are within the tenants the caller may see (all, without --as).',
    options: { ...asOption, ...listOptions },
    async run({ values }, io) {
      const mode = outputMode(values);
      return withRuntime(values, async (ctx) => {
        const { listAdvisories } = await import('@/lib/detection/list-advisories');
        if (ctx.principal) {
          const { hasRole } = await import('@/lib/auth/principal');
          if (!hasRole(ctx.principal, 'viewer'))
            throw new RekeyError('FORBIDDEN', `${ctx.principal.email} has no role in Rekey.`, { need: 'viewer' });
        }
        const rows = await listAdvisories(ctx);
        await emitRows(
          io,
          mode,
          (async function* () {
            yield rows;
          })(),
          {
            json: advisoryJson,
            columns: advisoryColumns,
            noun: 'advisory(ies)',
          },
        );
        return EXIT.OK;
      });
    },
  },
  {
    path: ['advisory', 'import'],
    summary: 'Import a vendor advisory (JSON or CSV) and re-classify the connectors it names.',
    usage:
      'advisory import FILE [--title T] [--severity critical|high|medium|low] [--published-at ISO] [--compromise-start ISO] [--compromise-end ISO] [--guidance TEXT] [--source TEXT] [--format json|csv|text] [--json]',
    details:
      "FILE            the vendor's JSON advisory (title, severity, dates and indicators in the file), a CSV\n" +
      '                with the columns kind,value,issuer (read like the tenant CSV: quotes, BOM, `,`/`;`/tab),\n' +
      '                or a plain list of thumbprints / serial numbers, one per line\n' +
      "--title, --severity   required for a CSV or a list (they override the JSON file's values)\n" +
      '--format F      json, csv or text when the file name does not say it\n' +
      'All or nothing: a file with a bad row changes nothing, and every bad row is named (exit 1).',
    allowPositionals: true,
    options: {
      title: { type: 'string' },
      severity: { type: 'string' },
      'published-at': { type: 'string' },
      'compromise-start': { type: 'string' },
      'compromise-end': { type: 'string' },
      guidance: { type: 'string' },
      source: { type: 'string' },
      format: { type: 'string' },
    },
    async run({ values, positionals }, io) {
      if (positionals.length !== 1) throw new UsageError('give exactly one advisory file');
      const file = positionals[0]!;
      const format = str(values.format);
      if (format && !['json', 'csv', 'text'].includes(format))
        throw new UsageError('--format must be json, csv or text');
      const content = await readAdvisoryFile(file);
      const meta = {
        title: str(values.title),
        severity: str(values.severity) as never,
        publishedAt: str(values['published-at']),
        compromiseStart: str(values['compromise-start']),
        compromiseEnd: str(values['compromise-end']),
        guidance: str(values.guidance),
        source: str(values.source),
      };
      // A file Rekey refuses whatever the database holds is said before the stack is opened (the
      // use case checks it again).
      const { advisoryInputError, parseAdvisory } = await import('@/lib/detection/parse-advisory');
      const checked = parseAdvisory(content, {
        format: format as 'json' | 'csv' | 'text' | undefined,
        fileName: path.basename(file),
        meta,
      });
      if (!checked.ok) throw advisoryInputError(checked);
      const result = await withRuntime(values, async (ctx) => {
        const { importAdvisory } = await import('@/lib/detection/import-advisory');
        return importAdvisory(createUseCaseContext({ actor: ctx.actor, now: ctx.now, db: ctx.db }), {
          content,
          fileName: path.basename(file),
          format: format as 'json' | 'csv' | 'text' | undefined,
          ...meta,
        });
      });
      if (values.json) io.out(JSON.stringify({ ok: true, ...result }));
      else {
        const changed = Object.entries(result.reclassified.byStatus)
          .filter(([, n]) => n > 0)
          .map(([s, n]) => `${s} ${n}`)
          .join(', ');
        io.err(
          `imported advisory ${result.id}: ${result.indicators} indicator(s), ${result.affectedConnectors} connector(s) affected, ${result.reclassified.changed} re-classified${changed ? ` (now: ${changed})` : ''}`,
        );
      }
      return EXIT.OK;
    },
  },
];
