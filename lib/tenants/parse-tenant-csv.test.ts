import { describe, expect, it } from 'vitest';
import { describeTenantCsvColumns, parseTenantCsv } from '@/lib/tenants/parse-tenant-csv';

const G = '0b5e2c1a-3f4d-4e8b-9a7c-1d2e3f4a5b6c';
const G2 = '1b5e2c1a-3f4d-4e8b-9a7c-1d2e3f4a5b6c';

describe('parseTenantCsv', () => {
  it('accepts ids and domains, defaults region, and lowercases the tenant', () => {
    const r = parseTenantCsv(
      `tenant,name,region,group\n${G.toUpperCase()},Contoso,EU,gold\nFabrikam.onmicrosoft.com,Fabrikam,,\n`,
    );
    expect(r.fileError).toBeNull();
    expect(r.rows).toEqual([
      {
        line: 2,
        ok: true,
        tenantKind: 'id',
        row: { tenant: G, domain: null, name: 'Contoso', region: 'EU', group: 'gold' },
      },
      {
        line: 3,
        ok: true,
        tenantKind: 'domain',
        row: { tenant: 'fabrikam.onmicrosoft.com', domain: null, name: 'Fabrikam', region: 'global', group: null },
      },
    ]);
  });

  it('accepts the columns in any order, region and group optional', () => {
    const r = parseTenantCsv(`name,tenant\nContoso,${G}`);
    expect(r.rows[0]).toMatchObject({ ok: true, row: { tenant: G, name: 'Contoso', region: 'global', group: null } });
  });

  it.each([
    ['tenant,name', 'tenant', 'name'],
    ['tenantId,displayName', 'tenantId', 'displayName'],
    ['Tenant ID,Company name', 'Tenant ID', 'Company name'],
    ['Directory ID,Display Name', 'Directory ID', 'Display Name'],
    ['customerId,name', 'customerId', 'name'],
    ['TENANT_ID,company_name', 'TENANT_ID', 'company_name'],
  ])('reads the header spelling %j and reports which column it used', (header, tenantCol, nameCol) => {
    const r = parseTenantCsv(`${header}\n${G},Contoso`);
    expect(r.fileError).toBeNull();
    expect(r.columns).toMatchObject({ tenant: tenantCol, name: nameCol, domain: null, ignored: [] });
    expect(r.rows[0]).toMatchObject({ ok: true, row: { tenant: G, name: 'Contoso' } });
  });

  it('reads a domain column: the tenant when there is no id, checked against the id when there is', () => {
    const r = parseTenantCsv(
      `Customer Name;Tenant ID;defaultDomainName;Licenses\nContoso;${G};contoso.onmicrosoft.com;25\nFabrikam;;Fabrikam.com;3\n`,
    );
    expect(r.fileError).toBeNull();
    expect(r.columns).toEqual({
      tenant: 'Tenant ID',
      domain: 'defaultDomainName',
      name: 'Customer Name',
      region: null,
      group: null,
      ignored: ['Licenses'],
      delimiter: ';',
    });
    expect(describeTenantCsvColumns(r.columns!)).toBe(
      'tenant ← "Tenant ID", domain ← "defaultDomainName", name ← "Customer Name"; ignored: "Licenses"; separated by semicolons',
    );
    expect(r.rows).toMatchObject([
      { ok: true, line: 2, tenantKind: 'id', row: { tenant: G, domain: 'contoso.onmicrosoft.com' } },
      { ok: true, line: 3, tenantKind: 'domain', row: { tenant: 'fabrikam.com', domain: null } },
    ]);
  });

  it('reads a BOM, semicolons and CRLF as Excel writes them', () => {
    const r = parseTenantCsv(`\uFEFFtenantId;displayName;region\r\n${G};"Contoso; East";EU\r\n${G2};Beta;US\r\n`);
    expect(r.fileError).toBeNull();
    expect(r.rows.map((x) => x.ok && [x.line, x.row.name, x.row.region])).toEqual([
      [2, 'Contoso; East', 'EU'],
      [3, 'Beta', 'US'],
    ]);
  });

  it.each([
    ['not-a-guid-0b5e2c1a-3f4d-4e8b-9a7c', 'Contoso', /neither a valid tenant id/],
    ['0b5e2c1a-3f4d-4e8b-9a7c-1d2e3f4a5b6', 'Contoso', /neither a valid tenant id/],
    ['', 'Contoso', /tenant is empty/],
    [G, '', /name is missing/],
    ['contoso', 'Contoso', /neither/],
    [G, 'Con\u0007toso', /name contains the control character U\+0007/],
  ])('reports %s / %s as a row error', (tenant, name, message) => {
    const r = parseTenantCsv(`tenant,name\n${tenant},${name}`);
    expect(r.rows[0]).toMatchObject({ ok: false, line: 2 });
    expect(r.rows[0]?.ok === false && r.rows[0].errors.join('; ')).toMatch(message);
  });

  it('an unterminated quote is a file error naming its line, never one merged row', () => {
    const r = parseTenantCsv(`tenant,name\n${G},"Acme\n${G2},Beta\nfabrikam.com,Gamma`);
    expect(r.rows).toEqual([]);
    expect(r.fileError).toMatch(/never closed: the row starting on line 2/);
  });

  it('a quoted value spanning lines is a row error, not a silent merge', () => {
    const r = parseTenantCsv(`tenant,name\n${G},"Acme\n${G2},Beta"\nfabrikam.com,Gamma`);
    expect(r.fileError).toBeNull();
    expect(r.rows[0]).toMatchObject({ ok: false, line: 2 });
    expect(r.rows[0]?.ok === false && r.rows[0].errors[0]).toMatch(/name contains a line break/);
    expect(r.rows[1]).toMatchObject({ ok: true, line: 4 });
  });

  it('a row with more fields than the header is a row error', () => {
    const r = parseTenantCsv(`tenant,name\n${G},Acme,Inc`);
    expect(r.rows[0]?.ok === false && r.rows[0].errors[0]).toMatch(/3 fields but the header 2/);
  });

  it.each([
    ['', /empty/],
    ['name,colour\nx,y\n', /No tenant column/],
    ['tenant,region\n', /No name column/],
    ['tenant,tenantId,name\n', /"tenant" and "tenantId" both give the tenant/],
    ['tenant,name,name\n', /The column "name" appears twice/],
    [`tenant,name\n${G},"Ac"me`, /stray quote on line 2/],
  ])('refuses a bad file %j', (text, message) => {
    expect(parseTenantCsv(text).fileError).toMatch(message);
  });
});
