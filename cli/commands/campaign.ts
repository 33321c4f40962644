/**
 * `rekey campaign …`: create, approve, start, watch, pause, resume, cancel, retry and export
 * campaigns from scripts. Runs on the server with database access, like `rekey db …`; `--as
 * <email>` acts as that Rekey user (their roles and scope apply — approval needs it, since the
 * approver must be a second admin).
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { EXIT, UsageError, str, strs, type CliIO, type Command } from '@/cli/command';
import { emitRows, iso, listOptions, outputMode, type Column } from '@/cli/output';
import { asOption, withRuntime } from '@/cli/session';
import { RekeyError } from '@/lib/errors';
import { formatPercent } from '@/lib/utils';
import { CAMPAIGN_STATES as CAMPAIGN_LIFECYCLE_STATES } from '@/lib/campaigns/campaign-outcome';
import type { WaveSpec } from '@/lib/campaigns/plan-waves';
import type { CampaignProgress, Tally } from '@/lib/campaigns/get-campaign-progress';
import type { listCampaigns } from '@/lib/campaigns/list-campaigns';
import { createUseCaseContext } from '@/lib/use-case-defaults';

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

/** "EU=<certificate id or thumbprint>" pairs → record. */
export function parseCertArgs(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const i = a.indexOf('=');
    if (i <= 0 || i === a.length - 1)
      throw new UsageError(`--cert "${a}": use REGION=<certificate id, SHA-1 or SHA-256 thumbprint>.`);
    const region = a.slice(0, i).trim();
    if (region in out) throw new UsageError(`--cert names region ${region} twice; give each region one certificate.`);
    out[region] = a.slice(i + 1).trim();
  }
  return out;
}

