// Entra ID replicates directory writes: a read right after a write may be served by a replica that
// has not seen it yet. The model: every Graph write to an application or service principal is
// acknowledged by the primary at once, but reads (GET of the object, lists, filters) see the
// object as it was before the write until a lag has passed; a just-created object is not found
// (and `POST /servicePrincipals` for it fails with "does not reference a valid application
// object"); a just-added certificate is refused at the token endpoint (AADSTS700027) until its own
// lag has passed. Lags are drawn from [minLagMs, maxLagMs] by a PRNG seeded with `seed`, so a run
// is deterministic for a given sequence of writes. Writes through the control API / SimAdmin are
// not lagged (they stand in for the past or for another party).
//
// Sources (sim/README.md): "Create servicePrincipal" — the 400 when the application is not yet
// replicated; "Microsoft Entra authentication and authorization error codes" (AADSTS700027);
// "Objects and credentials replication delays" in the Graph known issues / best practices.
import type { KeyCredentialRecord } from './directory';
import { seededRandom } from '../seed/deterministic';

export interface ReplicationConfig {
  enabled: boolean;
  minLagMs: number;
  maxLagMs: number;
  seed: string;
}

export const NO_REPLICATION_LAG: ReplicationConfig = { enabled: false, minLagMs: 0, maxLagMs: 0, seed: 'rekey' };

interface Pending {
  visibleAt: number;
  /** What replicas still serve: the key credentials before the first unreplicated write, or null when the object did not exist yet. */
  keyCredentials: KeyCredentialRecord[] | null;
  /** Other credential collections (passwordCredentials, federatedIdentityCredentials) as replicas still serve them. */
  other?: Record<string, unknown>;
}

export class Replication {
  private cfg: ReplicationConfig;
  private rand: () => number;
  private objects = new Map<string, Pending>();
  private keys = new Map<string, number>();

  constructor(
    cfg: Partial<ReplicationConfig>,
    private readonly now: () => number,
  ) {
    this.cfg = { ...NO_REPLICATION_LAG, ...cfg };
    this.rand = seededRandom(`replication:${this.cfg.seed}`);
  }

  get config(): ReplicationConfig {
    return { ...this.cfg };
  }

  configure(cfg: Partial<ReplicationConfig>): void {
    const seedChanged = cfg.seed !== undefined && cfg.seed !== this.cfg.seed;
    this.cfg = { ...this.cfg, ...cfg };
    if (seedChanged) this.rand = seededRandom(`replication:${this.cfg.seed}`);
    if (!this.cfg.enabled) this.clear();
  }

  clear(): void {
    this.objects.clear();
    this.keys.clear();
    this.rand = seededRandom(`replication:${this.cfg.seed}`);
  }

  private lag(): number {
    const { minLagMs, maxLagMs } = this.cfg;
    return Math.round(minLagMs + this.rand() * Math.max(0, maxLagMs - minLagMs));
  }

  /**
   * A write to object `id` was acknowledged. `before` is its key credentials before the write
   * (null: the write created it). Keys present after but not before are refused at the token
   * endpoint until they replicate.
   */
  recordWrite(id: string, before: KeyCredentialRecord[] | null, after: KeyCredentialRecord[]): void {
    if (!this.cfg.enabled) return;
    const now = this.now();
    const visibleAt = now + this.lag();
    const pending = this.objects.get(id);
    if (pending && pending.visibleAt > now) pending.visibleAt = Math.max(pending.visibleAt, visibleAt);
    else this.objects.set(id, { visibleAt, keyCredentials: before ? [...before] : null });
    const had = new Set((before ?? []).map((k) => k.keyId));
    for (const k of after) if (!had.has(k.keyId)) this.keys.set(k.keyId, now + this.lag());
  }

  /**
   * A write to object `id` that changed another credential collection (client secrets, federated
   * credentials; sim/graph/password-credentials.ts, federated-credentials.ts): replicas keep serving
   * `before` until the lag has passed, and `addedKeyIds` (new secrets) are refused at the token
   * endpoint until then.
   */
  recordCredentialWrite(
    id: string,
    keyCredentials: KeyCredentialRecord[],
    before: Record<string, unknown>,
    addedKeyIds: string[] = [],
  ): void {
    if (!this.cfg.enabled) return;
    const now = this.now();
    const visibleAt = now + this.lag();
    const pending = this.objects.get(id);
    if (pending && pending.visibleAt > now) {
      pending.visibleAt = Math.max(pending.visibleAt, visibleAt);
      // The oldest unreplicated state wins: replicas have seen none of the pending writes.
      pending.other = { ...before, ...pending.other };
    } else this.objects.set(id, { visibleAt, keyCredentials: [...keyCredentials], other: { ...before } });
    for (const k of addedKeyIds) this.keys.set(k, now + this.lag());
  }

  /** How a read sees `rec`: null when it is not replicated yet, else with the key credentials replicas serve. */
  view<T extends { id: string; keyCredentials: KeyCredentialRecord[] }>(rec: T): T | null {
    const pending = this.objects.get(rec.id);
    if (!pending) return rec;
    if (pending.visibleAt <= this.now()) {
      this.objects.delete(rec.id);
      return rec;
    }
    if (pending.keyCredentials === null) return null;
    return { ...rec, keyCredentials: pending.keyCredentials, ...pending.other };
  }

  /** Whether object `id` exists on replicas yet (false only while its creation is replicating). */
  exists(id: string): boolean {
    const pending = this.objects.get(id);
    return !pending || pending.keyCredentials !== null || pending.visibleAt <= this.now();
  }

  /** Whether the token endpoint accepts key (or client secret) `keyId` yet. */
  keyUsable(keyId: string): boolean {
    const at = this.keys.get(keyId);
    if (at === undefined) return true;
    if (at <= this.now()) {
      this.keys.delete(keyId);
      return true;
    }
    return false;
  }
}
