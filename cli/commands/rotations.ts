/** `rekey rotations list|show|cancel|retry`: the rotations page for scripts. */
import { EXIT, UsageError, str, type CliIO, type Command, type Values } from '../command';
import { day, emitRows, iso, listOptions, outputMode, type Column } from '../output';
import { asOption, withRuntime } from '../session';
import type { RotationListRow } from '@/lib/rotation/list-rotations';
import { GUID as UUID } from '@/lib/text/guid';

const STATES = ['PENDING', 'RUNNING', 'WAITING', 'NEEDS_ATTENTION', 'SUCCEEDED', 'FAILED', 'CANCELLED'];

/** The stable JSON shape of one rotation in a list (docs/cli.md). */
export function rotationJson(r: RotationListRow) {
  return {
    id: r.id,
    state: r.state,
    step: r.step,
    mode: r.mode,
    connector: { id: r.connector.id, displayName: r.connector.displayName },
    tenant: {
      id: r.connector.tenant.id,
      entraTenantId: r.connector.tenant.entraTenantId,
      displayName: r.connector.tenant.displayName,
    },
    campaignId: r.campaignId,
    fromSha1Thumbprint: r.fromCertificate?.sha1Thumbprint ?? null,
    toCertificate: { id: r.toCertificate.id, sha1Thumbprint: r.toCertificate.sha1Thumbprint },
    startStatus: r.startStatus,
    attempts: r.attempts,
    error: r.errorCode || r.errorMessage ? { code: r.errorCode, message: r.errorMessage } : null,
    startedBy: r.actorLabel,
    createdAt: iso(r.createdAt),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
  };
}

const columns: Column<RotationListRow>[] = [
  { header: 'CREATED', cell: (r) => iso(r.createdAt)!.slice(0, 16).replace('T', ' ') },
  { header: 'STATE', cell: (r) => r.state },
  { header: 'STEP', cell: (r) => r.step },
  { header: 'TENANT', cell: (r) => r.connector.tenant.displayName },
  { header: 'CONNECTOR', cell: (r) => r.connector.displayName },
  { header: 'MODE', cell: (r) => r.mode },
  { header: 'BY', cell: (r) => r.actorLabel || 'system' },
  { header: 'ERROR', cell: (r) => (r.errorMessage ?? '').slice(0, 60) },
  { header: 'ID', cell: (r) => r.id },
];

function oneId(positionals: string[], what: string): string {
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError(`give one ${what} id`);
  if (!UUID.test(id)) throw new UsageError(`"${id}" is not a ${what} id (rekey rotations list shows them)`);
  return id;
}

async function adminEvent(verb: 'cancel' | 'retry', values: Values, positionals: string[], io: CliIO) {
  const id = oneId(positionals, 'rotation');
  const r = await withRuntime(values, async (ctx) => {
    if (verb === 'cancel') return (await import('@/lib/rotation/cancel-rotation')).cancelRotation(ctx, id);
    return (await import('@/lib/rotation/retry-rotation')).retryRotation(ctx, id);
  });
  if (values.json) io.out(JSON.stringify({ ok: true, rotation: r }));
  else io.err(`rotation ${r.id}: ${r.state} (next step ${r.step})`);
  return EXIT.OK;
}

