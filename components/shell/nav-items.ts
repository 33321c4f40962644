import type { IconName } from '@/components/ui/icon';

export type NavItem = { href: string; label: string; icon: IconName };
/** `adminOnly`: shown only to admins (everyone else would land on a 403). */
export type NavGroup = { id: string; label: string; items: NavItem[]; adminOnly?: boolean };

/** The dashboard's primary navigation, grouped by job: see, fix, prove. */
export const NAV_GROUPS: NavGroup[] = [
  {
    id: 'monitor',
    label: 'Monitor',
    items: [
      { href: '/', label: 'Overview', icon: 'home' },
      { href: '/tenants', label: 'Tenants', icon: 'building' },
      { href: '/connectors', label: 'Connectors', icon: 'plug' },
    ],
  },
  {
    id: 'remediate',
    label: 'Remediate',
    items: [
      { href: '/rotations', label: 'Rotations', icon: 'rotate' },
      { href: '/campaigns', label: 'Campaigns', icon: 'layers' },
      // Every dashboard role may see invitations (the page requires viewer; creating them, operator).
      { href: '/invitations', label: 'Invitations', icon: 'inbox' },
    ],
  },
  {
    id: 'evidence',
    label: 'Evidence',
    items: [
      { href: '/certificates', label: 'Certificates', icon: 'key' },
      { href: '/advisories', label: 'Advisories', icon: 'megaphone' },
      { href: '/audit', label: 'Audit', icon: 'list' },
    ],
  },
  { id: 'admin', label: 'Admin', adminOnly: true, items: [{ href: '/settings', label: 'Settings', icon: 'settings' }] },
];

/** `/` matches only itself; other items match their subtree (`/tenants/123`). */
export function isActive(pathname: string, href: string): boolean {
  if (href === '/') return pathname === '/';
  return pathname === href || pathname.startsWith(`${href}/`);
}
