/**
 * `rekey campaign …`: create, approve, start, watch, pause, resume, cancel, retry and export
 * campaigns from scripts. Runs on the server with database access, like `rekey db …`; `--as
 * <email>` acts as that Rekey user (their roles and scope apply — approval needs it, since the
 * approver must be a second admin).
 */
import { createWriteStream, readFileSync } from 'node:fs';
import os from 'node:os';
import { EXIT, UsageError, type CliIO, type Command } from '@/cli/command';
import type { Actor } from '@/lib/audit/append-audit-event';
import type { Principal } from '@/lib/auth/principal';
import { RekeyError } from '@/lib/errors';
import { parseEnv } from '@/lib/env';
import { resolveDatabase } from '@/lib/runtime/database';
import type { WaveSpec } from '@/lib/campaigns/plan-waves';
import type { CampaignProgress, Tally } from '@/lib/campaigns/get-campaign-progress';

type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;
const str = (v: Values[string]): string | undefined => (typeof v === 'string' ? v : undefined);
const strs = (v: Values[string]): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];

/** "10,rest" · "5%,25%,rest" · "10:2,rest" (a wave of 10 that may have 2 failures before the gate stops). */
export function parseWavesArg(arg: string): WaveSpec[] {
  return arg.split(',').map((part) => {
    const p = part.trim();
    const [sizePart = '', gate] = p.split(':');
    const maxFailures = gate === undefined ? undefined : Number(gate);
    if (maxFailures !== undefined && (!Number.isInteger(maxFailures) || maxFailures < 0))
      throw new UsageError(
        `--waves: "${p}": the number after ":" is how many failures the wave may have (a whole number).`,
      );
    const gateOpt = maxFailures === undefined ? {} : { maxFailures };
    if (sizePart === 'rest') return { size: null, ...gateOpt };
    if (/^\d+(\.\d+)?%$/.test(sizePart)) return { percent: Number(sizePart.slice(0, -1)), ...gateOpt };
    if (/^\d+$/.test(sizePart)) return { size: Number(sizePart), ...gateOpt };
    throw new UsageError(`--waves: "${p}" is not a wave (use a count, a percentage like 5%, or "rest").`);
  });
}

/** "EU=<certificate id or SHA-1>" pairs → record. */
export function parseCertArgs(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const i = a.indexOf('=');
    if (i <= 0 || i === a.length - 1)
      throw new UsageError(`--cert "${a}": use REGION=<certificate id or SHA-1 thumbprint>.`);
    out[a.slice(0, i).trim()] = a.slice(i + 1).trim();
  }
  return out;
}

