import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, type CsvValue } from '@/lib/reports/csv';

describe('CSV cells', () => {
  it.each<[string, CsvValue, string]>([
    ['plain text stays as it is', 'Contoso', 'Contoso'],
    ['a comma quotes the cell', 'a,b', '"a,b"'],
    ['quotes are doubled', 'say "hi"', '"say ""hi"""'],
    ['a newline quotes the cell', 'line1\nline2', '"line1\nline2"'],
    ['a formula is defused', '=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ['a leading plus is defused', '+1-555', "'+1-555"],
    ['a leading minus is defused', '-2+3', "'-2+3"],
    ['a leading @ is defused', '@SUM(A1)', "'@SUM(A1)"],
    ['a leading tab is defused', '\t=1', "'\t=1"],
    ['negative numbers stay numbers', -5, '-5'],
    ['null is empty', null, ''],
    ['dates are ISO 8601', new Date('2026-12-01T00:00:00Z'), '2026-12-01T00:00:00.000Z'],
    ['booleans are words', true, 'true'],
  ])('%s', (_n, v, expected) => {
    expect(csvCell(v)).toBe(expected);
  });

  it('ends lines with CRLF', () => {
    expect(csvLine(['a', 1, null])).toBe('a,1,\r\n');
  });
});
