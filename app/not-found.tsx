import type { Metadata } from 'next';
import { LinkButton } from '@/components/ui/link-button';
import { StatusPage } from '@/components/shell/status-page';

export const metadata: Metadata = { title: 'Not found' };

export default function NotFound() {
  return (
    <StatusPage
      code="404"
      title="Page not found"
      description="The page or record you asked for does not exist, or it was removed."
    >
      <LinkButton href="/" variant="primary">
        Go to overview
      </LinkButton>
      <LinkButton href="/tenants">Find a tenant</LinkButton>
    </StatusPage>
  );
}