export function bar(percent: number, width = 24): string {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

function tallyLine(t: Tally): string {
  const parts = [`${t.SUCCEEDED} ok`, `${t.FAILED} failed`, `${t.RUNNING} running`, `${t.QUEUED} queued`];
  if (t.needsAttention) parts.push(`${t.needsAttention} need attention`);
  if (t.SKIPPED) parts.push(`${t.SKIPPED} skipped`);
  if (t.CANCELLED) parts.push(`${t.CANCELLED} cancelled`);
  return `${bar(t.percentDone)} ${String(t.percentDone).padStart(5)}%  ${t.done}/${t.total}  (${parts.join(', ')})`;
}

export function formatProgress(p: CampaignProgress): string {
  const c = p.campaign;
  const lines = [
    `${c.name}  ${c.id}`,
    `state ${c.state} · mode ${c.mode} · concurrency ${c.concurrency} · wave ${c.currentWave + 1}/${c.waves.length}${c.deadline ? ` · deadline ${c.deadline.toISOString()} (${p.deadlineRisk.replace('_', ' ')})` : ''}`,
    `total    ${tallyLine(p.totals)}`,
    ...p.byWave.map((w) => `wave ${String(w.wave + 1).padEnd(3)}${w.current ? '*' : ' '}${tallyLine(w)}`),
    ...p.byRegion.map((r) => `${r.region.padEnd(9).slice(0, 9)}${tallyLine(r)}`),
    `throughput ${p.throughput.perMinute.toFixed(2)}/min (${p.throughput.last5m} in 5 min, ${p.throughput.last15m} in 15 min)` +
      (p.etaAt ? ` · ETA ${p.etaAt.toISOString()} (${Math.ceil(p.etaMinutes ?? 0)} min)` : '') +
      (p.elapsedMs !== null ? ` · elapsed ${Math.round(p.elapsedMs / 60_000)} min` : ''),
  ];
  return lines.join('\n');
}

interface Session {
  actor: Actor;
  principal?: Principal;
  now: Date;
}

async function withCampaignDb<T>(values: Values, fn: (s: Session) => Promise<T>): Promise<T> {
  const resolved = await resolveDatabase(parseEnv());
  process.env.DATABASE_URL = resolved.url;
  try {
    let principal: Principal | undefined;
    let actor: Actor = { id: null, label: `cli:${os.userInfo().username}` };
    const as = str(values.as);
    if (as) {
      const { db } = await import('@/lib/db');
      const { findUserByEmail } = await import('@/lib/auth/manage-users');
      const { loadPrincipal } = await import('@/lib/auth/session');
      const user = await findUserByEmail(db, as);
      const p = user ? await loadPrincipal(db, user.id) : null;
      if (!p) throw new RekeyError('NOT_FOUND', `No active Rekey user "${as}".`);
      principal = p;
      actor = { id: p.userId, label: `${p.email} (cli)` };
    }
    return await fn({ actor, now: new Date(), ...(principal ? { principal } : {}) });
  } finally {
    const { closeJobQueues } = await import('@/lib/jobs/job-queues');
    const { closeLeasePool } = await import('@/lib/rotation/rotation-lease');
    const { disconnectDb } = await import('@/lib/db');
    await closeJobQueues();
    await closeLeasePool();
    await disconnectDb();
    await resolved.release();
  }
}

function campaignId(positionals: string[], usage: string): string {
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError(`give one campaign id (${usage})`);
  return id;
}

const asOption = { as: { type: 'string' } } as const;

function done(io: CliIO, json: boolean, payload: Record<string, unknown>, human: string): number {
  if (json) io.out(JSON.stringify({ ok: true, ...payload }));
  else io.err(human);
  return EXIT.OK;
}

export const campaignCommands: Command[] = [
  {
    path: ['campaign', 'create'],
    summary: 'Create a campaign from a filter, an advisory or a list of connectors (DRAFT, or awaiting approval).',
    usage:
      'campaign create --name <name> (--connectors <id,…> | --connectors-file <file> | [--advisory <id>] [--region R] [--group G] [--status S] [--type <connectorTypeId>] [--q text]) --cert <REGION=cert> … [--mode rotate|reestablish] [--concurrency N] [--waves 10,rest] [--deadline <ISO>] [--require-approval] [--start] [--as <email>] [--json]',
    options: {
      name: { type: 'string' },
      connectors: { type: 'string' },
      'connectors-file': { type: 'string' },
      advisory: { type: 'string' },
      region: { type: 'string' },
      group: { type: 'string' },
      status: { type: 'string' },
      type: { type: 'string' },
      q: { type: 'string' },
      cert: { type: 'string', multiple: true },
      mode: { type: 'string' },
      concurrency: { type: 'string' },
      waves: { type: 'string' },
      deadline: { type: 'string' },
      'require-approval': { type: 'boolean' },
      start: { type: 'boolean' },
      ...asOption,
    },
    async run({ values }, io) {
      const name = str(values.name);
      if (!name) throw new UsageError('--name is required');
      const list = [
        ...(str(values.connectors)?.split(',') ?? []),
        ...(str(values['connectors-file']) ? readFileSync(str(values['connectors-file'])!, 'utf8').split(/\s+/) : []),
      ]
        .map((s) => s.trim())
        .filter(Boolean);
      const filterKeys = ['advisory', 'region', 'group', 'status', 'type', 'q'] as const;
      const hasFilter = filterKeys.some((k) => str(values[k]) !== undefined);
      if (list.length > 0 && hasFilter) throw new UsageError('choose connectors either by list or by filter, not both');
      const certs = strs(values.cert);
      if (certs.length === 0)
        throw new UsageError('map each region to its new certificate with --cert REGION=<certificate id or SHA-1>');
      const concurrency = str(values.concurrency);
      if (concurrency !== undefined && !/^\d+$/.test(concurrency))
        throw new UsageError('--concurrency must be a whole number');
      const mode = str(values.mode);
      if (mode !== undefined && mode !== 'rotate' && mode !== 'reestablish')
        throw new UsageError('--mode is rotate or reestablish');
      const selection =
        list.length > 0
          ? { kind: 'list' as const, connectorIds: list }
          : {
              kind: 'filter' as const,
              filters: Object.fromEntries(
                [
                  ['advisoryId', str(values.advisory)],
                  ['region', str(values.region)],
                  ['group', str(values.group)],
                  ['status', str(values.status)],
                  ['connectorTypeId', str(values.type)],
                  ['q', str(values.q)],
                ].filter(([, v]) => v !== undefined),
              ),
            };
      return withCampaignDb(values, async (s) => {
        const { createCampaign } = await import('@/lib/campaigns/create-campaign');
        const { startCampaign } = await import('@/lib/campaigns/start-campaign');
        const created = await createCampaign(
          {
            name,
            selection: selection as never,
            regionCertificates: parseCertArgs(certs),
            ...(mode ? { mode } : {}),
            ...(concurrency ? { concurrency: Number(concurrency) } : {}),
            ...(str(values.waves) ? { waves: parseWavesArg(str(values.waves)!) } : {}),
            ...(str(values.deadline) ? { deadline: str(values.deadline)! } : {}),
            requiresApproval: Boolean(values['require-approval']),
          },
          s,
        );
        let state: string = created.campaign.state;
        if (values.start) {
          if (state === 'AWAITING_APPROVAL')
            io.err(
              'not started: the campaign awaits approval by a second admin (rekey campaign approve <id> --as <email>)',
            );
          else state = (await startCampaign(created.campaign.id, s)).state;
        }
        return done(
          io,
          Boolean(values.json),
          { id: created.campaign.id, state, queued: created.queued, skipped: created.skipped },
          `created campaign ${created.campaign.id} (${state}): ${created.queued} queued, ${created.skipped} skipped`,
        );
      });
    },
  },
  {
    path: ['campaign', 'approve'],
    summary: 'Approve a campaign awaiting approval (a second admin: --as <email> is required).',
    usage: 'campaign approve <id> --as <email> [--json]',
    options: { ...asOption },
    allowPositionals: true,
    async run({ values, positionals }, io) {
      const id = campaignId(positionals, 'campaign approve <id> --as <email>');
      if (!str(values.as)) throw new UsageError('approving needs --as <email> of the approving admin');
      return withCampaignDb(values, async (s) => {
        const { approveCampaign } = await import('@/lib/campaigns/approve-campaign');
        const c = await approveCampaign(id, { ...s, principal: s.principal! });
        return done(
          io,
          Boolean(values.json),
          { id, state: c.state },
          `approved campaign ${id}; start it with: rekey campaign start ${id}`,
        );
      });
    },
  },
  ...(['start', 'pause', 'resume', 'cancel'] as const).map((verb): Command => ({
    path: ['campaign', verb],
    summary: {
      start: 'Start a draft (or approved) campaign.',
      pause: 'Pause a running campaign (running rotations finish).',
      resume: 'Resume a paused campaign (past a wave gate: go on to the next wave).',
      cancel: 'Cancel a campaign (queued items; running rotations where safe).',
    }[verb],
    usage: `campaign ${verb} <id> [--as <email>] [--json]`,
    options: { ...asOption },
    allowPositionals: true,
    async run({ values, positionals }, io) {
      const id = campaignId(positionals, `campaign ${verb} <id>`);
      return withCampaignDb(values, async (s) => {
        const mod = {
          start: async () => (await import('@/lib/campaigns/start-campaign')).startCampaign(id, s),
          pause: async () => (await import('@/lib/campaigns/pause-campaign')).pauseCampaign(id, s),
          resume: async () => (await import('@/lib/campaigns/resume-campaign')).resumeCampaign(id, s),
          cancel: async () => (await (await import('@/lib/campaigns/cancel-campaign')).cancelCampaign(id, s)).campaign,
        }[verb];
        const c = await mod();
        return done(io, Boolean(values.json), { id, state: c.state }, `campaign ${id}: ${c.state}`);
      });
    },
  })),
  {
    path: ['campaign', 'retry-failed'],
    summary: 'Queue the failed items of a campaign again.',
    usage: 'campaign retry-failed <id> [--as <email>] [--json]',
    options: { ...asOption },
    allowPositionals: true,
    async run({ values, positionals }, io) {
      const id = campaignId(positionals, 'campaign retry-failed <id>');
      return withCampaignDb(values, async (s) => {
        const { retryFailed } = await import('@/lib/campaigns/retry-failed');
        const r = await retryFailed({ campaignId: id }, s);
        return done(
          io,
          Boolean(values.json),
          { id, state: r.campaign.state, requeued: r.requeued },
          `campaign ${id}: ${r.requeued} item(s) queued again (${r.campaign.state})`,
        );
      });
    },
  },
  {
    path: ['campaign', 'status'],
    summary: 'Show a campaign’s progress: per wave and region, throughput, ETA (--watch to follow it).',
    usage: 'campaign status <id> [--watch] [--interval <seconds>] [--as <email>] [--json]',
    options: { watch: { type: 'boolean' }, interval: { type: 'string' }, ...asOption },
    allowPositionals: true,
    async run({ values, positionals }, io) {
      const id = campaignId(positionals, 'campaign status <id>');
      const interval = Math.max(1, Number(str(values.interval) ?? 5));
      return withCampaignDb(values, async (s) => {
        const { db } = await import('@/lib/db');
        const { getCampaignProgress } = await import('@/lib/campaigns/get-campaign-progress');
        for (;;) {
          const p = await getCampaignProgress(db, id, {
            now: new Date(),
            ...(s.principal ? { principal: s.principal } : {}),
          });
          io.out(values.json ? JSON.stringify({ ok: true, progress: p }) : formatProgress(p));
          const finished = p.campaign.state === 'COMPLETED' || p.campaign.state === 'CANCELLED';
          if (!values.watch || finished) return EXIT.OK;
          await new Promise((r) => setTimeout(r, interval * 1000));
        }
      });
    },
  },
  {
    path: ['campaign', 'export'],
    summary: 'Write a campaign’s results as CSV (stdout, or --out <file>).',
    usage: 'campaign export <id> [--out <file>] [--as <email>]',
    options: { out: { type: 'string' }, ...asOption },
    allowPositionals: true,
    async run({ values, positionals }, io) {
      const id = campaignId(positionals, 'campaign export <id>');
      return withCampaignDb(values, async (s) => {
        const { db } = await import('@/lib/db');
        const { exportCampaignResults } = await import('@/lib/campaigns/export-campaign-results');
        const file = str(values.out);
        const stream = file ? createWriteStream(file) : null;
        let rows = -1;
        for await (const line of exportCampaignResults(db, id, s.principal ? { principal: s.principal } : {})) {
          rows++;
          if (stream) {
            if (!stream.write(line)) await new Promise<void>((r) => stream.once('drain', () => r()));
          } else io.out(line.replace(/\r\n$/, ''));
        }
        if (stream) await new Promise<void>((r, j) => stream.end((e?: Error | null) => (e ? j(e) : r())));
        if (file) io.err(`wrote ${rows} row(s) to ${file}`);
        return EXIT.OK;
      });
    },
  },
];
