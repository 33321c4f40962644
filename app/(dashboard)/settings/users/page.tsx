import type { Metadata } from 'next';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader, CardTitle, CardDescription } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Table, TableContainer, THead, TBody, TR, TH, TD } from '@/components/ui/table';
import { pageContext } from '@/lib/auth/context';
import { listAssignableScopes, listUsers, TENANT_PICKER_LIMIT } from '@/lib/auth/manage-users';
import { ActionForm } from './_components/action-form';
import { createUserAction, grantRoleAction, revokeRoleAction, setUserDisabledAction } from './actions';

export const metadata: Metadata = { title: 'Users' };

function formatWhen(d: Date | null): string {
  return d ? d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'never';
}

export default async function UsersPage() {
  const ctx = await pageContext('admin');
  const { principal: me } = ctx;
  const [users, { tenants, groups }] = await Promise.all([listUsers(ctx), listAssignableScopes(ctx)]);

  return (
    <div className="space-y-6">
      <PageHeader
        title="Users"
        description="Who may use Rekey and on which tenants. Admin: everything. Operator: rotations and campaigns. Viewer: read-only. Operator and Viewer can be limited to tenants or tenant groups."
        breadcrumbs={[{ href: '/settings', label: 'Settings' }]}
      />

      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Assign a role</CardTitle>
            <CardDescription>
              Leave tenants and groups empty for all tenants. Admin is always for all tenants.
            </CardDescription>
          </CardHeader>
          <CardBody>
            <ActionForm action={grantRoleAction} success="Role assigned.">
              <div className="grid gap-3 sm:grid-cols-2">
                <label className="space-y-1.5 text-sm font-medium text-fg">
                  <span className="block">User</span>
                  <Select name="userId" required defaultValue="">
                    <option value="" disabled>
                      Choose a user…
                    </option>
                    {users.map((u) => (
                      <option key={u.id} value={u.id}>
                        {u.name} ({u.email})
                      </option>
                    ))}
                  </Select>
                </label>
                <label className="space-y-1.5 text-sm font-medium text-fg">
                  <span className="block">Role</span>
                  <Select
                    name="role"
                    required
                    defaultValue="viewer"
                    options={[
                      { value: 'viewer', label: 'Viewer' },
                      { value: 'operator', label: 'Operator' },
                      { value: 'admin', label: 'Admin' },
                    ]}
                  />
                </label>
              </div>
              <label className="block space-y-1.5 text-sm font-medium text-fg">
                <span className="block">Tenants (optional)</span>
                <select
                  name="tenantIds"
                  multiple
                  size={6}
                  className="w-full rounded-md border border-border-strong bg-surface p-1 text-sm text-fg"
                >
                  {tenants.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.displayName}
                      {t.defaultDomain ? ` — ${t.defaultDomain}` : ''}
                    </option>
                  ))}
                </select>
                <span className="block text-xs font-normal text-fg-muted">
                  Ctrl/⌘-click to pick several.
                  {tenants.length >= TENANT_PICKER_LIMIT
                    ? ` Showing the first ${TENANT_PICKER_LIMIT}; use groups or \`rekey users grant --tenant\` for others.`
                    : ''}
                </span>
              </label>
              <label className="block space-y-1.5 text-sm font-medium text-fg">
                <span className="block">Tenant groups (optional, comma-separated)</span>
                <Input name="groups" list="tenant-groups" placeholder={groups.slice(0, 3).join(', ') || 'e.g. emea'} />
                <datalist id="tenant-groups">
                  {groups.map((g) => (
                    <option key={g} value={g} />
                  ))}
                </datalist>
              </label>
              <Button type="submit" variant="primary">
                Assign role
              </Button>
            </ActionForm>
          </CardBody>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Add a user before they sign in</CardTitle>
            <CardDescription>
              Use their Microsoft sign-in name. The account is linked at their first sign-in (home tenant accounts
              only).
            </CardDescription>
          </CardHeader>
          <CardBody>
            <ActionForm action={createUserAction} success="User added. Assign a role next.">
              <label className="block space-y-1.5 text-sm font-medium text-fg">
                <span className="block">Sign-in name</span>
                <Input name="email" type="email" required autoComplete="off" placeholder="name@contoso.com" />
              </label>
              <label className="block space-y-1.5 text-sm font-medium text-fg">
                <span className="block">Display name (optional)</span>
                <Input name="name" autoComplete="off" />
              </label>
              <Button type="submit">Add user</Button>
            </ActionForm>
          </CardBody>
        </Card>
      </div>

      <TableContainer label="Users">
        <Table>
          <THead>
            <TR>
              <TH>User</TH>
              <TH>Roles and scope</TH>
              <TH>Last sign-in</TH>
              <TH align="right">Status</TH>
            </TR>
          </THead>
          <TBody>
            {users.map((u) => (
              <TR key={u.id}>
                <TD>
                  <div className="font-medium text-fg">{u.name}</div>
                  <div className="text-xs text-fg-muted">{u.email}</div>
                  {!u.linked ? <div className="text-xs text-fg-muted">Not signed in yet</div> : null}
                </TD>
                <TD>
                  {u.roles.length === 0 ? (
                    <span className="text-sm text-fg-muted">No role (cannot use Rekey)</span>
                  ) : null}
                  <ul className="space-y-1">
                    {u.roles.map((r) => (
                      <li key={r.assignmentId} className="flex flex-wrap items-center gap-2">
                        <Badge tone={r.role === 'admin' ? 'accent' : 'neutral'} className="capitalize">
                          {r.role}
                        </Badge>
                        <span className="text-xs text-fg-muted">
                          {r.allTenants
                            ? 'all tenants'
                            : [...r.tenants.map((t) => t.displayName), ...r.groups.map((g) => `group ${g}`)].join(
                                ', ',
                              ) || 'no tenants'}
                        </span>
                        <ActionForm action={revokeRoleAction} success="Removed." inline>
                          <input type="hidden" name="assignmentId" value={r.assignmentId} />
                          <Button
                            type="submit"
                            size="sm"
                            variant="ghost"
                            aria-label={`Remove ${r.role} role from ${u.email}`}
                          >
                            Remove
                          </Button>
                        </ActionForm>
                      </li>
                    ))}
                  </ul>
                </TD>
                <TD className="text-xs text-fg-muted">
                  {formatWhen(u.lastSignIn)}
                  {u.activeSessions > 0 ? <div>{u.activeSessions} active session(s)</div> : null}
                </TD>
                <TD align="right">
                  {u.id === me.userId ? (
                    <span className="text-xs text-fg-muted">You</span>
                  ) : (
                    <ActionForm
                      action={setUserDisabledAction}
                      success={u.disabled ? 'Enabled.' : 'Disabled; sessions ended.'}
                      inline
                    >
                      <input type="hidden" name="userId" value={u.id} />
                      <input type="hidden" name="disabled" value={u.disabled ? 'false' : 'true'} />
                      {u.disabled ? <Badge tone="danger">Disabled</Badge> : null}
                      <Button type="submit" size="sm" variant={u.disabled ? 'secondary' : 'danger'}>
                        {u.disabled ? 'Enable' : 'Disable'}
                      </Button>
                    </ActionForm>
                  )}
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      </TableContainer>
    </div>
  );
}
