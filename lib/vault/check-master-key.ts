/**
 * Start-up check of the vault (run by `npm start` before anything else uses it, and by every
 * `rekey` process that opens the stack, `rekey worker` included): when private
 * keys are already sealed in the database, the configured master key (REKEY_MASTER_KEY, or the
 * key file under the data directory) must be there and must open them. Without this, a lost key
 * file would silently be replaced by a new key and every stored private key would be unreadable
 * from the next rotation on. Reads one sealed key per master-key id and opens it; never logs a key.
 * Backup and recovery: README, "Master key: backup and recovery".
 */
import path from 'node:path';
import pg from 'pg';
import { RekeyError } from '@/lib/errors';
import { loadMasterKeyRing, MissingMasterKeyError, type MasterKeyRing } from '@/lib/vault/master-key';
import { openSealedKey, readSealedKeyHeader } from '@/lib/vault/sealed-key';

const RECOVERY = 'See "Master key: backup and recovery" in README.md.';

export interface SealedSample {
  masterKeyId: string;
  count: number;
  sample: string;
}

/** One sealed key per master-key id, with how many keys each id sealed. */
export async function listSealedKeysByMaster(databaseUrl: string): Promise<SealedSample[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const r = await client.query<{ kid: string; n: string; sample: string }>(
      `SELECT split_part(s, '.', 2) AS kid, count(*) AS n, min(s) AS sample FROM (
         SELECT "sealedPrivateKey" AS s FROM "Certificate" WHERE "sealedPrivateKey" IS NOT NULL
         UNION ALL SELECT "sealedPrivateKey" FROM "CertificateRequest"
       ) sealed GROUP BY 1 ORDER BY 2 DESC`,
    );
    return r.rows.map((row) => ({ masterKeyId: row.kid, count: Number(row.n), sample: row.sample }));
  } finally {
    await client.end();
  }
}

/** Pure: the refusal (or null) for these sealed keys and this way of loading the ring. */
export function checkRingOpens(sealed: SealedSample[], loadRing: () => MasterKeyRing, keyFile: string): string | null {
  if (sealed.length === 0) return null;
  const total = sealed.reduce((n, s) => n + s.count, 0);
  let ring: MasterKeyRing;
  try {
    ring = loadRing();
  } catch (e) {
    if (e instanceof MissingMasterKeyError)
      return (
        `${total} private key(s) are sealed in the database under master key ${sealed.map((s) => s.masterKeyId).join(', ')}, ` +
        `but the master key file ${keyFile} is missing and REKEY_MASTER_KEY is not set. Rekey will not make a new key: ` +
        `that would leave those private keys unreadable. Restore the key file from your backup (mode 0600) or set REKEY_MASTER_KEY. ${RECOVERY}`
      );
    throw e;
  }
  const known = new Map([ring.current, ...ring.previous].map((k) => [k.id, k]));
  const unknown = sealed.filter((s) => !known.has(s.masterKeyId));
  if (unknown.length > 0) {
    return (
      `The configured master key (id ${ring.current.id}) cannot open ${unknown.reduce((n, s) => n + s.count, 0)} of the ` +
      `${total} sealed private key(s): they were sealed under master key ${unknown.map((s) => s.masterKeyId).join(', ')}. ` +
      `Configure that key (REKEY_MASTER_KEY or ${keyFile}; during a master-key rotation the old one in REKEY_MASTER_KEY_PREVIOUS). ${RECOVERY}`
    );
  }
  for (const s of sealed) {
    try {
      openSealedKey(s.sample, readSealedKeyHeader(s.sample).certSha256, ring);
    } catch (e) {
      return `A private key sealed under master key ${s.masterKeyId} does not open with the configured key (${(e as Error).message}). ${RECOVERY}`;
    }
  }
  return null;
}

export async function assertMasterKeyOpensVault(
  databaseUrl: string,
  env: { dataDir: string; REKEY_MASTER_KEY?: string | undefined },
): Promise<void> {
  const sealed = await listSealedKeysByMaster(databaseUrl);
  const keyFile = path.join(env.dataDir, 'master.key');
  // Nothing sealed yet: the one moment a key may be made (the key file, when REKEY_MASTER_KEY is
  // not set); processes never make one later (lib/vault/key-ring.ts).
  if (sealed.length === 0) {
    loadMasterKeyRing({ keyFile, create: true });
    return;
  }
  const refusal = checkRingOpens(
    sealed,
    () => loadMasterKeyRing({ keyFile, create: false }),
    env.REKEY_MASTER_KEY ? 'REKEY_MASTER_KEY' : keyFile,
  );
  if (refusal) throw new RekeyError('CONFIG', refusal);
}
