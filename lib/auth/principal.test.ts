import { describe, expect, it } from 'vitest';
import {
  canAccessTenant,
  effectiveRole,
  hasRole,
  isFleetWide,
  roleAtLeast,
  tenantScopeWhere,
  type Principal,
  type Role,
  type RoleGrant,
  type TenantRef,
} from '@/lib/auth/principal';

const T1: TenantRef = { id: 't1', group: 'north' };
const T2: TenantRef = { id: 't2', group: 'south' };
const T3: TenantRef = { id: 't3', group: null };

function who(...roles: RoleGrant[]): Principal {
  return { userId: 'u', email: 'u@example.test', name: 'U', roles };
}
const all = (role: Role): RoleGrant => ({ role, allTenants: true, tenantIds: [], groups: [] });
const scoped = (role: Role, tenantIds: string[], groups: string[] = []): RoleGrant => ({
  role,
  allTenants: false,
  tenantIds,
  groups,
});

const nobody = who();
const viewer = who(all('viewer'));
const operator = who(all('operator'));
const admin = who(all('admin'));
const opT1 = who(scoped('operator', ['t1']));
const opNorth = who(scoped('operator', [], ['north']));
const viewerAllOpT2 = who(all('viewer'), scoped('operator', ['t2']));
const scopedAdmin = who(scoped('admin', ['t1']));
const emptyScope = who(scoped('operator', []));

describe('role order', () => {
  it.each([
    ['viewer', 'viewer', true],
    ['viewer', 'operator', false],
    ['viewer', 'admin', false],
    ['operator', 'viewer', true],
    ['operator', 'operator', true],
    ['operator', 'admin', false],
    ['admin', 'viewer', true],
    ['admin', 'operator', true],
    ['admin', 'admin', true],
  ] as const)('%s is at least %s: %s', (role, min, expected) => {
    expect(roleAtLeast(role, min)).toBe(expected);
  });
});

describe('hasRole', () => {
  it.each([
    ['nobody', nobody, [false, false, false]],
    ['a viewer', viewer, [true, false, false]],
    ['an operator', operator, [true, true, false]],
    ['an admin', admin, [true, true, true]],
    ['an operator scoped to one tenant', opT1, [true, true, false]],
    ['a viewer everywhere who operates one tenant', viewerAllOpT2, [true, true, false]],
    ['a scoped admin (acts as a scoped operator)', scopedAdmin, [true, true, false]],
    ['an operator with an empty scope', emptyScope, [true, true, false]],
  ] as const)('%s → viewer/operator/admin = %j', (_name, p, [v, o, a]) => {
    expect([hasRole(p, 'viewer'), hasRole(p, 'operator'), hasRole(p, 'admin')]).toEqual([v, o, a]);
  });

  it('is false for no principal', () => {
    expect(hasRole(null, 'viewer')).toBe(false);
  });
});

describe('effectiveRole', () => {
  it.each([
    ['nobody', nobody, undefined, null],
    ['a viewer', viewer, undefined, 'viewer'],
    ['an admin', admin, T1, 'admin'],
    ['a t1 operator, overall', opT1, undefined, 'operator'],
    ['a t1 operator, on t1', opT1, T1, 'operator'],
    ['a t1 operator, on t2', opT1, T2, null],
    ['a north operator, on t1 (north)', opNorth, T1, 'operator'],
    ['a north operator, on t2 (south)', opNorth, T2, null],
    ['a north operator, on a tenant without group', opNorth, T3, null],
    ['viewer-all + operator-t2, on t1', viewerAllOpT2, T1, 'viewer'],
    ['viewer-all + operator-t2, on t2', viewerAllOpT2, T2, 'operator'],
    ['a scoped admin on its tenant', scopedAdmin, T1, 'operator'],
    ['a scoped admin elsewhere', scopedAdmin, T2, null],
  ] as const)('%s → %s', (_name, p, tenant, expected) => {
    expect(effectiveRole(p, tenant)).toBe(expected);
  });
});

