/**
 * `rekey advisory import FILE [--title T] [--severity S] [--published-at ISO] [--compromise-start ISO]
 * [--compromise-end ISO] [--guidance TEXT] [--format json|csv|text]`: imports a vendor advisory
 * (JSON or CSV; plain thumbprint lists too — format in lib/detection/parse-advisory.ts). All or
 * nothing: a file with bad rows changes nothing and every bad row is named (exit 2). Audited as
 * `cli:<os user>`.
 */
import os from 'node:os';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EXIT, UsageError, type Command } from '../command';
import { RekeyError } from '@/lib/errors';
import type { Actor } from '@/lib/audit/append-audit-event';
import { MAX_ADVISORY_BYTES } from '@/lib/detection/parse-advisory';
import { withDb } from '../with-db';

export function cliActor(): Actor {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (containers)
  }
  return { id: null, label: `cli:${user}` };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function readAdvisoryFile(file: string): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new RekeyError('BAD_INPUT', `"${file}": no such file.`);
  }
  if (size > MAX_ADVISORY_BYTES)
    throw new RekeyError('BAD_INPUT', `"${file}" is ${size} bytes; the limit is ${MAX_ADVISORY_BYTES} bytes.`);
  return readFileSync(file, 'utf8');
}

export const advisoryCommands: Command[] = [
  {
    path: ['advisory', 'import'],
    summary: 'Import a vendor advisory (JSON or CSV) and re-classify the connectors it names.',
    usage:
      'advisory import FILE [--title T] [--severity critical|high|medium|low] [--published-at ISO] [--compromise-start ISO] [--compromise-end ISO] [--guidance TEXT] [--source TEXT] [--format json|csv|text] [--json]',
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
      if (positionals.length !== 1) throw new UsageError('name exactly one advisory file');
      const file = positionals[0]!;
      const format = str(values.format);
      if (format && !['json', 'csv', 'text'].includes(format))
        throw new UsageError('--format must be json, csv or text');
      const content = readAdvisoryFile(file);
      const result = await withDb(async () => {
        const { importAdvisory } = await import('@/lib/detection/import-advisory');
        return importAdvisory(
          {
            content,
            fileName: path.basename(file),
            format: format as 'json' | 'csv' | 'text' | undefined,
            title: str(values.title),
            severity: str(values.severity) as never,
            publishedAt: str(values['published-at']),
            compromiseStart: str(values['compromise-start']),
            compromiseEnd: str(values['compromise-end']),
            guidance: str(values.guidance),
            source: str(values.source),
          },
          { caller: 'system', actor: cliActor(), now: new Date() },
        );
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
