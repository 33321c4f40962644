import type { Metadata } from 'next';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Mono } from '@/components/ui/code-block';
import { Table, TableContainer, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePrincipal } from '@/lib/auth/context';
import { defaultPublicUrl, env } from '@/lib/env';
import {
  GRAPH_PERMISSIONS,
  OPTIONAL_NEEDS,
  OWNED_BY,
  REQUIRED_NEEDS,
  leastPrivilegeAlternative,
  type PermissionNeed,
  type PermissionRule,
} from '@/lib/graph/permissions';

export const metadata: Metadata = { title: 'Permissions · Settings' };

const NEED_LABELS: Record<PermissionNeed, string> = {
  readApplications: 'Read applications and service principals',
  readFederatedCredentials: 'Read federated credentials of applications',
  writeApplications: 'Update applications (certificates, secrets, federated credentials)',
  createApplications: 'Create applications',
  createServicePrincipals: 'Create service principals',
  writeAppRoleAssignments: 'Grant app role assignments',
  readOrganization: 'Read the organization',
  readSignIns: 'Read sign-in logs',
  readAppManagementPolicy: 'Read the app-management policy',
};

/**
 * What to configure on the management app registration in Entra ID: the redirect URIs (exact
 * match, AADSTS50011 otherwise) and the application permissions admin consent grants — one row per
 * Graph operation from lib/graph/permissions.ts, with why and the least-privilege alternative.
 */
export default async function PermissionsSettingsPage() {
  await requirePrincipal('admin');
  const e = env();
  const base = (e.REKEY_PUBLIC_URL ?? defaultPublicUrl(e)).replace(/\/+$/, '');
  const redirects = [
    { uri: `${base}/auth/callback`, use: 'User sign-in (authorization code + PKCE).' },
    {
      uri: `${base}/tenants/consent-callback`,
      use: 'Admin consent: Entra ID sends the administrator back here after granting (or declining) Rekey’s permissions in a tenant.',
    },
  ];
  const needs: { need: PermissionNeed; required: boolean }[] = [
    ...REQUIRED_NEEDS.map((need) => ({ need, required: true })),
    ...OPTIONAL_NEEDS.map((need) => ({ need, required: false })),
  ];
  return (
    <>
      <PageHeader
        title="Permissions"
        breadcrumbs={[{ href: '/settings', label: 'Settings' }]}
        description="What the management app registration in Entra ID needs: its redirect URIs and the Microsoft Graph application permissions admin consent grants in each tenant."
      />
      <div className="space-y-6">
        <Card>
          <CardHeader>
            <CardTitle>Redirect URIs</CardTitle>
            <CardDescription>
              App registrations › Rekey › Authentication › platform <em>Web</em>. Entra ID requires an exact match
              (scheme, host, port, path, trailing slash); anything else fails with AADSTS50011.
              {e.REKEY_MGMT_CLIENT_ID ? (
                <>
                  {' '}
                  Management app: <Mono>{e.REKEY_MGMT_CLIENT_ID}</Mono>.
                </>
              ) : null}
            </CardDescription>
          </CardHeader>
          <CardBody>
            <ul className="space-y-2" aria-label="Redirect URIs">
              {redirects.map((r) => (
                <li key={r.uri}>
                  <Mono>{r.uri}</Mono>
                  <p className="text-sm text-fg-muted">{r.use}</p>
                </li>
              ))}
            </ul>
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Application permissions (Microsoft Graph)</CardTitle>
            <CardDescription>
              API permissions › Microsoft Graph › <em>Application permissions</em>. Admin consent grants exactly what is
              configured there; after a change, re-consent every tenant. Graph checks each call against the permissions
              its reference page lists — a broader one that is not listed (e.g. Directory.ReadWrite.All for updating an
              application) does not help.
            </CardDescription>
          </CardHeader>
          <CardBody>
            <TableContainer label="Application permissions">
              <Table>
                <THead>
                  <TR>
                    <TH>Operation</TH>
                    <TH>Configure</TH>
                    <TH>Why</TH>
                    <TH>Least-privilege alternative</TH>
                    <TH>Microsoft&apos;s reference</TH>
                  </TR>
                </THead>
                <TBody>
                  {needs.map(({ need, required }) => {
                    const rule: PermissionRule = GRAPH_PERMISSIONS[need];
                    const alt = leastPrivilegeAlternative(need);
                    return (
                      <TR key={need} data-need={need}>
                        <TD>
                          {NEED_LABELS[need]} {required ? <Badge>required</Badge> : <Badge>optional</Badge>}
                        </TD>
                        <TD>
                          <Mono>{rule.recommended}</Mono>
                          {rule.alsoAnyOf ? (
                            <p className="text-xs text-fg-muted">
                              with one that reads service principals ({rule.alsoAnyOf.join(', ')})
                            </p>
                          ) : null}
                        </TD>
                        <TD className="text-sm">{rule.why}</TD>
                        <TD className="text-sm">
                          {alt ? (
                            <>
                              <Mono>{alt.permission}</Mono> — {alt.condition}
                            </>
                          ) : (
                            'This is the least privileged one.'
                          )}
                        </TD>
                        <TD className="text-sm">
                          {rule.sources.map((s) => (
                            <a key={s.url} className="block underline" href={s.url} rel="noreferrer" target="_blank">
                              {s.title}
                            </a>
                          ))}
                        </TD>
                      </TR>
                    );
                  })}
                </TBody>
              </Table>
            </TableContainer>
            <p className="mt-3 text-sm text-fg-muted">
              Least-privilege mode: configure <Mono>{OWNED_BY}</Mono> instead of <Mono>Application.ReadWrite.All</Mono>{' '}
              and make Rekey&apos;s service principal an owner of each connector application in each tenant. Preflight
              detects the mode and warns about a connector application Rekey does not own.
            </p>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