/** A text progress bar for a ratio 0–1. */
export function bar(ratio: number, width = 24): string {
  const filled = Math.round(Math.max(0, Math.min(1, ratio)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

function tallyLine(t: Tally): string {
  const parts = [`${t.SUCCEEDED} ok`, `${t.FAILED} failed`, `${t.RUNNING} running`, `${t.QUEUED} queued`];
  if (t.needsAttention) parts.push(`${t.needsAttention} need attention`);
  if (t.SKIPPED) parts.push(`${t.SKIPPED} skipped`);
  if (t.CANCELLED) parts.push(`${t.CANCELLED} cancelled`);
  return `${bar(t.doneShare)} ${formatPercent(t.doneShare).padStart(6)}  ${t.done}/${t.total}  (${parts.join(', ')})`;
}

/**
 * When `campaign status --watch` stops, and with which exit code: null while anything can still
 * progress on its own (queued items, rotations the worker is running).
 */
export function watchVerdict(p: CampaignProgress): { code: 0 | 1; message: string } | null {
  const c = p.campaign;
  const t = p.totals;
  const exceptions = t.FAILED + t.SKIPPED + t.CANCELLED;
  const working = t.RUNNING - t.needsAttention;
  if (c.state === 'FINISHED')
    return exceptions === 0
      ? { code: 0, message: `campaign ${c.id} completed: all ${t.SUCCEEDED} item(s) succeeded` }
      : {
          code: 1,
          message: `campaign ${c.id} completed with exceptions: ${t.SUCCEEDED} succeeded, ${t.FAILED} failed, ${t.SKIPPED} skipped, ${t.CANCELLED} cancelled (rekey campaign export ${c.id}; rekey campaign retry-failed ${c.id})`,
        };
  if (c.state === 'CANCELLED')
    return working > 0
      ? null
      : { code: 1, message: `campaign ${c.id} was cancelled: ${t.SUCCEEDED} of ${t.total} item(s) succeeded` };
  if (c.state === 'DRAFT' || c.state === 'AWAITING_APPROVAL' || c.state === 'APPROVED')
    return {
      code: 1,
      message: `campaign ${c.id} has not started (${c.state}): ${c.state !== 'AWAITING_APPROVAL' ? `rekey campaign start ${c.id}` : `rekey campaign approve ${c.id} --as <second admin>`}`,
    };
  if (working > 0) return null;
  if (c.state === 'PAUSED')
    return {
      code: 1,
      message: `campaign ${c.id} is paused with ${t.QUEUED} item(s) queued; nothing progresses until: rekey campaign resume ${c.id}`,
    };
  if (t.QUEUED === 0 && t.needsAttention > 0)
    return {
      code: 1,
      message: `campaign ${c.id} waits for an admin: ${t.needsAttention} rotation(s) need attention (rekey rotations list --campaign ${c.id} --state NEEDS_ATTENTION; rekey rotations retry ID)`,
    };
  return null;
}

export function formatProgress(p: CampaignProgress): string {
  const c = p.campaign;
  const lines = [
    `${c.name}  ${c.id}`,
    `state ${c.state} · mode ${c.mode} · concurrency ${c.concurrency} · wave ${c.currentWave + 1}/${c.waves.length}${c.deadline ? ` · deadline ${c.deadline.toISOString()} (${p.deadlineRisk.replace('_', ' ')})` : ''}`,
    `total    ${tallyLine(p.totals)}`,
    `verified ${p.verifiedInTenant} of ${p.totals.SUCCEEDED} succeeded, read in the tenant after their rotation`,
    ...p.byWave.map((w) => `wave ${String(w.wave + 1).padEnd(3)}${w.current ? '*' : ' '}${tallyLine(w)}`),
    ...p.byRegion.map((r) => `${r.region.padEnd(9).slice(0, 9)}${tallyLine(r)}`),
    `throughput ${p.throughput.perMinute.toFixed(2)}/min (${p.throughput.last5m} in 5 min, ${p.throughput.last15m} in 15 min)` +
      (p.etaAt ? ` · ETA ${p.etaAt.toISOString()} (${Math.ceil(p.etaMinutes ?? 0)} min)` : '') +
      (p.elapsedMs !== null ? ` · elapsed ${Math.round(p.elapsedMs / 60_000)} min` : ''),
  ];
  return lines.join('\n');
}

function campaignId(positionals: string[], usage: string): string {
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError(`give one campaign id (${usage})`);
  return id;
}

function done(io: CliIO, json: boolean, payload: Record<string, unknown>, human: string): number {
  if (json) io.out(JSON.stringify({ ok: true, ...payload }));
  else io.err(human);
  return EXIT.OK;
}

type CampaignListRow = Awaited<ReturnType<typeof listCampaigns>>['rows'][number];

/** The stable JSON shape of one campaign in `campaign list` (docs/cli.md). */
export function campaignJson(c: CampaignListRow) {
  return {
    id: c.id,
    name: c.name,
    state: c.state,
    mode: c.mode,
    requiresApproval: c.requiresApproval,
    createdAt: iso(c.createdAt),
    approvedAt: iso(c.approvedAt),
    startedAt: iso(c.startedAt),
    finishedAt: iso(c.finishedAt),
    deadline: iso(c.deadline),
    items: { total: c.total, ...c.byState },
    doneShare: c.doneShare,
    outcome: c.outcome.label,
    outcomeCounts: c.outcome.counts,
  };
}

const campaignColumns: Column<CampaignListRow>[] = [
  { header: 'CREATED', cell: (c) => iso(c.createdAt)!.slice(0, 16).replace('T', ' ') },
  { header: 'NAME', cell: (c) => c.name },
  { header: 'STATE', cell: (c) => c.state },
  { header: 'ITEMS', cell: (c) => String(c.total) },
  { header: 'DONE', cell: (c) => formatPercent(c.doneShare) },
  { header: 'OK', cell: (c) => String(c.byState.SUCCEEDED ?? 0) },
  { header: 'FAILED', cell: (c) => String(c.byState.FAILED ?? 0) },
  { header: 'ID', cell: (c) => c.id },
];

const CAMPAIGN_STATES: readonly string[] = CAMPAIGN_LIFECYCLE_STATES;

export const campaignCommands: Command[] = [
  {
    path: ['campaign', 'list'],
    summary: 'List campaigns, newest first, with their item counts.',
    usage: 'campaign list [--state STATE] [--as EMAIL] [--json | --ndjson]',
    details: `--state         ${CAMPAIGN_STATES.join(', ')}\nJSON: an array of campaign objects (docs/cli.md).`,
    options: { state: { type: 'string' }, ...asOption, ...listOptions },
    async run({ values }, io) {
      const mode = outputMode(values);
      const state = str(values.state)?.toUpperCase();
      if (state !== undefined && !CAMPAIGN_STATES.includes(state))
        throw new UsageError(`--state must be one of ${CAMPAIGN_STATES.join(', ')}`);
      return withRuntime(values, async (s) => {
        const { listCampaigns } = await import('@/lib/campaigns/list-campaigns');
        if (s.principal) {
          const { hasRole } = await import('@/lib/auth/principal');
          if (!hasRole(s.principal, 'viewer'))
            throw new RekeyError('FORBIDDEN', `${s.principal.email} has no role in Rekey.`, { need: 'viewer' });
        }
        async function* pages() {
          for (let page = 1; ; page++) {
            const r = await listCampaigns(s.db, {
              ...(s.principal ? { principal: s.principal } : {}),
              ...(state ? { states: state as never } : {}),
              page,
              pageSize: 100,
            });
            if (r.rows.length) yield r.rows;
            if (r.rows.length < r.pageSize) return;
          }
        }
        await emitRows(io, mode, pages(), { json: campaignJson, columns: campaignColumns, noun: 'campaign(s)' });
        return EXIT.OK;
      });
    },
  },
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
      const file = str(values['connectors-file']);
      const fromFile = (): string[] => {
        if (!file) return [];
        try {
          return (file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8')).split(/[\s,]+/);
        } catch (e) {
          throw new RekeyError(
            'BAD_INPUT',
            `Cannot read --connectors-file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`,
          );
        }
      };
      const list = [...(str(values.connectors)?.split(',') ?? []), ...fromFile()].map((s) => s.trim()).filter(Boolean);
      const filterKeys = ['advisory', 'region', 'group', 'status', 'type', 'q'] as const;
      const hasFilter = filterKeys.some((k) => str(values[k]) !== undefined);
      if (list.length > 0 && hasFilter) throw new UsageError('choose connectors either by list or by filter, not both');
      const certs = strs(values.cert);
      if (certs.length === 0)
        throw new UsageError(
          'map each region to its new certificate with --cert REGION=<certificate id, SHA-1 or SHA-256 thumbprint>',
        );
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
      return withRuntime(values, async (s) => {
        const { createCampaign } = await import('@/lib/campaigns/create-campaign');
        const { startCampaign } = await import('@/lib/campaigns/start-campaign');
        const created = await createCampaign(s, {
          name,
          selection: selection as never,
          regionCertificates: parseCertArgs(certs),
          ...(mode ? { mode } : {}),
          ...(concurrency ? { concurrency: Number(concurrency) } : {}),
          ...(str(values.waves) ? { waves: parseWavesArg(str(values.waves)!) } : {}),
          ...(str(values.deadline) ? { deadline: str(values.deadline)! } : {}),
          requiresApproval: Boolean(values['require-approval']),
        });
        let state: string = created.campaign.state;
        if (values.start) {
          if (state === 'AWAITING_APPROVAL')
            io.err(
              'not started: the campaign awaits approval by a second admin (rekey campaign approve <id> --as <email>)',
            );
          else state = (await startCampaign(s, created.campaign.id)).state;
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
      return withRuntime(values, async (s) => {
        const { approveCampaign } = await import('@/lib/campaigns/approve-campaign');
        const c = await approveCampaign(createUseCaseContext({ ...s, principal: s.principal! }), id);
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
      return withRuntime(values, async (s) => {
        const mod = {
          start: async () => (await import('@/lib/campaigns/start-campaign')).startCampaign(s, id),
          pause: async () => (await import('@/lib/campaigns/pause-campaign')).pauseCampaign(s, id),
          resume: async () => (await import('@/lib/campaigns/resume-campaign')).resumeCampaign(s, id),
          cancel: async () => (await (await import('@/lib/campaigns/cancel-campaign')).cancelCampaign(s, id)).campaign,
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
      return withRuntime(values, async (s) => {
        const { retryFailed } = await import('@/lib/campaigns/retry-failed');
        const r = await retryFailed(s, { campaignId: id });
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
    details:
      '--watch         follow it until nothing can progress any more; exit 0 when every item succeeded,\n' +
      '                1 when it finished with failed/skipped/cancelled items, was cancelled, is paused,\n' +
      '                waits for approval or an admin (items that need attention)\n' +
      '--json          one progress object per poll (one line each)',
    options: { watch: { type: 'boolean' }, interval: { type: 'string' }, ...asOption },
    allowPositionals: true,
    async run({ values, positionals }, io) {
      const id = campaignId(positionals, 'campaign status <id>');
      const interval = Number(str(values.interval) ?? 5);
      if (!Number.isFinite(interval) || interval < 0.2 || interval > 3600)
        throw new UsageError('--interval is seconds between polls, from 0.2 to 3600');
      return withRuntime(values, async (s) => {
        const { getCampaignProgress } = await import('@/lib/campaigns/get-campaign-progress');
        for (;;) {
          const p = await getCampaignProgress(s.db, id, {
            now: new Date(),
            ...(s.principal ? { principal: s.principal } : {}),
          });
          io.out(values.json ? JSON.stringify({ ok: true, progress: p }) : formatProgress(p));
          if (!values.watch) return EXIT.OK;
          const verdict = watchVerdict(p);
          if (verdict) {
            io.err(verdict.message);
            return verdict.code;
          }
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
      return withRuntime(values, async (s) => {
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
