/**
 * REKEY_AUDIT_CHECKPOINT_FILE (ADR 018): every audit checkpoint also appended as a line
 * `SEQ:HASH AT` to a file — put it on another disk, a log shipper or an append-only mount, so a
 * record of the chain's head lives outside the database. Each line is what
 * `rekey audit verify --against SEQ:HASH` takes (the part before the space).
 *
 * `npm start` runs one writer: it follows the checkpoint table (written by the database at every
 * audited commit, from any process or instance) every couple of seconds and appends what is new,
 * in order. It resumes after the last line of the file; a new file starts at the latest checkpoint.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export interface CheckpointFileWriter {
  /** Appends every checkpoint not yet in the file; resolves to how many lines it wrote. */
  flush(): Promise<number>;
  /** A last flush, then no more. */
  stop(): Promise<void>;
}

/** The sequence number of the file's last checkpoint line (null: no file or no line yet). */
export function lastCheckpointInFile(file: string): bigint | null {
  let text: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, 4096);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      text = buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const lines = text.split('\n').filter((l) => /^\d+:[0-9a-f]{64}\b/.test(l));
  const last = lines[lines.length - 1];
  return last ? BigInt(last.slice(0, last.indexOf(':'))) : null;
}

export function formatCheckpointLine(c: { seq: bigint | string; hash: string; at: Date }): string {
  return `${c.seq}:${c.hash} ${c.at.toISOString()}\n`;
}

export async function startCheckpointFileWriter(opts: {
  connectionString: string;
  file: string;
  intervalMs?: number;
  onError?(e: Error): void;
}): Promise<CheckpointFileWriter> {
  const file = path.resolve(opts.file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: 1 });
  pool.on('error', (e) => opts.onError?.(e));
  let after = lastCheckpointInFile(file);
  if (after === null) {
    // A new file starts with the current head (older checkpoints are in the database).
    const r = await pool.query<{ seq: string }>('SELECT seq FROM "AuditCheckpoint" ORDER BY seq DESC, id DESC LIMIT 1');
    after = r.rows[0] ? BigInt(r.rows[0].seq) - 1n : 0n;
  }
  let running: Promise<number> | null = null;
  const flushOnce = async (): Promise<number> => {
    let written = 0;
    for (;;) {
      const r = await pool.query<{ seq: string; hash: string; at: Date }>(
        `SELECT seq, hash, "at" AT TIME ZONE 'UTC' AS "at" FROM "AuditCheckpoint" WHERE seq > $1 ORDER BY seq, id LIMIT 1000`,
        [after!.toString()],
      );
      // The same head can be checkpointed twice (never backwards): one line per sequence number.
      const rows = r.rows.filter((row, i, all) => i === 0 || all[i - 1]!.seq !== row.seq);
      if (rows.length === 0) return written;
      fs.appendFileSync(file, rows.map(formatCheckpointLine).join(''));
      after = BigInt(rows[rows.length - 1]!.seq);
      written += rows.length;
      if (r.rows.length < 1000) return written;
    }
  };
  const flush = () => {
    running ??= flushOnce().finally(() => (running = null));
    return running;
  };
  const timer = setInterval(() => {
    flush().catch((e: unknown) => opts.onError?.(e as Error));
  }, opts.intervalMs ?? 2000);
  timer.unref();
  await flush();
  return {
    flush,
    async stop() {
      clearInterval(timer);
      // Twice: a flush already running may have read before the last commits.
      await flush().catch((e: unknown) => opts.onError?.(e as Error));
      await flush().catch((e: unknown) => opts.onError?.(e as Error));
      await pool.end();
    },
  };
}
