import { describe, expect, it } from 'vitest';
import {
  detectAdvisoryFormat,
  parseAdvisory,
  parseAdvisoryCsv,
  parseAdvisoryJson,
  parseAdvisoryText,
  parseIndicatorText,
} from '@/lib/detection/parse-advisory';

const SHA1 = '0CB7437224AB12CD34EF56AB78CD90EF12345678';
const SHA256 = 'AB'.repeat(32);
const meta = {
  title: 'Stolen connector certificate',
  severity: 'critical' as const,
  publishedAt: '2026-11-20T00:00:00Z',
  compromiseStart: '2026-10-01T00:00:00Z',
};

describe('pasted thumbprints and serials', () => {
  it.each([
    ['a SHA-1 thumbprint', SHA1, [{ kind: 'sha1', value: SHA1, issuer: null }]],
    [
      'a lowercase SHA-1 with colons',
      SHA1.toLowerCase().match(/../g)!.join(':'),
      [{ kind: 'sha1', value: SHA1, issuer: null }],
    ],
    ['a SHA-256 with spaces', SHA256.match(/../g)!.join(' '), [{ kind: 'sha256', value: SHA256, issuer: null }]],
    ['a serial number loses its leading zeros', '00:0A:1B', [{ kind: 'serial', value: 'A1B', issuer: null }]],
    ['a 0x serial', '0x7F', [{ kind: 'serial', value: '7F', issuer: null }]],
    [
      'blank lines, comments and duplicates are skipped',
      `# from the vendor\n\n${SHA1}\r\n${SHA1.toLowerCase()}\n`,
      [{ kind: 'sha1', value: SHA1, issuer: null }],
    ],
  ])('%s', (_n, text, want) => {
    const r = parseIndicatorText(text);
    expect(r).toEqual({ ok: true, value: want });
  });

  it.each([
    [
      'a word',
      `${SHA1}\nhello`,
      ["row 2: 'hello' is not a SHA-1 (40 hex) or SHA-256 (64 hex) thumbprint or a hex serial number"],
    ],
    [
      '41 hex digits',
      `${SHA1}A`,
      [`row 1: '${SHA1}A' is not a SHA-1 (40 hex) or SHA-256 (64 hex) thumbprint or a hex serial number`],
    ],
    [
      'every bad row is named',
      `XYZ\n${SHA1}\n\nQQ\n`,
      [
        "row 1: 'XYZ' is not a SHA-1 (40 hex) or SHA-256 (64 hex) thumbprint or a hex serial number",
        "row 4: 'QQ' is not a SHA-1 (40 hex) or SHA-256 (64 hex) thumbprint or a hex serial number",
      ],
    ],
    ['nothing at all', '\n  \n', ['no indicators: paste one SHA-1 / SHA-256 thumbprint or serial number per line']],
  ])('refuses %s', (_n, text, errors) => {
    expect(parseIndicatorText(text)).toEqual({ ok: false, errors });
  });

  it('needs the metadata too, and reports metadata and row problems together', () => {
    const r = parseAdvisoryText('XYZ', { severity: 'urgent' as never });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toContain(
        "row 1: 'XYZ' is not a SHA-1 (40 hex) or SHA-256 (64 hex) thumbprint or a hex serial number",
      );
      expect(r.errors.some((e) => e.startsWith('title:'))).toBe(true);
      expect(r.errors.some((e) => e.startsWith('severity:'))).toBe(true);
    }
  });

  it('refuses a compromise window that ends before it starts', () => {
    const r = parseAdvisoryText(SHA1, { ...meta, compromiseEnd: '2026-09-01T00:00:00Z' });
    expect(r).toEqual({ ok: false, errors: ['compromiseEnd: The compromise window ends before it starts.'] });
  });
});

