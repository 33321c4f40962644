import { describe, expect, it } from 'vitest';
import { controlCharacterProblem, detectDelimiter, mapColumns, parseCsvTable } from '@/lib/csv/parse-csv-table';

function table(text: string) {
  const r = parseCsvTable(text);
  if (!r.ok) throw new Error(r.error);
  return r.table;
}

describe('parseCsvTable', () => {
  it('reads quotes, doubled quotes, CRLF, blank lines and a BOM, numbering rows by their first line', () => {
    const t = table('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n\r\n"multi\r\nline",z\r\nlast,row');
    expect(t.header).toEqual(['a', 'b']);
    expect(t.rows).toEqual([
      { line: 2, cells: ['x, y', 'say "hi"'] },
      { line: 4, cells: ['multi\nline', 'z'] },
      { line: 6, cells: ['last', 'row'] },
    ]);
  });

  it.each([
    ['commas', 'tenant,name\ng,"A; B"', ','],
    ['semicolons (Excel in many locales)', 'tenant;name\ng;"A, B"', ';'],
    ['tabs', 'tenant\tname\ng\tA, B', '\t'],
  ])('picks the delimiter from the header: %s', (_, text, delimiter) => {
    const t = table(text);
    expect(t.delimiter).toBe(delimiter);
    expect(t.rows[0]!.cells).toHaveLength(2);
  });

  it('reads old Mac CR line ends', () => {
    expect(table('a,b\r1,2\r3,4').rows.map((r) => r.line)).toEqual([2, 3]);
  });

  it.each([
    [
      'an unterminated quote (never merges the following rows)',
      'tenant,name\ng1,"Acme\ng2,Beta\ng3,Gamma\n',
      /quote that is never closed: the row starting on line 2/,
    ],
    ['an unterminated quote after blank lines', 'a,b\n\n1,2\n\n\n3,"x\n4,5', /starting on line 6/],
    ['a stray quote inside a value', 'tenant,name\ng1,Ac"me\n', /stray quote on line 2/],
    ['text after a closing quote', 'tenant,name\ng1,ok\ng2,"Ac"me\n', /stray quote on line 3/],
    ['an empty file', '', /empty/],
    ['only blank lines', '\n\r\n  \n', /empty/],
    ['text that is not UTF-8', 'tenant,name\ng1,M\uFFFDller', /not UTF-8 text \(line 2/],
  ])('refuses %s with a file error naming the line', (_, text, message) => {
    const r = parseCsvTable(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(message);
  });

  it('refuses more rows than allowed', () => {
    const r = parseCsvTable('a\n1\n2\n3', { maxRows: 2, what: 'The list' });
    expect(!r.ok && r.error).toMatch(/^The list has 3 rows; import at most 2/);
  });

  it('keeps a legitimately quoted multi-line value as one cell (the row check reports it)', () => {
    const t = table('tenant,name\ng1,"Acme\ng2,Beta"\ng3,Gamma');
    expect(t.rows).toEqual([
      { line: 2, cells: ['g1', 'Acme\ng2,Beta'] },
      { line: 4, cells: ['g3', 'Gamma'] },
    ]);
    expect(controlCharacterProblem(t.rows[0]!.cells[1]!, 'name')).toMatch(/name contains a line break/);
  });
});

describe('controlCharacterProblem', () => {
  it.each([
    ['plain', null],
    ['tab\there', /a tab character/],
    ['nul\u0000', /U\+0000/],
    ['bell\u0007', /U\+0007/],
    ['c1\u0085', /U\+0085/],
    ['Müller & Söhne — ÅB', null],
  ])('%j', (cell, expected) => {
    const p = controlCharacterProblem(cell, 'name');
    if (expected === null) expect(p).toBeNull();
    else expect(p).toMatch(expected);
  });
});

describe('detectDelimiter', () => {
  it('ignores delimiters inside quotes', () => {
    expect(detectDelimiter('"a;b;c",d')).toBe(',');
    expect(detectDelimiter('"a,b,c";d')).toBe(';');
    expect(detectDelimiter('single')).toBe(',');
  });
});

describe('mapColumns', () => {
  const spellings = { id: ['id', 'Tenant ID'], name: ['name', 'displayName'] } as const;
  it('matches spellings loosely and lists ignored columns', () => {
    expect(mapColumns(['TENANT_ID', 'Display Name', 'Licenses'], spellings)).toEqual({
      ok: true,
      columns: { id: 0, name: 1 },
      ignored: ['Licenses'],
    });
  });
  it('refuses two columns for one field, naming both', () => {
    const r = mapColumns(['name', 'displayName'], spellings);
    expect(!r.ok && r.error).toMatch(/"name" and "displayName" both give the name/);
  });
});
