import { Alert } from '@/components/ui/alert';
import { ProgressBar } from '@/components/ui/progress-bar';
import { describeProgress, type OnboardingProgress } from '@/lib/ops/onboarding-progress';
import { RefreshEvery } from './refresh-every';

/**
 * On every dashboard page while the fleet's onboarding runs behind it (npm start's demo fleet):
 * which step, how far, how fast — so nobody mistakes a half-scanned fleet for the truth. The page
 * re-renders every few seconds, so figures fill in as tenants are checked. A polite status region
 * (role=status): screen readers hear the progress when they are idle, and focus never moves.
 */
export function OnboardingBanner({ progress }: { progress: OnboardingProgress | null }) {
  if (!progress || progress.finishedAt) return null;
  const importing = progress.phase === 'importing tenants';
  const waiting = progress.step === 0 || progress.phase === 'waiting to start' || importing;
  const stopped = progress.error !== null;
  return (
    <Alert
      tone={stopped ? 'warning' : 'info'}
      live="status"
      className="mb-6"
      title={
        stopped
          ? `${progress.subject} stopped: figures are incomplete`
          : `${progress.subject}: figures are incomplete until it finishes`
      }
    >
      {stopped ? (
        <p>
          {progress.error} It resumes the next time Rekey starts (or run <code>rekey db onboard</code>).
        </p>
      ) : waiting ? (
        <p>
          {importing
            ? `Importing ${progress.total.toLocaleString('en-US')} tenants; consent checks and scans follow.`
            : 'Consent checks and scans start in a moment.'}
        </p>
      ) : (
        <div className="space-y-2">
          <ProgressBar
            showLabel
            label={`Step ${progress.step} of ${progress.steps}: ${progress.phase}`}
            value={progress.done}
            max={Math.max(progress.total, 1)}
            valueText={describeProgress(progress)}
          />
          <p className="text-xs text-fg-muted">
            Tenants not yet checked show as not consented or never scanned. This page updates by itself.
          </p>
        </div>
      )}
      {stopped ? null : <RefreshEvery seconds={5} />}
    </Alert>
  );
}
