import { Icon } from '@/components/ui/icon';

/** Global tenant search: a plain GET form to /tenants?q=…, works without JavaScript. */
export function TenantSearch({ defaultValue }: { defaultValue?: string }) {
  return (
    <form action="/tenants" method="get" role="search" aria-label="Tenants" className="relative w-full max-w-md">
      <label htmlFor="global-tenant-search" className="sr-only">
        Search tenants
      </label>
      <span className="pointer-events-none absolute inset-y-0 left-2.5 flex items-center text-fg-subtle">
        <Icon name="search" size={14} />
      </span>
      <input
        id="global-tenant-search"
        name="q"
        type="search"
        defaultValue={defaultValue}
        placeholder="Search tenants by name, domain or tenant ID"
        autoComplete="off"
        spellCheck={false}
        className="h-8 w-full rounded-md border border-border bg-surface pr-3 pl-8 text-sm text-fg shadow-xs placeholder:text-fg-subtle hover:border-border-strong focus-visible:border-ring focus-visible:outline-2 focus-visible:outline-offset-0"
      />
    </form>
  );
}
