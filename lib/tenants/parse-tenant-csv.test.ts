import { describe, expect, it } from 'vitest';
import { parseCsvRecords, parseTenantCsv } from '@/lib/tenants/parse-tenant-csv';

const G = '0b5e2c1a-3f4d-4e8b-9a7c-1d2e3f4a5b6c';

describe('parseCsvRecords', () => {
  it('handles quotes, doubled quotes, CRLF, blank lines and a BOM', () => {
    expect(parseCsvRecords('\uFEFFa,b\r\n"x, y","say ""hi"""\n\n"multi\nline",z')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 4, fields: ['multi\nline', 'z'] },
    ]);
  });
});

describe('parseTenantCsv', () => {
  it('accepts ids and domains, defaults region, and lowercases the tenant', () => {
    const r = parseTenantCsv(
      `tenant,name,region,group\n${G.toUpperCase()},Contoso,EU,gold\nFabrikam.onmicrosoft.com,Fabrikam,,\n`,
    );
    expect(r.fileError).toBeNull();
    expect(r.rows).toEqual([
      { line: 2, ok: true, tenantKind: 'id', row: { tenant: G, name: 'Contoso', region: 'EU', group: 'gold' } },
      {
        line: 3,
        ok: true,
        tenantKind: 'domain',
        row: { tenant: 'fabrikam.onmicrosoft.com', name: 'Fabrikam', region: 'global', group: null },
      },
    ]);
  });

  it('accepts the columns in any order, region and group optional', () => {
    const r = parseTenantCsv(`name,tenant\nContoso,${G}`);
    expect(r.rows[0]).toMatchObject({ ok: true, row: { tenant: G, name: 'Contoso', region: 'global', group: null } });
  });

  it.each([
    ['not-a-guid-0b5e2c1a-3f4d-4e8b-9a7c', 'Contoso', /neither a valid tenant id/],
    ['0b5e2c1a-3f4d-4e8b-9a7c-1d2e3f4a5b6', 'Contoso', /neither a valid tenant id/],
    ['', 'Contoso', /tenant is empty/],
    [G, '', /name is missing/],
    ['contoso', 'Contoso', /neither/],
  ])('reports %s / %s', (tenant, name, message) => {
    const r = parseTenantCsv(`tenant,name\n${tenant},${name}`);
    expect(r.rows[0]).toMatchObject({ ok: false, line: 2 });
    expect(r.rows[0]?.ok === false && r.rows[0].errors.join('; ')).toMatch(message);
  });

  it.each([
    ['', /empty/],
    ['tenant,name,colour\n', /Unknown column/],
    ['tenant,region\n', /at least the columns "tenant" and "name"/],
  ])('refuses a bad file %j', (text, message) => {
    expect(parseTenantCsv(text).fileError).toMatch(message);
  });
});
