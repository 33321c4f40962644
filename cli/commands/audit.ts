import { EXIT, type Command } from '../command';
import { withRuntime } from '../session';

export const auditCommands: Command[] = [
  {
    path: ['audit', 'verify'],
    summary:
      'Walk the hash-chained audit log and compare it with every checkpoint; exit 1 naming the first broken event or the missing range.',
    usage: 'audit verify [--against SEQ:HASH] [--json]',
    options: { against: { type: 'string' } },
    async run({ values }, io) {
      const { parseCheckpoint } = await import('@/lib/audit/audit-checkpoint');
      const against = typeof values.against === 'string' ? parseCheckpoint(values.against) : null;
      const report = await withRuntime(
        values,
        async (ctx) => {
          const { verifyAuditChain } = await import('@/lib/audit/verify-audit-chain');
          return verifyAuditChain(ctx.db, { against });
        },
        // The audit log is readable without the vault's master key (e.g. after losing it).
        { checkVault: false },
      );
      if (values.json) io.out(JSON.stringify(report));
      if (report.ok) {
        if (!values.json)
          io.out(
            `audit log intact: ${report.events} event(s) verified${report.checkpoint ? `, up to the latest checkpoint ${report.checkpoint.split(':')[0]}` : ''}`,
          );
        return EXIT.OK;
      }
      io.err(
        report.reason === 'truncated' || report.reason === 'deleted'
          ? `audit log ${report.reason === 'truncated' ? 'TRUNCATED' : 'has DELETED events'}: events ${report.missing!.from}–${report.missing!.to} are missing: ${report.detail}`
          : `audit log BROKEN at event ${report.brokenAt} (${report.reason}): ${report.detail}\n${Math.max(0, report.events - 1)} event(s) before it verified.`,
      );
      return EXIT.FAILED;
    },
  },
  {
    path: ['audit', 'checkpoint'],
    summary: 'Print the audit log head (SEQ:HASH) to keep outside the database; check it later with verify --against.',
    usage: 'audit checkpoint [--json]',
    async run({ values }, io) {
      const head = await withRuntime(
        values,
        async (ctx) => {
          const { findAuditHead } = await import('@/lib/audit/audit-checkpoint');
          return findAuditHead(ctx.db);
        },
        { checkVault: false },
      );
      if (values.json) io.out(JSON.stringify(head ? { ...head, checkpoint: `${head.seq}:${head.hash}` } : null));
      else if (head) io.out(`${head.seq}:${head.hash}  (${head.at.toISOString()})`);
      else io.err('the audit log is empty: nothing to checkpoint yet');
      return EXIT.OK;
    },
  },
];
