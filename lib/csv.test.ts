import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, csvResponse } from '@/lib/csv';

describe('csvCell', () => {
  it.each([
    ['plain text stays as it is', 'Contoso', 'Contoso'],
    ['a comma is quoted', 'Contoso, Ltd', '"Contoso, Ltd"'],
    ['quotes are doubled', 'say "hi"', '"say ""hi"""'],
    ['a newline is quoted', 'a\nb', '"a\nb"'],
    ['a formula is neutralised', '=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['a leading plus is neutralised', '+1', "'+1"],
    ['a leading minus is neutralised', '-2', "'-2"],
    ['a leading at-sign is neutralised', '@SUM(A1)', "'@SUM(A1)"],
    ['null is empty', null, ''],
    ['a date is ISO', new Date('2026-01-02T03:04:05Z'), '2026-01-02T03:04:05.000Z'],
    ['a leading tab is neutralised', '\t=1', "'\t=1"],
    ['negative numbers stay numbers', -5, '-5'],
    ['a non-finite number is empty', Number.NaN, ''],
    ['booleans are words', true, 'true'],
    ['a bigint is its digits', 12n, '12'],
    ['an object is JSON, quoted', { a: 1, b: 'x' }, '"{""a"":1,""b"":""x""}"'],
  ])('%s', (_name, input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('joins a line with CRLF', () => {
    expect(csvLine(['a', 1, true])).toBe('a,1,true\r\n');
    expect(csvLine(['a', 1, null])).toBe('a,1,\r\n');
  });

  it('streams a header and rows as an attachment', async () => {
    async function* rows() {
      yield ['x', 1];
      yield ['y', 2];
    }
    const res = csvResponse('tenants export.csv', ['name', 'n'], rows());
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="tenants_export.csv"');
    expect(await res.text()).toBe('name,n\r\nx,1\r\ny,2\r\n');
  });
});
