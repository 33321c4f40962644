/**
 * A reserving token bucket with an injected clock: `reserve(n)` always succeeds and returns how
 * long the caller must wait before using what it reserved (0 when the bucket had enough). Callers
 * that reserve while the bucket is empty queue up behind each other, so waits are FIFO-fair and
 * a burst never exceeds `capacity` within any window. O(1), no timers.
 */
export interface TokenBucket {
  /** Reserve `n` tokens; returns the wait in ms before they may be used. */
  reserve(n?: number): number;
  /** Tokens available now (negative while callers are waiting on reservations). */
  available(): number;
}

export function createTokenBucket(opts: { capacity: number; windowMs: number; clock: () => number }): TokenBucket {
  const rate = opts.capacity / opts.windowMs; // tokens per ms
  let tokens = opts.capacity;
  let last = opts.clock();
  function refill() {
    const now = opts.clock();
    if (now > last) {
      tokens = Math.min(opts.capacity, tokens + (now - last) * rate);
      last = now;
    }
  }
  return {
    reserve(n = 1) {
      refill();
      tokens -= n;
      return tokens >= 0 ? 0 : Math.ceil(-tokens / rate - 1e-6);
    },
    available() {
      refill();
      return tokens;
    },
  };
}

/** A counting semaphore: at most `limit` holders; waiters are served FIFO. */
export interface Semaphore {
  acquire(): Promise<() => void>;
  readonly active: number;
  readonly waiting: number;
}

export function createSemaphore(limit: number): Semaphore {
  let active = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else active--;
  };
  return {
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    acquire() {
      if (active < limit) {
        active++;
        return Promise.resolve(once(release));
      }
      return new Promise((resolve) => queue.push(() => resolve(once(release))));
    },
  };
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      fn();
    }
  };
}