export const rotationCommands: Command[] = [
  {
    path: ['rotations', 'list'],
    summary: 'List rotations, newest first (state, campaign, connector, tenant filters).',
    usage:
      'rotations list [--state active|STATE] [--campaign ID] [--connector ID] [--tenant ID] [--limit N] [--as EMAIL] [--json | --ndjson]',
    details:
      `--state         active (pending, running, waiting, needs attention) or one of ${STATES.join(', ')}\n` +
      '--limit N       at most N rotations (default: all)\n' +
      'JSON: an array of rotation objects (docs/cli.md); --ndjson streams one per line.',
    options: {
      state: { type: 'string' },
      campaign: { type: 'string' },
      connector: { type: 'string' },
      tenant: { type: 'string' },
      limit: { type: 'string' },
      ...asOption,
      ...listOptions,
    },
    async run({ values }, io) {
      const mode = outputMode(values);
      const state = str(values.state);
      const normalized = state === undefined ? undefined : state === 'active' ? 'active' : state.toUpperCase();
      if (normalized !== undefined && normalized !== 'active' && !STATES.includes(normalized))
        throw new UsageError(`--state must be active or one of ${STATES.join(', ')}`);
      for (const k of ['campaign', 'connector'] as const)
        if (str(values[k]) && !UUID.test(str(values[k])!)) throw new UsageError(`--${k} must be a ${k} id`);
      const limitArg = str(values.limit);
      const limit = limitArg === undefined ? Infinity : Number(limitArg);
      if (limitArg !== undefined && (!Number.isInteger(limit) || limit < 1))
        throw new UsageError('--limit must be a whole number of at least 1');
      return withRuntime(values, async (ctx) => {
        const { listRotations } = await import('@/lib/rotation/list-rotations');
        let tenantId: string | undefined;
        if (str(values.tenant)) {
          const { findTenantByAnyId } = await import('@/lib/tenants/get-tenant');
          const t = await findTenantByAnyId(ctx, { tenantId: str(values.tenant)! });
          if (!t) {
            const { RekeyError } = await import('@/lib/errors');
            throw new RekeyError('NOT_FOUND', `No onboarded tenant matches ${str(values.tenant)}.`);
          }
          tenantId = t.id;
        }
        async function* pages() {
          let after: string | undefined;
          let left = limit;
          while (left > 0) {
            const { rows, next } = await listRotations(ctx, {
              ...(normalized ? { state: normalized as never } : {}),
              ...(str(values.campaign) ? { campaignId: str(values.campaign) } : {}),
              ...(str(values.connector) ? { connectorId: str(values.connector) } : {}),
              ...(tenantId ? { tenantId } : {}),
              ...(after ? { after } : {}),
              limit: Math.min(200, left),
            });
            if (rows.length) yield rows;
            left -= rows.length;
            if (!next) return;
            after = next;
          }
        }
        await emitRows(io, mode, pages(), { json: rotationJson, columns, noun: 'rotation(s)' });
        return EXIT.OK;
      });
    },
  },
  {
    path: ['rotations', 'show'],
    summary: 'Show one rotation with its evidence: steps, credentials before and after, audit events.',
    usage: 'rotations show ID [--as EMAIL] [--json]',
    allowPositionals: true,
    options: { ...asOption },
    async run({ values, positionals }, io) {
      const id = oneId(positionals, 'rotation');
      const ev = await withRuntime(values, async (ctx) => {
        const { getRotationEvidence } = await import('@/lib/rotation/get-rotation-evidence');
        return getRotationEvidence(ctx, { rotationId: id });
      });
      if (values.json) {
        io.out(JSON.stringify({ ok: true, ...ev }));
        return EXIT.OK;
      }
      const r = ev.rotation;
      io.out(
        [
          `rotation   ${r.id}`,
          `state      ${r.state} (step ${r.step})${r.errorMessage ? ` — ${r.errorMessage}` : ''}`,
          `connector  ${ev.connector.displayName} (${ev.connector.id}, app ${ev.connector.appId})`,
          `tenant     ${ev.tenant.displayName} (${ev.tenant.entraTenantId})`,
          `from       ${ev.from ? `${ev.from.sha1} ${ev.from.subject}` : 'unknown'}`,
          `to         ${ev.to.sha1} ${ev.to.subject} (until ${day(ev.to.notAfter)})`,
          `mode       ${r.mode}${r.plan ? ` (${r.plan})` : ''}, started by ${r.startedBy || 'system'} at ${iso(r.createdAt)}${r.finishedAt ? `, finished ${iso(r.finishedAt)}` : ''}`,
          'steps:',
          ...ev.steps.map((s) => `  ${iso(s.at)}  ${s.step.padEnd(24)} ${s.outcome.padEnd(18)} ${s.message}`),
          'audit:',
          ...ev.audit.map((a) => `  #${a.seq}  ${iso(a.at)}  ${a.action.padEnd(22)} ${a.actor}`),
        ].join('\n'),
      );
      return EXIT.OK;
    },
  },
  {
    path: ['rotations', 'cancel'],
    summary: 'Cancel a rotation where that is safe (a new key already added is removed again first).',
    usage: 'rotations cancel ID [--as EMAIL] [--json]',
    allowPositionals: true,
    options: { ...asOption },
    run: ({ values, positionals }, io) => adminEvent('cancel', values, positionals, io),
  },
  {
    path: ['rotations', 'retry'],
    summary: 'Run the step a rotation that needs attention stopped at again, now.',
    usage: 'rotations retry ID [--as EMAIL] [--json]',
    allowPositionals: true,
    options: { ...asOption },
    run: ({ values, positionals }, io) => adminEvent('retry', values, positionals, io),
  },
];
