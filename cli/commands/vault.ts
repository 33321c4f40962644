import { EXIT, type Command } from '../command';
import { withDb } from '../with-db';
import { SYSTEM_ACTOR } from '@/lib/audit/append-audit-event';
import { env } from '@/lib/env';
import { currentKeyRing, masterKeyFile } from '@/lib/vault/key-ring';
import { beginFileKeyRotation, finishFileKeyRotation } from '@/lib/vault/master-key';
import { rewrapAllSealedKeys } from '@/lib/vault/rotate-master-key';

export const vaultCommands: Command[] = [
  {
    path: ['vault', 'rotate-master-key'],
    summary: 'Re-wrap every stored private key under a new master key, without downtime.',
    usage:
      'vault rotate-master-key [--json]\n\n' +
      'With REKEY_MASTER_KEY: set the new key as REKEY_MASTER_KEY and the old one in REKEY_MASTER_KEY_PREVIOUS\n' +
      'on every process, then run this; afterwards drop REKEY_MASTER_KEY_PREVIOUS.\n' +
      'Embedded default (key file under REKEY_DATA_DIR): this generates the new key itself.',
    async run({ values }, io) {
      const fileMode = !env().REKEY_MASTER_KEY;
      const ring = fileMode ? beginFileKeyRotation(masterKeyFile()) : currentKeyRing();
      const report = await withDb(async () => {
        const { db } = await import('@/lib/db');
        return rewrapAllSealedKeys(db, ring, { ...SYSTEM_ACTOR, label: 'cli: vault rotate-master-key' });
      });
      if (fileMode) finishFileKeyRotation(masterKeyFile());
      if (values.json) io.out(JSON.stringify({ ok: true, masterKeyId: ring.current.id, ...report }));
      else
        io.err(
          `re-wrapped ${report.certificates} certificate key(s) and ${report.requests} pending request key(s) under master key ${ring.current.id}; ${report.alreadyCurrent} were already current`,
        );
      return EXIT.OK;
    },
  },
];
