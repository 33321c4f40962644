import { describe, expect, it } from 'vitest';
import { Directory, type TenantRecord } from '../directory/directory';
import type { SimContext } from '../sim-context';
import { accountButtons, candidateUsers, hiddenInputs } from './account-picker';

describe('account picker (shared by /authorize and /adminconsent)', () => {
  const tenant = (id: string, upns: string[]) =>
    ({
      id,
      displayName: `Tenant <${id}>`,
      users: new Map(
        upns.map((u, i) => [`${id}-${i}`, { id: `${id}-${i}`, userPrincipalName: u, displayName: `U "${i}"` }]),
      ),
    }) as unknown as TenantRecord;

  it('lists the tenant’s accounts, or every tenant’s (capped) for common/organizations', () => {
    const directory = new Directory();
    const a = tenant('a', ['x@a.test', 'y@a.test']);
    const b = tenant(
      'b',
      Array.from({ length: 300 }, (_, i) => `u${i}@b.test`),
    );
    directory.tenants.set('a', a);
    directory.tenants.set('b', b);
    const ctx = { directory } as unknown as SimContext;
    expect(candidateUsers(ctx, a).map((c) => c.user.userPrincipalName)).toEqual(['x@a.test', 'y@a.test']);
    const all = candidateUsers(ctx, 'multi');
    expect(all.length).toBeGreaterThan(2);
    expect(all.length).toBeLessThanOrEqual(302);
  });

  it('escapes what it echoes into hidden fields and buttons', () => {
    const p = new URLSearchParams({ redirect_uri: 'https://x/"><script>', state: "a'b" });
    expect(hiddenInputs(p.entries())).not.toMatch(/<script|"><script|a'b/);
    const t = tenant('c', ['<b>@c.test']);
    const html = accountButtons([{ tenant: t, user: [...t.users.values()][0]! }], { withTenant: true });
    expect(html).toContain('data-upn="&#60;b&#62;@c.test"');
    expect(html).toContain('Tenant &#60;c&#62;');
    expect(html).not.toMatch(/<b>|"0"/);
  });
});
