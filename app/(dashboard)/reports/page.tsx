import { redirect } from 'next/navigation';
import { requirePrincipal } from '@/lib/auth/context';

export default async function ReportsPage() {
  await requirePrincipal('viewer');
  redirect('/reports/security');
}
