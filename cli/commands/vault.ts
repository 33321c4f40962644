import { EXIT, type Command } from '../command';
import { withRuntime } from '../session';

export const vaultCommands: Command[] = [
  {
    path: ['vault', 'rotate-master-key'],
    summary: 'Re-wrap every stored private key under a new master key, without downtime.',
    usage: 'vault rotate-master-key [--json]',
    details:
      'With REKEY_MASTER_KEY: set the new key as REKEY_MASTER_KEY and the old one in REKEY_MASTER_KEY_PREVIOUS\n' +
      'on every process, then run this; afterwards drop REKEY_MASTER_KEY_PREVIOUS.\n' +
      'Embedded default (key file under REKEY_DATA_DIR): this generates the new key itself.',
    async run({ values }, io) {
      const { ring, report } = await withRuntime(values, async (ctx) => {
        const { currentKeyRing, masterKeyFile } = await import('@/lib/vault/key-ring');
        const { beginFileKeyRotation, finishFileKeyRotation } = await import('@/lib/vault/master-key');
        const { rewrapAllSealedKeys } = await import('@/lib/vault/rotate-master-key');
        const fileMode = !ctx.runtime.env.REKEY_MASTER_KEY;
        const ring = fileMode ? beginFileKeyRotation(masterKeyFile()) : currentKeyRing();
        const report = await rewrapAllSealedKeys(ctx.db, ring, ctx.actor);
        if (fileMode) finishFileKeyRotation(masterKeyFile());
        return { ring, report, fileMode };
      });
      if (values.json) io.out(JSON.stringify({ ok: true, masterKeyId: ring.current.id, ...report }));
      else
        io.err(
          `re-wrapped ${report.certificates} certificate key(s) and ${report.requests} pending request key(s) under master key ${ring.current.id}; ${report.alreadyCurrent} were already current`,
        );
      return EXIT.OK;
    },
  },
];
