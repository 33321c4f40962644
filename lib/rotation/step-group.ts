/**
 * Rotations that advance side by side in one process take their locks, re-read their rows and
 * commit their single-statement steps TOGETHER: one statement for the whole group where each
 * rotation alone would send one (issue 21, ADR 041). A campaign starts its rotations in batches
 * and the worker fetches their `rotation.advance` jobs together, so the members of a group reach
 * the same step at about the same moment; the group gathers what they send and flushes it when
 * every member still running has sent (or after MAX_GATHER_MS, so a member in a slow Graph call
 * holds nobody up for long).
 *
 * Nothing about one rotation changes: each member still holds its own rotation's lock while its
 * steps run, its commit is still version-checked (a member whose rotation changed underneath is
 * refused alone; the others commit), and its audit events are staged in the statement that moves
 * it, in member order. The locks are session-level advisory locks on the group's one connection,
 * so a crash drops them all with that connection, as it drops one rotation's today.
 */
import type pg from 'pg';
import { Prisma, db, directQuery, directTransaction } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { LOCK_NAMESPACE, leasePool } from '@/lib/rotation/rotation-lease';
import { readRotationRows, type RotationRow } from '@/lib/rotation/load-rotation';

/**
 * The size of group worth gathering: a large campaign starts at least this many rotations at a
 * time (lib/campaigns/tick-campaign.ts) and the worker waits, a little, for this many free slots
 * before it fetches their jobs (lib/jobs/worker.ts, `gather`).
 */
export const DISPATCH_GROUP = 16;

/** How long a gathered request waits for the other members before it is sent anyway. */
export const MAX_GATHER_MS = 20;

/** Groups made in this process, and the batches and requests they sent (tests read them; a worker could report them). */
const totals = { groups: 0, batches: 0, requests: 0 };
export function stepGroupTotals(): Readonly<typeof totals> {
  return { ...totals };
}

/** One member's request failed on its own (its batch-mates' did not). */
class MemberFailure {
  constructor(readonly error: unknown) {}
}

/**
 * Gathers requests of one kind from the group's members and runs them as one batch when every
 * member still in the group has sent one, or MAX_GATHER_MS after the first.
 */
class Gatherer<I, O> {
  private pending: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly group: StepGroup,
    private readonly run: (inputs: I[]) => Promise<(O | MemberFailure)[]>,
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (this.pending.length >= this.group.active) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), MAX_GATHER_MS);
    });
  }

  /** A member left: the others may all have sent already. */
  recheck(): void {
    if (this.pending.length > 0 && this.pending.length >= this.group.active) this.flush();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    totals.batches++;
    totals.requests += batch.length;
    this.run(batch.map((b) => b.input)).then(
      (outs) =>
        batch.forEach((b, i) => {
          const out = outs[i] as O | MemberFailure;
          if (out instanceof MemberFailure) b.reject(out.error);
          else b.resolve(out);
        }),
      (e: unknown) => batch.forEach((b) => b.reject(e)),
    );
  }
}

/** A member's single-statement step commit: its CTEs (`moved`, `step`) and its audit events. */
export interface AloneCommit {
  /** `moved AS (UPDATE "Rotation" … RETURNING ROTATION_COLUMNS), step AS (INSERT …)`, as built by the step. */
  cte: (names: { moved: string; step: string }) => Prisma.Sql;
  /** The JSON array of the events to stage when the rotation moved (auditEventsJson). */
  events: string;
}

/** A member's end: the body of the transaction that ends its rotation (advance-rotation.ts). */
export type EndCommit = (tx: Prisma.TransactionClient) => Promise<void>;

export class StepGroup {
  /** Members that have not left yet. */
  active: number;
  private client: Promise<pg.PoolClient> | null = null;
  private locked = new Set<string>();
  private broken = false;
  private readonly gatherers: Gatherer<never, unknown>[] = [];

