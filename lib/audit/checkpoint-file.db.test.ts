/**
 * REKEY_AUDIT_CHECKPOINT_FILE: each checkpoint the database records becomes a line of the file,
 * in order, once; a restarted writer resumes after the file's last line; every line is a head
 * that `audit verify --against` accepts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { parseCheckpoint } from '@/lib/audit/audit-checkpoint';
import { lastCheckpointInFile, startCheckpointFileWriter } from '@/lib/audit/checkpoint-file';
import { verifyAuditChain } from '@/lib/audit/verify-audit-chain';

const append = (n: number) =>
  (async () => {
    for (let i = 0; i < n; i++)
      await db.$transaction((tx) =>
        appendAuditEvent(tx, { id: null, label: 'file-test' }, { action: 'x.file', targetType: 't', targetId: `${i}` }),
      );
  })();

const lines = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n');

describe('audit checkpoints appended to a file', () => {
  it('starts at the current head, appends each new checkpoint once and in order, and resumes after a restart', async () => {
    await append(2);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-cp-')), 'sub', 'checkpoints.log');
    const url = process.env.DATABASE_URL!;
    let writer = await startCheckpointFileWriter({ connectionString: url, file, intervalMs: 60_000 });
    const head = await db.auditCheckpoint.findFirstOrThrow({ orderBy: [{ seq: 'desc' }, { id: 'desc' }] });
    expect(lines(file)).toEqual([expect.stringMatching(new RegExp(`^${head.seq}:${head.hash} \\d{4}-\\d\\d-\\d\\dT`))]);

    await append(3);
    expect(await writer.flush()).toBe(3);
    await writer.stop();
    await append(2);
    // Restarted (as npm start is): only what is not in the file yet.
    writer = await startCheckpointFileWriter({ connectionString: url, file, intervalMs: 60_000 });
    await writer.stop();

    const all = lines(file);
    expect(all).toHaveLength(6);
    const seqs = all.map((l) => BigInt(l.slice(0, l.indexOf(':'))));
    expect([...seqs].sort((a, b) => (a < b ? -1 : 1))).toEqual(seqs);
    expect(new Set(seqs).size).toBe(6);
    const stored = await db.auditCheckpoint.findMany({ where: { seq: { gte: head.seq } }, orderBy: { seq: 'asc' } });
    expect(all.map((l) => l.split(' ')[0])).toEqual([...new Set(stored.map((c) => `${c.seq}:${c.hash}`))]);
    expect(lastCheckpointInFile(file)).toBe(seqs[5]);
    for (const l of all)
      expect(await verifyAuditChain(db, { against: parseCheckpoint(l.split(' ')[0]!) })).toMatchObject({ ok: true });
  });
});
