import type { Metadata } from 'next';
import { LinkButton } from '@/components/ui/link-button';
import { StatusPage } from '@/components/shell/status-page';
import { firstParam, type SearchParams } from '@/lib/utils';

export const metadata: Metadata = { title: 'Access denied', robots: { index: false } };

const ROLES = {
  viewer: { label: 'Viewer', can: 'see tenants, connectors, status and evidence' },
  operator: { label: 'Operator', can: 'start, resume and cancel rotations and campaigns' },
  admin: { label: 'Admin', can: 'manage settings, users, roles and tenant onboarding' },
} as const;

type Role = keyof typeof ROLES;

/** Only same-site paths are echoed back as a link (no open redirect). */
function safePath(p: string | undefined): string | undefined {
  return p && p.startsWith('/') && !p.startsWith('//') && !p.startsWith('/\\') ? p : undefined;
}

/** 403: says which role is needed. `/forbidden?need=operator&from=/rotations/abc` */
export default async function ForbiddenPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const sp = await searchParams;
  const needRaw = firstParam(sp.need);
  const need = needRaw && Object.hasOwn(ROLES, needRaw) ? (needRaw as Role) : undefined;
  const from = safePath(firstParam(sp.from));
  const role = need ? ROLES[need] : undefined;

  return (
    <StatusPage
      code="403"
      title={role ? `${role.label} role required` : 'You don’t have access to this page'}
      description={
        <div className="space-y-3">
          <p>
            {role
              ? `This action needs the ${role.label} role, which lets people ${role.can}.`
              : 'Your role does not include this page or action.'}{' '}
            {need === 'operator' ? 'Admins can do this too.' : null}
          </p>
          <p>
            Ask a Rekey admin to grant the role (Settings → Users), or to limit it to the tenants you manage. Then sign
            in again.
          </p>
          {from ? (
            <p>
              Requested: <code className="rounded bg-surface-2 px-1 font-mono text-xs text-fg">{from}</code>
            </p>
          ) : null}
        </div>
      }
    >
      <LinkButton href="/" variant="primary">
        Go to overview
      </LinkButton>
      {/* A plain link: prefetching it would follow the redirect to the identity provider. */}
      <LinkButton href="/auth/sign-in" prefetch={false}>
        Sign in as someone else
      </LinkButton>
    </StatusPage>
  );
}
