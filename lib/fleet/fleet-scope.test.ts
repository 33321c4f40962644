import { describe, expect, it } from 'vitest';
import { tenantScopeWhere, type Principal, type Role, type RoleGrant } from '@/lib/auth/principal';
import { fleetCountSql, fleetScopeFor, fleetScopeFromTenantWhere, type FleetScope } from '@/lib/fleet/fleet-scope';

const who = (...roles: RoleGrant[]): Principal => ({ userId: 'u', email: 'u@example.test', name: 'U', roles });
const all = (role: Role): RoleGrant => ({ role, allTenants: true, tenantIds: [], groups: [] });
const scoped = (role: Role, tenantIds: string[], groups: string[] = []): RoleGrant => ({
  role,
  allTenants: false,
  tenantIds,
  groups,
});
const sorted = (s: FleetScope | null) =>
  s && !s.all ? { all: false, tenantIds: [...s.tenantIds].sort(), groups: [...s.groups].sort() } : s;

describe('fleetScopeFromTenantWhere', () => {
  const principals: [string, Principal | null][] = [
    ['nobody signed in', null],
    ['a user without roles', who()],
    ['a fleet-wide viewer', who(all('viewer'))],
    ['a fleet-wide admin', who(all('admin'))],
    ['an operator of two tenants', who(scoped('operator', ['t2', 't1']))],
    ['an operator of a group', who(scoped('operator', [], ['north']))],
    [
      'tenants and groups from several grants',
      who(scoped('viewer', ['t1'], ['north']), scoped('operator', ['t3'], ['south', 'north'])),
    ],
    ['an empty scope', who(scoped('operator', []))],
  ];
  for (const min of ['viewer', 'operator'] as const) {
    it.each(principals)(
      `reads the filter tenantScopeWhere builds for %s (${min}) as the scope fleetScopeFor gives`,
      (_, p) => {
        expect(sorted(fleetScopeFromTenantWhere(tenantScopeWhere(p, min)))).toEqual(sorted(fleetScopeFor(p, min)));
      },
    );
  }

  it('does not guess at any other filter shape', () => {
    expect(fleetScopeFromTenantWhere({ region: 'EU' })).toBeNull();
    expect(fleetScopeFromTenantWhere({ id: { in: ['a'] }, region: 'EU' })).toBeNull();
    expect(fleetScopeFromTenantWhere({ id: { notIn: ['a'] } })).toBeNull();
    expect(fleetScopeFromTenantWhere({ OR: [{ id: { in: ['a'] } }, { region: 'EU' }] })).toBeNull();
    expect(fleetScopeFromTenantWhere({ AND: [] })).toBeNull();
  });
});

describe('fleetCountSql', () => {
  it('has no precomputed rows for scopes that list tenants by id', () => {
    expect(fleetCountSql({ all: false, tenantIds: ['t1'], groups: ['north'] }, {}, true)).toBeNull();
    expect(fleetCountSql({ all: false, tenantIds: [], groups: ['north'] }, {}, true)).not.toBeNull();
    expect(fleetCountSql({ all: true }, { region: 'EU' }, true)).not.toBeNull();
  });

  it('matches nothing for an empty scope', () => {
    expect(fleetCountSql({ all: false, tenantIds: [], groups: [] }, {}, true)!.sql).toBe('FALSE');
  });

  it('filters by connector type only when asked to', () => {
    const f = { connectorTypeId: '00000000-0000-4000-8000-000000000000', region: 'EU' };
    expect(fleetCountSql({ all: true }, f, true)!.sql).toContain('"connectorTypeId"');
    expect(fleetCountSql({ all: true }, f, false)!.sql).not.toContain('"connectorTypeId"');
  });
});
