import { createInterface } from 'node:readline/promises';
import { EXIT, UsageError, type Command } from '../command';
import { withRuntime } from '../session';
import { planFor, planStepsOf } from '@/lib/rotation/machine';

export interface RotateTerminal {
  isTTY: boolean;
  /** Asks a question and returns the typed answer. */
  ask(question: string): Promise<string>;
}

const stdinTerminal: RotateTerminal = {
  isTTY: Boolean(process.stdin.isTTY && process.stderr.isTTY),
  async ask(q) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(q);
    } finally {
      rl.close();
    }
  },
};

/**
 * `rekey rotate --connector ID --to CERT [--mode rotate|reestablish] [--recreate] [--yes]`:
 * prints the plan; without --yes asks for the connector's name to be typed (refuses when stdin
 * is not a terminal); then starts the rotation. The worker (`npm start` or `rekey worker`) runs it.
 */
export function rotateCommand(term: RotateTerminal = stdinTerminal): Command {
  return {
    path: ['rotate'],
    summary: 'Rotate one connector to a certificate (plan, confirm, start; the worker runs it).',
    usage: 'rotate --connector ID --to CERT [--mode rotate|reestablish] [--recreate] [--yes] [--as EMAIL] [--json]',
    details:
      '--to CERT       the certificate: its id, SHA-1 or SHA-256 thumbprint (any case; colons allowed)\n' +
      '--yes           start without typing the connector name (needed when stdin is not a terminal)\n' +
      '--as EMAIL      act as that Rekey user (their role and tenant scope apply)',
    options: {
      connector: { type: 'string' },
      to: { type: 'string' },
      mode: { type: 'string' },
      recreate: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      as: { type: 'string' },
    },
    async run({ values }, io) {
      const connectorId = values.connector;
      const to = values.to;
      const mode = (values.mode ?? 'rotate') as string;
      if (typeof connectorId !== 'string' || !connectorId) throw new UsageError('--connector is required');
      if (typeof to !== 'string' || !to)
        throw new UsageError('--to is required (certificate id, SHA-1 or SHA-256 thumbprint)');
      if (mode !== 'rotate' && mode !== 'reestablish') throw new UsageError('--mode must be rotate or reestablish');
      if (values.recreate && mode !== 'reestablish') throw new UsageError('--recreate needs --mode reestablish');
      if (!values.yes && !term.isTTY) {
        throw new UsageError(
          'refusing to start a rotation without confirmation: not a terminal. Pass --yes to confirm non-interactively.',
        );
      }
      return withRuntime(values, async (ctx) => {
        const { getCertificateByIdOrThumbprint } = await import('@/lib/rotation/find-certificate');
        const { startRotation } = await import('@/lib/rotation/start-rotation');
        const { RekeyError } = await import('@/lib/errors');
        const connector = /^[0-9a-f-]{36}$/i.test(connectorId)
          ? await ctx.db.connector.findUnique({
              where: { id: connectorId },
              include: { tenant: true, currentCertificate: { select: { sha1Thumbprint: true, notAfter: true } } },
            })
          : null;
        if (!connector)
          throw new RekeyError('NOT_FOUND', `Connector ${connectorId} not found (rekey connectors list shows them).`);
        const cert = await getCertificateByIdOrThumbprint(ctx.db, to);
        // The wizard's trust filter: never a certificate on an advisory or found as an unknown
        // credential in a tenant (exit 1, the reason in one line).
        const { requireTrustedReplacement } = await import('@/lib/rotation/preflight-trust');
        await requireTrustedReplacement(ctx.db, cert.id, { what: `Certificate ${cert.sha1Thumbprint}` });
        const plan = planFor(mode, Boolean(values.recreate));
        const planText = [
          `Connector:  ${connector.displayName} (${connector.id})`,
          `Tenant:     ${connector.tenant.displayName} (${connector.tenant.entraTenantId})`,
          `From:       ${connector.currentCertificate ? `${connector.currentCertificate.sha1Thumbprint} (until ${connector.currentCertificate.notAfter.toISOString().slice(0, 10)})` : 'unknown (every credential other than the new one counts as old)'}`,
          `To:         ${cert.sha1Thumbprint} ${cert.subject} (until ${cert.notAfter.toISOString().slice(0, 10)})`,
          `Mode:       ${mode === 'rotate' ? 'rotate key (make-before-break)' : values.recreate ? 're-establish: delete and recreate the connection' : 're-establish: remove the old credential first'}`,
          `Steps:      ${planStepsOf(plan)
            .filter((s) => s !== 'done')
            .join(' → ')}`,
        ].join('\n');
        if (!values.json || !values.yes) io.err(planText);
        if (!values.yes) {
          const answer = (await term.ask(`\nType the connector's name (${connector.displayName}) to start: `)).trim();
          if (answer !== connector.displayName) {
            io.err('not confirmed; nothing started');
            return EXIT.FAILED;
          }
        }
        const rotation = await startRotation(ctx, {
          connectorId: connector.id,
          toCertificateId: cert.id,
          mode,
          recreate: Boolean(values.recreate),
        });
        if (values.json)
          io.out(
            JSON.stringify({
              ok: true,
              rotation: { id: rotation.id, state: rotation.state, step: rotation.step, mode: rotation.mode },
            }),
          );
        else io.err(`started rotation ${rotation.id} (${plan}); the worker runs it (npm start or rekey worker)`);
        return EXIT.OK;
      });
    },
  };
}

export const rotateCommands: Command[] = [rotateCommand()];
