import { EXIT, type Command } from '../command';
import { withRuntime } from '../session';

export const auditCommands: Command[] = [
  {
    path: ['audit', 'verify'],
    summary: 'Walk the hash-chained audit log; exit 1 and name the first broken event if it was tampered with.',
    usage: 'audit verify [--json]',
    async run({ values }, io) {
      const report = await withRuntime(values, async (ctx) => {
        const { verifyAuditChain } = await import('@/lib/audit/verify-audit-chain');
        return verifyAuditChain(ctx.db);
      });
      if (values.json) io.out(JSON.stringify(report));
      if (report.ok) {
        if (!values.json) io.out(`audit log intact: ${report.events} event(s) verified`);
        return EXIT.OK;
      }
      io.err(
        `audit log BROKEN at event ${report.brokenAt} (${report.reason}): ${report.detail}\n${report.events - 1} event(s) before it verified.`,
      );
      return EXIT.FAILED;
    },
  },
];