describe('CSV', () => {
  it('reads kind,value,issuer with quoted issuers and any column order', () => {
    const csv = `value,Kind,issuer\r\n${SHA1},sha1,\r\n"0A:1B",serial,"CN=Vendor CA, O=Vendor"\r\n${SHA256},,\r\n`;
    const r = parseAdvisoryCsv(csv, meta);
    expect(r.ok && r.value.indicators).toEqual([
      { kind: 'sha1', value: SHA1, issuer: null },
      { kind: 'serial', value: 'A1B', issuer: 'CN=Vendor CA, O=Vendor' },
      { kind: 'sha256', value: SHA256, issuer: null },
    ]);
    expect(r.ok && r.value.meta).toMatchObject({
      title: meta.title,
      severity: 'critical',
      publishedAt: new Date(meta.publishedAt),
      compromiseStart: new Date(meta.compromiseStart),
      guidance: '',
      source: 'manual',
    });
  });

  it('names every bad row as a spreadsheet numbers them (header = row 1)', () => {
    const csv = [
      'kind,value,issuer',
      `sha1,${SHA1},`,
      `sha1,${SHA256},`,
      'md5,ABCD,',
      'sha1,XYZ,',
      `sha256,${SHA256},CN=x`,
      'serial,,',
    ].join('\n');
    const r = parseAdvisoryCsv(csv, meta);
    expect(r).toEqual({
      ok: false,
      errors: [
        `row 3: '${SHA256}' is not a SHA-1 thumbprint (40 hex digits; it has 64)`,
        "row 4: kind 'md5' is not sha1, sha256 or serial",
        "row 5: 'XYZ' is not hexadecimal",
        'row 6: an issuer only belongs with a serial number, not a SHA-256 thumbprint',
        'row 7: the value is empty',
      ],
    });
  });

  it('refuses a file without the header', () => {
    const r = parseAdvisoryCsv(`${SHA1},sha1\n`, meta);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/^row 1: the header must name the columns kind,value,issuer/);
  });

  it('reads a BOM, semicolons and other header spellings', () => {
    const r = parseAdvisoryCsv(`\uFEFFType;Thumbprint\r\nsha1;${SHA1}\r\n`, meta);
    expect(r.ok && r.value.indicators).toEqual([{ kind: 'sha1', value: SHA1, issuer: null }]);
  });

  it('refuses an unterminated quote as one error naming its line, never a merge', () => {
    const r = parseAdvisoryCsv(`kind,value,issuer\nserial,0A,"CN=Vendor\nsha1,${SHA1},\n`, meta);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([expect.stringMatching(/never closed: the row starting on line 2/)]);
  });

  it('refuses a control character in a cell as a row error', () => {
    const r = parseAdvisoryCsv(`kind,value,issuer\nserial,0A,"CN=Vendor\nCA"\n`, meta);
    expect(!r.ok && r.errors).toEqual([
      'row 2: the issuer contains a line break (a quoted value spanning lines, often a missing closing quote); keep each value on one line without control characters',
    ]);
  });
});

describe('vendor advisory JSON', () => {
  const doc = {
    title: 'Litware Connect certificate compromise',
    severity: 'high',
    publishedAt: '2026-11-20T00:00:00Z',
    compromiseWindow: { start: '2026-10-01T00:00:00Z', end: null },
    guidance: 'Delete the existing connection and create a new one.',
    source: 'Litware PSIRT',
    indicators: [
      { sha1: SHA1 },
      { sha256: SHA256 },
      { serialNumber: '0A1B', issuer: 'CN=Vendor CA' },
      { kind: 'sha1', value: SHA1.toLowerCase() },
    ],
  };

  it('reads the documented format', () => {
    const r = parseAdvisoryJson(JSON.stringify(doc));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.meta).toEqual({
        title: doc.title,
        severity: 'high',
        publishedAt: new Date(doc.publishedAt),
        compromiseStart: new Date('2026-10-01T00:00:00Z'),
        compromiseEnd: null,
        guidance: doc.guidance,
        source: 'Litware PSIRT',
      });
      expect(r.value.indicators).toEqual([
        { kind: 'sha1', value: SHA1, issuer: null },
        { kind: 'sha256', value: SHA256, issuer: null },
        { kind: 'serial', value: 'A1B', issuer: 'CN=Vendor CA' },
      ]);
    }
  });

  it('lets form fields override the file', () => {
    const r = parseAdvisoryJson(JSON.stringify(doc), { severity: 'critical' });
    expect(r.ok && r.value.meta.severity).toBe('critical');
  });

  it('names bad indicators by position', () => {
    const r = parseAdvisoryJson(
      JSON.stringify({ ...doc, indicators: [{ sha1: SHA1 }, { md5: 'AB' }, { sha256: SHA1 }] }),
    );
    expect(r).toEqual({
      ok: false,
      errors: [
        `indicator 2: expected {"sha1": …}, {"sha256": …}, {"serialNumber": …, "issuer": …} or {"kind", "value", "issuer"}; got '{"md5":"AB"}'`,
        `indicator 3: '${SHA1}' is not a SHA-256 thumbprint (64 hex digits; it has 40)`,
      ],
    });
  });

  it('says when the file is not JSON', () => {
    const r = parseAdvisoryJson('{"title": ');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/^the file is not valid JSON/);
  });
});

describe('format detection', () => {
  it.each([
    ['a .json name', '', 'a.json', 'json'],
    ['a .csv name', '', 'a.CSV', 'csv'],
    ['a JSON body', ' {"title":1}', undefined, 'json'],
    ['a CSV header', 'kind,value,issuer\n', undefined, 'csv'],
    ['a semicolon CSV header', 'Type;Thumbprint\r\n', undefined, 'csv'],
    ['plain thumbprints', `${SHA1}\n`, 'iocs.txt', 'text'],
  ])('%s', (_n, text, name, want) => {
    expect(detectAdvisoryFormat(text, name)).toBe(want);
  });

  it('parseAdvisory dispatches on the detected format', () => {
    const r = parseAdvisory(`kind,value\nsha1,${SHA1}\n`, { meta });
    expect(r.ok && r.value.indicators).toEqual([{ kind: 'sha1', value: SHA1, issuer: null }]);
  });
});
