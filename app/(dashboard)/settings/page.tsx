import { readFileSync } from 'node:fs';
import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/shell/page-header';
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Mono } from '@/components/ui/code-block';
import { DescriptionList } from '@/components/ui/description-list';
import { Icon, type IconName } from '@/components/ui/icon';
import { requirePrincipal } from '@/lib/auth/context';
import { parseCertificateInput } from '@/lib/certs/parse-certificate-input';
import { env } from '@/lib/env';
import { formatDate } from '@/lib/utils';

export const metadata: Metadata = { title: 'Settings' };

const SECTIONS: { href: string; title: string; description: string; icon: IconName }[] = [
  {
    href: '/settings/users',
    title: 'Users',
    description: 'Who may use Rekey, with which role, on which tenants.',
    icon: 'shield',
  },
  {
    href: '/settings/notifications',
    title: 'Notifications',
    description: 'Email and webhook alerts for new compromises, drift and rotations that need attention.',
    icon: 'megaphone',
  },
  {
    href: '/settings/connector-types',
    title: 'Connector types',
    description: 'The vendor connectors discovery looks for, and the permissions they need.',
    icon: 'plug',
  },
  {
    href: '/settings/permissions',
    title: 'Permissions',
    description: 'The redirect URIs and Microsoft Graph application permissions to configure on the management app.',
    icon: 'key',
  },
  {
    href: '/settings/policy',
    title: 'Status policy',
    description: 'When a certificate counts as expiring or stale.',
    icon: 'clock',
  },
  {
    href: '/settings/detection',
    title: 'Detection',
    description: 'The vendor’s egress ranges that separate its sign-ins from an attacker’s.',
    icon: 'alertOctagon',
  },
];

/**
 * The management app's certificate facts, from the public certificate file only
 * (REKEY_MGMT_CERT_PATH). The private key file (REKEY_MGMT_KEY_PATH) is never read here.
 */
function managementCertificate(
  path: string | undefined,
): { ok: true; sha1: string; sha256: string; subject: string; notAfter: Date } | { ok: false; message: string } | null {
  if (!path) return null;
  try {
    const leaf = parseCertificateInput({ data: readFileSync(path), filename: path }).leaf;
    return {
      ok: true,
      sha1: leaf.sha1Thumbprint,
      sha256: leaf.sha256Thumbprint,
      subject: leaf.subject,
      notAfter: leaf.notAfter,
    };
  } catch (e) {
    return { ok: false, message: `Cannot read the certificate: ${(e as Error).message}` };
  }
}

export default async function SettingsPage() {
  await requirePrincipal('admin');
  const e = env();
  const cert = managementCertificate(e.REKEY_MGMT_CERT_PATH);
  return (
    <>
      <PageHeader
        title="Settings"
        description="Users and roles, notifications, what discovery looks for, how statuses are decided, and the management app Rekey signs in to tenants with."
      />
      <nav aria-label="Settings sections" className="mb-8">
        <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
          {SECTIONS.map((s) => (
            <li key={s.href}>
              <Link
                href={s.href}
                className="group flex h-full gap-3 rounded-lg border border-border bg-surface p-4 shadow-xs transition-colors hover:border-border-strong hover:bg-surface-2/40"
              >
                <span className="grid size-8 shrink-0 place-items-center rounded-md bg-surface-2 text-fg-muted">
                  <Icon name={s.icon} />
                </span>
                <span className="min-w-0">
                  <span className="flex items-center gap-1 text-sm font-semibold text-fg">
                    {s.title}
                    <Icon name="chevronRight" size={14} className="text-fg-subtle" />
                  </span>
                  <span className="mt-0.5 block text-sm text-fg-muted">{s.description}</span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <Card className="max-w-3xl">
        <CardHeader>
          <CardTitle>Management app</CardTitle>
          <CardDescription>
            Read-only: set through environment variables (see the README). Its private key never leaves the server and
            is not shown.
          </CardDescription>
        </CardHeader>
        <CardBody>
          <DescriptionList
            items={[
              {
                term: 'Client id',
                value: e.REKEY_MGMT_CLIENT_ID ? (
                  <Mono>{e.REKEY_MGMT_CLIENT_ID}</Mono>
                ) : (
                  'Not configured (REKEY_MGMT_CLIENT_ID)'
                ),
              },
              { term: 'Cloud', value: e.REKEY_CLOUD },
              { term: 'Authority host', value: <Mono>{e.authorityHost}</Mono> },
              { term: 'Graph endpoint', value: <Mono>{e.graphEndpoint}</Mono> },
              {
                term: 'Certificate',
                value: !cert ? (
                  'Not configured (REKEY_MGMT_CERT_PATH)'
                ) : cert.ok ? (
                  <span className="space-y-1">
                    <span className="block">
                      {cert.subject}, expires {formatDate(cert.notAfter)}
                    </span>
                    <span className="block">
                      SHA-1 <Mono>{cert.sha1}</Mono>
                    </span>
                    <span className="block break-all">
                      SHA-256 <Mono>{cert.sha256}</Mono>
                    </span>
                  </span>
                ) : (
                  <span className="text-danger">{cert.message}</span>
                ),
              },
            ]}
          />
        </CardBody>
      </Card>
    </>
  );
}
