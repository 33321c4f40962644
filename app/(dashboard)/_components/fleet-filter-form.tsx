'use client';

import { Button } from '@/components/ui/button';
import { Select } from '@/components/ui/select';
import type { FleetFilters } from '@/lib/fleet/fleet-filters';

export type FilterOptions = { regions: string[]; groups: string[]; connectorTypes: { id: string; name: string }[] };

/**
 * GET form for region / connector type / tenant group filters; works without JavaScript (server-
 * rendered like any other). A client component so that the page payload carries the choices as
 * data (a few strings each) rather than every <option> as an element: the fleet pages render it on
 * every request (bench/README.md, issue 21).
 */
export function FleetFilterForm({
  action,
  filters,
  options,
  extra,
}: {
  action: string;
  filters: FleetFilters;
  options: FilterOptions;
  extra?: Record<string, string | undefined>;
}) {
  return (
    <form action={action} method="get" className="flex flex-wrap items-end gap-3" aria-label="Filter the fleet">
      {Object.entries(extra ?? {}).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
      <FleetFilterFields filters={filters} options={options} />
      <Button type="submit" variant="secondary" size="sm">
        Apply
      </Button>
    </form>
  );
}

/** The region / connector type / tenant group selects, for any GET form over the fleet. */
export function FleetFilterFields({ filters, options }: { filters: FleetFilters; options: FilterOptions }) {
  return (
    <>
      <label className="flex flex-col gap-1 text-xs font-medium text-fg-muted">
        Region
        <Select
          name="region"
          defaultValue={filters.region ?? ''}
          options={[{ value: '', label: 'All regions' }, ...options.regions.map((r) => ({ value: r, label: r }))]}
        />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-fg-muted">
        Connector type
        <Select
          name="connectorTypeId"
          defaultValue={filters.connectorTypeId ?? ''}
          options={[
            { value: '', label: 'All types' },
            ...options.connectorTypes.map((t) => ({ value: t.id, label: t.name })),
          ]}
        />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-fg-muted">
        Tenant group
        <Select
          name="group"
          defaultValue={filters.group ?? ''}
          options={[{ value: '', label: 'All groups' }, ...options.groups.map((g) => ({ value: g, label: g }))]}
        />
      </label>
    </>
  );
}
