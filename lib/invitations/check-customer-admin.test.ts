import { describe, expect, it } from 'vitest';
import { checkCustomerAdmin, ROLE_IDS, type CustomerFacts } from '@/lib/invitations/check-customer-admin';

const TENANT = '11111111-2222-4333-8444-555555555555';
const invited = { entraTenantId: TENANT, tenantDomain: null, displayName: 'Contoso 0001 Ltd' };
const R = ROLE_IDS;
const facts = (roleIds: string[], over: Partial<CustomerFacts> = {}): CustomerFacts => ({
  upn: 'someone@contoso0001.onmicrosoft.com',
  tenantId: TENANT,
  roleIds,
  ownsApplication: false,
  ...over,
});

describe('checkCustomerAdmin', () => {
  it.each([
    ['a Global Administrator may rotate', [R.globalAdministrator], 'rotate', true],
    ['an Application Administrator may rotate', [R.applicationAdministrator], 'rotate', true],
    ['a Cloud Application Administrator may rotate', [R.cloudApplicationAdministrator], 'rotate', true],
    ['a Privileged Role Administrator alone may not rotate', [R.privilegedRoleAdministrator], 'rotate', false],
    ['a plain user may not rotate', [], 'rotate', false],
    ['a Global Administrator may re-establish', [R.globalAdministrator], 'reestablish', true],
    [
      'a Privileged Role Administrator with Cloud Application Administrator may re-establish',
      [R.privilegedRoleAdministrator, R.cloudApplicationAdministrator],
      'reestablish',
      true,
    ],
    ['an Application Administrator alone may not re-establish', [R.applicationAdministrator], 'reestablish', false],
  ] as const)('%s', (_name, roles, plan, ok) => {
    expect(checkCustomerAdmin(facts([...roles]), invited, plan).ok).toBe(ok);
  });

  it('the owner of the application may rotate without a role', () => {
    expect(checkCustomerAdmin(facts([], { ownsApplication: true }), invited, 'rotate')).toEqual({
      ok: true,
      roles: [],
    });
  });

  it('names the wrong tenant first, even for a Global Administrator', () => {
    const r = checkCustomerAdmin(
      facts([R.globalAdministrator], { tenantId: '99999999-2222-4333-8444-555555555555', upn: 'ga@fabrikam.example' }),
      invited,
      'rotate',
    );
    expect(r).toEqual({
      ok: false,
      reason: 'WRONG_TENANT',
      message: `You signed in as ga@fabrikam.example in tenant 99999999-2222-4333-8444-555555555555, but this invitation is for Contoso 0001 Ltd (tenant ${TENANT}). Sign in with an administrator account of Contoso 0001 Ltd.`,
    });
  });

  it('a CSV invitation by domain matches the signed-in tenant by its verified domains', () => {
    const byDomain = {
      entraTenantId: null,
      tenantDomain: 'contoso0001.onmicrosoft.com',
      displayName: 'contoso0001.onmicrosoft.com',
    };
    expect(
      checkCustomerAdmin(
        facts([R.globalAdministrator]),
        { ...byDomain, signedInDomains: ['CONTOSO0001.onmicrosoft.com'] },
        'rotate',
      ).ok,
    ).toBe(true);
    expect(
      checkCustomerAdmin(facts([R.globalAdministrator]), { ...byDomain, signedInDomains: ['other.example'] }, 'rotate')
        .ok,
    ).toBe(false);
  });

  it('says exactly what a plain user lacks', () => {
    expect(checkCustomerAdmin(facts([]), invited, 'rotate')).toEqual({
      ok: false,
      reason: 'INSUFFICIENT_ROLE',
      message:
        "someone@contoso0001.onmicrosoft.com holds no administrator role and does not own the connection's application. Replacing its certificate needs Application Administrator, Cloud Application Administrator or Global Administrator, or ownership of the application. Ask someone with one of these roles to open the link.",
    });
    const pra = checkCustomerAdmin(facts([R.privilegedRoleAdministrator]), invited, 'rotate');
    expect(pra.ok === false && pra.message).toMatch(
      /^someone@contoso0001\.onmicrosoft\.com holds Privileged Role Administrator and does not own/,
    );
  });
});