describe('canAccessTenant', () => {
  // [principal, tenant, min, expected]
  it.each([
    ['admin', admin, T3, 'admin', true],
    ['viewer reads t1', viewer, T1, 'viewer', true],
    ['viewer cannot act on t1', viewer, T1, 'operator', false],
    ['operator acts on any tenant', operator, T3, 'operator', true],
    ['operator is not admin', operator, T1, 'admin', false],
    ['t1 operator acts on t1', opT1, T1, 'operator', true],
    ['t1 operator reads t1', opT1, T1, 'viewer', true],
    ['t1 operator cannot read t2', opT1, T2, 'viewer', false],
    ['t1 operator cannot act on t2', opT1, T2, 'operator', false],
    ['north operator acts on t1 by group', opNorth, T1, 'operator', true],
    ['north operator cannot touch south', opNorth, T2, 'viewer', false],
    ['group scope never matches a null group', opNorth, T3, 'viewer', false],
    ['viewer-all reads t1', viewerAllOpT2, T1, 'viewer', true],
    ['viewer-all cannot act on t1', viewerAllOpT2, T1, 'operator', false],
    ['operator-t2 acts on t2', viewerAllOpT2, T2, 'operator', true],
    ['a scoped admin is not admin even on its tenant', scopedAdmin, T1, 'admin', false],
    ['a scoped admin operates its tenant', scopedAdmin, T1, 'operator', true],
    ['an empty scope covers nothing', emptyScope, T1, 'viewer', false],
    ['nobody sees nothing', nobody, T1, 'viewer', false],
  ] as const)('%s', (_name, p, tenant, min, expected) => {
    expect(canAccessTenant(p, tenant, min)).toBe(expected);
  });

  it('is false for no principal', () => {
    expect(canAccessTenant(null, T1, 'viewer')).toBe(false);
  });
});

describe('tenantScopeWhere', () => {
  const NOTHING = { id: { in: [] } };
  it.each([
    ['nobody', nobody, 'viewer', NOTHING],
    ['a viewer reading', viewer, 'viewer', {}],
    ['a viewer acting', viewer, 'operator', NOTHING],
    ['an admin', admin, 'admin', {}],
    ['a t1 operator', opT1, 'operator', { id: { in: ['t1'] } }],
    ['a north operator', opNorth, 'viewer', { group: { in: ['north'] } }],
    [
      'ids and groups together',
      who(scoped('operator', ['t2', 't1', 't2'], ['b', 'a'])),
      'operator',
      { OR: [{ id: { in: ['t1', 't2'] } }, { group: { in: ['a', 'b'] } }] },
    ],
    [
      'several grants merge',
      who(scoped('viewer', ['t1']), scoped('operator', ['t2'], ['g'])),
      'viewer',
      { OR: [{ id: { in: ['t1', 't2'] } }, { group: { in: ['g'] } }] },
    ],
    [
      'only grants reaching min count',
      who(scoped('viewer', ['t1']), scoped('operator', ['t2'])),
      'operator',
      { id: { in: ['t2'] } },
    ],
    ['viewer-all + operator-t2 reading', viewerAllOpT2, 'viewer', {}],
    ['viewer-all + operator-t2 acting', viewerAllOpT2, 'operator', { id: { in: ['t2'] } }],
    ['a scoped admin asking for admin', scopedAdmin, 'admin', NOTHING],
    ['an empty scope', emptyScope, 'viewer', NOTHING],
  ] as const)('%s → %j', (_name, p, min, expected) => {
    expect(tenantScopeWhere(p, min)).toEqual(expected);
  });

  it('matches nothing for no principal', () => {
    expect(tenantScopeWhere(null, 'viewer')).toEqual(NOTHING);
  });
});

describe('isFleetWide', () => {
  it.each([
    [viewer, 'viewer', true],
    [viewer, 'operator', false],
    [opT1, 'viewer', false],
    [viewerAllOpT2, 'viewer', true],
    [viewerAllOpT2, 'operator', false],
    [admin, 'admin', true],
    [scopedAdmin, 'operator', false],
  ] as const)('case %#', (p, min, expected) => {
    expect(isFleetWide(p, min)).toBe(expected);
  });
});
