/** The parts of the engine's dependencies that are the same in production and tests (retry policy, jitter, clock). */
import { DEFAULT_RETRY_POLICY } from '@/lib/rotation/machine';

export const defaultDepsPart = {
  retryPolicy: DEFAULT_RETRY_POLICY,
  jitterMs: () => Math.floor(Math.random() * 1_000),
  clock: () => new Date(),
};
