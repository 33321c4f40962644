/**
 * Summary of V8 CPU profiles (`node --cpu-prof`): self time by function and by component of the
 * worker (Graph client / MSAL, database access, job queue, audit, JSON / logging, other), from
 * each sample's leaf frame and the script it belongs to.
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export type Component = 'graph/msal' | 'database' | 'job queue' | 'audit' | 'json/logging' | 'gc/runtime' | 'other';

export interface ProfileSummary {
  files: number;
  /** Sampled CPU time in all profiles, ms. */
  totalMs: number;
  byComponent: Record<Component, number>;
  top: { fn: string; where: string; selfMs: number; share: number }[];
}

/** Which component a frame's script and function belong to. */
export function componentOf(url: string, fn: string): Component {
  if (!url) return /garbage|GC|\(program\)|\(idle\)/i.test(fn) ? 'gc/runtime' : 'other';
  if (/@azure\/msal|microsoft-graph-client|lib\/graph\/|jsonwebtoken|jws|jwa|jose/.test(url)) return 'graph/msal';
  if (/@prisma|\.prisma|prisma\/|node_modules\/pg\/|pg-protocol|pg-pool|lib\/db/.test(url)) return 'database';
  if (/pg-boss|lib\/jobs\//.test(url)) return 'job queue';
  if (/lib\/audit\//.test(url)) return 'audit';
  if (/pino|sonic-boom|fast-json|safe-stable-stringify|lib\/log/.test(url) || /JSON\.|stringify|parse$/.test(fn))
    return 'json/logging';
  return 'other';
}

/**
 * A sample's component: its own frame's, or — for a frame of Node's runtime (no script, or a
 * `node:` module: a socket write, a microtask, a hash) — its caller's. A database frame called by
 * the job queue or the audit code counts as theirs (pg-boss and the audit append talk to
 * PostgreSQL through the same driver).
 */
function componentsOf(p: Profile): Map<number, Component> {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const memo = new Map<number, Component>();
  const resolve = (id: number): Component => {
    const hit = memo.get(id);
    if (hit) return hit;
    // Walk up iteratively (stacks can be deep), then fill the memo on the way back.
    const path: number[] = [];
    let cur: number | undefined = id;
    let found: Component = 'other';
    while (cur !== undefined) {
      const m = memo.get(cur);
      if (m) {
        found = m;
        break;
      }
      path.push(cur);
      const { url, functionName } = nodes.get(cur)!.callFrame;
      const runtime = !url || url.startsWith('node:');
      if (/garbage|\(program\)|\(idle\)/i.test(functionName) && !url) {
        found = 'gc/runtime';
        break;
      }
      if (!runtime) {
        const own = componentOf(url, functionName);
        if (own !== 'database') {
          found = own;
          break;
        }
        // Database: whose? Look further up for the job queue or the audit code.
        let up = parent.get(cur);
        let owner: Component = 'database';
        while (up !== undefined) {
          const u = nodes.get(up)!.callFrame;
          if (u.url && !u.url.startsWith('node:')) {
            const c = componentOf(u.url, u.functionName);
            if (c === 'job queue' || c === 'audit') owner = c;
            if (c !== 'database') break;
          }
          up = parent.get(up);
        }
        found = owner;
        break;
      }
      cur = parent.get(cur);
    }
    for (const x of path) memo.set(x, found);
    return found;
  };
  for (const n of p.nodes) resolve(n.id);
  return memo;
}

export function summarizeProfiles(dir: string, topN = 15): ProfileSummary | null {
  if (!fs.existsSync(dir)) return null;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return null;
  const byFn = new Map<string, { fn: string; where: string; us: number }>();
  const byComponent: Record<Component, number> = {
    'graph/msal': 0,
    database: 0,
    'job queue': 0,
    audit: 0,
    'json/logging': 0,
    'gc/runtime': 0,
    other: 0,
  };
  let totalUs = 0;
  for (const f of files) {
    const p = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Profile;
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    const components = componentsOf(p);
    for (let i = 0; i < p.samples.length; i++) {
      const node = nodes.get(p.samples[i]!);
      const dt = p.timeDeltas[i] ?? 0;
      if (!node || node.callFrame.functionName === '(idle)') continue;
      totalUs += dt;
      const { functionName, url, lineNumber } = node.callFrame;
      const fn = functionName || '(anonymous)';
      const where = url
        ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(lib|bench|sim|cli)\//, '$1/')}:${lineNumber + 1}`
        : '';
      const key = `${fn} ${where}`;
      const e = byFn.get(key) ?? { fn, where, us: 0 };
      e.us += dt;
      byFn.set(key, e);
      byComponent[components.get(node.id) ?? 'other'] += dt;
    }
  }
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    files: files.length,
    totalMs: ms(totalUs),
    byComponent: Object.fromEntries(Object.entries(byComponent).map(([k, v]) => [k, ms(v)])) as Record<
      Component,
      number
    >,
    top: [...byFn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((e) => ({ fn: e.fn, where: e.where, selfMs: ms(e.us), share: Math.round((e.us / totalUs) * 1000) / 10 })),
  };
}
