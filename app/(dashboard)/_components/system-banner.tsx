import { Alert } from '@/components/ui/alert';

/** For admins, on every dashboard page: what in the running system needs them (lib/ops/health-report.ts). */
export function SystemBanner({ problems }: { problems: string[] }) {
  if (problems.length === 0) return null;
  return (
    <Alert tone="danger" title="Rekey needs attention" className="mb-6" live="status">
      <ul className="list-disc space-y-0.5 pl-4">
        {problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
      <p>
        Details: <a href="/api/health">/api/health</a>
      </p>
    </Alert>
  );
}