  private readonly locks: Gatherer<string, boolean>;
  private readonly unlocks: Gatherer<string, void>;
  private readonly reloads: Gatherer<string, RotationRow | null>;
  private readonly commits: Gatherer<AloneCommit, RotationRow | null>;
  private readonly ends: Gatherer<EndCommit, void>;

  constructor(members: number) {
    if (!Number.isInteger(members) || members < 1) throw new RekeyError('INTERNAL', 'A step group needs members.');
    this.active = members;
    totals.groups++;
    this.locks = this.gatherer((ids) => this.tryLockMany(ids));
    this.unlocks = this.gatherer((ids) => this.unlockMany(ids));
    this.reloads = this.gatherer((ids) => this.reloadMany(ids));
    this.commits = this.gatherer((cs) => this.commitMany(cs));
    this.ends = this.gatherer((bodies) => this.endMany(bodies));
  }

  private gatherer<I, O>(run: (inputs: I[]) => Promise<(O | MemberFailure)[]>): Gatherer<I, O> {
    const g = new Gatherer<I, O>(this, run);
    this.gatherers.push(g as unknown as Gatherer<never, unknown>);
    return g;
  }

  /**
   * Runs `fn` while holding the rotation's lock, like withRotationLease (acquired: false when
   * another process or member holds it).
   */
  async withLease<T>(
    rotationId: string,
    fn: () => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }> {
    if (!(await this.locks.submit(rotationId))) return { acquired: false };
    try {
      return { acquired: true, value: await fn() };
    } finally {
      await this.unlocks.submit(rotationId);
    }
  }

  reload(rotationId: string): Promise<RotationRow | null> {
    return this.reloads.submit(rotationId);
  }

  /** The member's step commit, with the others': the committed row, or null when the rotation had moved. */
  commitAlone(c: AloneCommit): Promise<RotationRow | null> {
    return this.commits.submit(c);
  }

  /**
   * The member's end (its last step's commit with the subscribers' writes: the connector, its
   * status, the campaign item, invitations, audit), in ONE transaction with the ends of the other
   * members that end now. Resolves once committed; rejects with the member's own error.
   */
  commitEnd(body: EndCommit): Promise<void> {
    return this.ends.submit(body);
  }

  /** A member finished (whatever its outcome): nobody waits for it any more. The last one closes the group. */
  leave(): void {
    this.active--;
    for (const g of this.gatherers) g.recheck();
    if (this.active === 0) void this.close();
  }

  private connection(): Promise<pg.PoolClient> {
    this.client ??= leasePool()
      .connect()
      .catch((e: unknown) => {
        // Not connected: the next request tries again.
        this.client = null;
        throw e;
      });
    return this.client;
  }

