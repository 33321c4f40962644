import { describe, expect, it } from 'vitest';
import { DataTable, type DataTableProps } from './data-table';

type Row = { id: string; name: string };
const base: Omit<DataTableProps<Row>, 'columns'> = {
  caption: 'Tenants',
  rows: [{ id: 'a', name: 'Contoso' }],
  getRowId: (r) => r.id,
  pathname: '/tenants',
  searchParams: {},
};

describe('DataTable', () => {
  it('refuses a column without a cell unless a body renders the rows (never a blank column)', () => {
    expect(() => DataTable({ ...base, columns: [{ id: 'name', header: 'Name' }] })).toThrow(
      'DataTable column "name" has no cell and the table has no body.',
    );
    expect(() => DataTable({ ...base, columns: [{ id: 'name', header: 'Name' }], body: () => null })).not.toThrow();
    expect(() => DataTable({ ...base, columns: [{ id: 'name', header: 'Name', cell: (r) => r.name }] })).not.toThrow();
  });
});
