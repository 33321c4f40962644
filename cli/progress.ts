/**
 * Progress of a long CLI step (tenant import, consent checks, scans, a campaign being watched, the
 * demo fleet's onboarding): done / total, rate and time left, always on stderr so that stdout (and
 * `--json`) stays clean. On a terminal it is one line redrawn in place (at most every 200 ms);
 * otherwise (a pipe, a log file, `npm start`'s log) a plain line every few seconds, plus the first
 * and the last.
 */
import { formatDuration } from '@/lib/ops/onboarding-progress';

export interface ProgressSink {
  write(text: string): void;
  /** A terminal: redraw one line instead of printing lines. */
  isTTY?: boolean;
}

export interface CliProgress {
  /** `n` more items done (default 1). */
  tick(n?: number): void;
  /** Sets how many are done (a poll that reads a count). */
  set(done: number, total?: number): void;
  /** Prints the final line ("… 600 of 600 in 41 s (14.5/s)"); the last tick calls it. Idempotent. */
  end(note?: string): void;
}

export interface ProgressOptions {
  sink?: ProgressSink;
  /** Plain-line interval off a terminal (default 5 s; REKEY_PROGRESS_EVERY_MS overrides). */
  everyMs?: number;
  now?: () => number;
}

const count = (n: number) => n.toLocaleString('en-US');
const rate = (perSecond: number) => (perSecond >= 10 ? String(Math.round(perSecond)) : perSecond.toFixed(1));

/** "consent checks: 3,200 of 10,000 (320/s, about 21 s left)". */
export function progressLine(label: string, done: number, total: number, elapsedMs: number): string {
  const head = `${label}: ${count(done)} of ${count(total)}`;
  const seconds = elapsedMs / 1000;
  if (done >= total)
    return `${head} in ${formatDuration(seconds)}${seconds > 0 && done > 0 ? ` (${rate(done / seconds)}/s)` : ''}`;
  if (!(seconds > 0) || done <= 0) return head;
  const perSecond = done / seconds;
  return `${head} (${rate(perSecond)}/s, about ${formatDuration((total - done) / perSecond)} left)`;
}

export function startProgress(label: string, total: number, opts: ProgressOptions = {}): CliProgress {
  const sink: ProgressSink = opts.sink ?? {
    write: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
  };
  const now = opts.now ?? Date.now;
  const envEvery = Number(process.env.REKEY_PROGRESS_EVERY_MS);
  const everyMs = opts.everyMs ?? (Number.isFinite(envEvery) && envEvery > 0 ? envEvery : 5000);
  const started = now();
  let done = 0;
  let last = started;
  let ended = false;
  let drawn = 0; // length of the line on screen (TTY)
  const draw = (final: boolean) => {
    const line = progressLine(label, done, total, now() - started);
    if (sink.isTTY) {
      // \r then the line, padded over what was there; a newline only when finished.
      sink.write(`\r${line.padEnd(drawn)}${final ? '\n' : ''}`);
      drawn = final ? 0 : line.length;
    } else sink.write(`${line}\n`);
  };
  const maybeDraw = () => {
    if (ended) return;
    const t = now();
    if (t - last >= (sink.isTTY ? 200 : everyMs)) {
      last = t;
      draw(false);
    }
  };
  const end = (note?: string) => {
    if (ended) return;
    ended = true;
    draw(true);
    if (note) sink.write(`${note}\n`);
  };
  draw(false);
  return {
    tick(n = 1) {
      done += n;
      if (done >= total) end();
      else maybeDraw();
    },
    set(d, t) {
      done = d;
      if (t !== undefined) total = t;
      maybeDraw();
    },
    end,
  };
}