  private async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (!c) return;
    const client = await c.catch(() => null);
    // Every member unlocked before leaving; a connection whose unlock failed still holds locks
    // and is closed rather than returned to the pool.
    client?.release(this.broken || this.locked.size > 0);
  }

  private async tryLockMany(ids: string[]): Promise<boolean[]> {
    // A connection whose unlock failed may still hold a member's lock, and a session lock is
    // re-entrant: it takes no more (those members look again later, as when another holds one).
    if (this.broken) return ids.map(() => false);
    const client = await this.connection();
    const r = await client.query<{ ok: boolean }>({
      name: 'rekey_rotation_lease_lock_many',
      // A rotation twice in one batch cannot be (each member holds a different rotation's job) —
      // and a session lock is re-entrant, so the second would wrongly succeed: refuse it.
      text: `SELECT CASE WHEN x.i = min(x.i) OVER (PARTITION BY x.id) THEN pg_try_advisory_lock($1::int, hashtext(x.id)) ELSE false END AS ok
             FROM unnest($2::text[]) WITH ORDINALITY AS x(id, i) ORDER BY x.i`,
      values: [LOCK_NAMESPACE, ids],
    });
    const oks = r.rows.map((row) => row.ok === true);
    return ids.map((id, i) => {
      if (!oks[i]) return false;
      if (this.locked.has(id)) {
        // Re-entered a lock this connection already holds (cannot happen while unlocks succeed):
        // refuse it, and close the connection at the end rather than reuse it.
        this.broken = true;
        return false;
      }
      this.locked.add(id);
      return true;
    });
  }

  private async unlockMany(ids: string[]): Promise<void[]> {
    try {
      const client = await this.connection();
      await client.query({
        name: 'rekey_rotation_lease_unlock_many',
        text: 'SELECT pg_advisory_unlock($1::int, hashtext(x)) FROM unnest($2::text[]) AS x',
        values: [LOCK_NAMESPACE, ids],
      });
      for (const id of ids) this.locked.delete(id);
    } catch {
      // The connection is closed when the group ends, which lets go of whatever it still holds.
      this.broken = true;
    }
    return ids.map(() => undefined);
  }

  private async reloadMany(ids: string[]): Promise<(RotationRow | null)[]> {
    const byId = new Map((await readRotationRows(ids)).map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * One statement for every member's commit: each member's version-checked update and step row as
   * CTEs of their own, then ONE audit_append of the events of the members whose update moved their
   * rotation (in member order), evaluated once however many rows come back. A statement is atomic:
   * it commits every member that moved, or nothing.
   */
  private async commitMany(cs: AloneCommit[]): Promise<(RotationRow | null | MemberFailure)[]> {
    const ctes = Prisma.join(
      cs.map((c, i) => c.cte({ moved: `m${i}`, step: `s${i}` })),
      ', ',
    );
    const events = Prisma.join(
      cs.map(
        (c, i) =>
          Prisma.sql`(CASE WHEN EXISTS (SELECT 1 FROM ${Prisma.raw(`m${i}`)}) THEN ${c.events}::jsonb ELSE '[]'::jsonb END)`,
      ),
      ' || ',
    );
    const rows = Prisma.join(
      cs.map(
        (_, i) =>
          Prisma.sql`SELECT ${i}::int AS "member", (SELECT "staged" FROM a) AS "staged", ${Prisma.raw(`m${i}`)}.* FROM ${Prisma.raw(`m${i}`)}`,
      ),
      ' UNION ALL ',
    );
    let out: (RotationRow & { member: number; staged: number })[];
    try {
      out = await directQuery<RotationRow & { member: number; staged: number }>(
        Prisma.sql`WITH ${ctes}, a AS (SELECT audit_append(${events}) AS "staged") ${rows}`,
      );
    } catch (e) {
      if (cs.length === 1) return [new MemberFailure(e)];
      // One member's data may be what failed (the statement commits all or none): each on its own.
      return Promise.all(cs.map((c) => this.commitMany([c]).then((r) => r[0]!)));
    }
    const moved: (RotationRow | null)[] = cs.map(() => null);
    for (const { member, staged: _staged, ...row } of out) moved[member] = row;
    return moved;
  }

  /**
   * The members' end transactions as one: their bodies run one after another on one connection, in
   * member order, between one BEGIN and one COMMIT. The audit chain is then locked, and its
   * checkpoint written, once for the group, and the commit's other deferred work runs once. It
   * commits every member's end or none. If it fails (one member's rotation moved underneath, a
   * subscriber's error, a deadlock at commit), each member's end runs again in a transaction of
   * its own, so only the member at fault fails, as it would alone.
   */
  private async endMany(bodies: EndCommit[]): Promise<(void | MemberFailure)[]> {
    try {
      await directTransaction(db, async (tx) => {
        for (const body of bodies) await body(tx);
      });
      return bodies.map(() => undefined);
    } catch (e) {
      if (bodies.length === 1) return [new MemberFailure(e)];
      return Promise.all(bodies.map((b) => this.endMany([b]).then((r) => r[0]!)));
    }
  }
}
