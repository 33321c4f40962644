/**
 * `rekey invite create (--tenant ID|DOMAIN ... | --connector ID ... | --csv FILE | --campaign ID | --advisory ID)
 * --to CERT [--email ADDR] [--expires 14d] [--reason TEXT] [--json]` prints the customer self-service
 * rotation links (shown once: only their hashes are stored); `rekey invite list [--json]` and
 * `rekey invite revoke ID`. Audited as `cli:<os user>` (or the `--as` user, whose scope applies).
 */
import { readFileSync, statSync } from 'node:fs';
import { EXIT, UsageError, str, strs, type Command } from '../command';
import { day, emitRows, iso, listOptions, outputMode, type Column } from '../output';
import { asOption, withRuntime } from '../session';
import { RekeyError } from '@/lib/errors';
import { isGuid } from '@/lib/text/guid';
import type { InvitationRow } from '@/lib/invitations/list-invitations';

const MAX_CSV_BYTES = 5 * 1024 * 1024;

/** "14d", "14" (days) or "2w"; 1 to 90 days. */
export function parseExpiry(v: string): number {
  const m = /^(\d{1,3})\s*([dw]?)$/i.exec(v.trim());
  if (!m) throw new UsageError(`--expires must be a number of days like 14d or 2w, not "${v}"`);
  const days = Number(m[1]) * (m[2]?.toLowerCase() === 'w' ? 7 : 1);
  if (days < 1 || days > 90) throw new UsageError('--expires must be between 1 and 90 days');
  return days;
}

function readCsv(file: string): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new RekeyError('BAD_INPUT', `${file}: no such file.`);
  }
  if (size > MAX_CSV_BYTES) throw new RekeyError('PAYLOAD_TOO_LARGE', `${file}: larger than 5 MiB; split the list.`);
  return readFileSync(file, 'utf8');
}

const listColumns: Column<InvitationRow>[] = [
  { header: 'CREATED', cell: (r) => day(r.createdAt) },
  { header: 'TARGET', cell: (r) => r.target },
  { header: 'CONNECTOR', cell: (r) => r.connector ?? '—' },
  { header: 'STATUS', cell: (r) => r.view.toLowerCase().replace(/_/g, ' ') },
  { header: 'EXPIRES', cell: (r) => day(r.expiresAt) },
  { header: 'EMAIL', cell: (r) => r.email ?? '—' },
  { header: 'ID', cell: (r) => r.id },
];

export function invitationJson(r: InvitationRow) {
  return {
    id: r.id,
    target: r.target,
    entraTenantId: r.entraTenantId,
    tenantDomain: r.tenantDomain,
    connector: r.connector,
    email: r.email,
    status: r.view.toLowerCase(),
    detail: r.stateDetail,
    customerUpn: r.customerUpn,
    certificate: { id: r.certificate.id, subject: r.certificate.subject, sha1Thumbprint: r.certificate.sha1Thumbprint },
    createdAt: iso(r.createdAt),
    expiresAt: iso(r.expiresAt),
    rotatedAt: iso(r.usedAt),
    rotationId: r.rotationId,
  };
}

export const inviteCommands: Command[] = [
  {
    path: ['invite', 'create'],
    summary: "Create customer self-service rotation links (the customer's own admin rotates; Rekey keeps no access).",
    usage:
      'invite create (--tenant ID|DOMAIN ... | --connector ID ... | --csv FILE | --campaign ID | --advisory ID) --to CERT [--email ADDR] [--expires 14d] [--reason TEXT] [--send --vendor NAME] [--as EMAIL] [--json]',
    details:
      '--tenant          an Entra tenant id, a Rekey tenant id or a domain (repeatable); known tenants get one link per connector\n' +
      '--connector       a connector id (repeatable)\n' +
      '--csv FILE        columns tenant (id or domain) and email, for customers Rekey does not manage\n' +
      "--campaign ID     every connector of a campaign, each with its region's certificate\n" +
      '--advisory ID     every connector an advisory affects\n' +
      '--to CERT         the certificate to install: its id, SHA-1 or SHA-256 thumbprint (optional with --campaign)\n' +
      '--expires         how long the links work: 14d by default, at most 90d\n' +
      '--send --vendor N e-mail each link with an address through REKEY_SMTP_URL, naming vendor N\n' +
      'The links are printed once (stdout); Rekey stores only their hashes. A target with an open invitation is skipped.',
    options: {
      ...asOption,
      tenant: { type: 'string', multiple: true },
      connector: { type: 'string', multiple: true },
      csv: { type: 'string' },
      campaign: { type: 'string' },
      advisory: { type: 'string' },
      to: { type: 'string' },
      email: { type: 'string' },
      expires: { type: 'string' },
      reason: { type: 'string' },
      send: { type: 'boolean' },
      vendor: { type: 'string' },
      json: { type: 'boolean' },
    },
    async run({ values }, io) {
      if (values.send && !str(values.vendor))
        throw new UsageError('--send needs --vendor NAME (who the e-mail says is asking)');
      const tenants = strs(values.tenant);
      const connectors = strs(values.connector);
      const csv = str(values.csv);
      const campaign = str(values.campaign);
      const advisory = str(values.advisory);
      const given = [tenants.length > 0, connectors.length > 0, !!csv, !!campaign, !!advisory].filter(Boolean).length;
      if (given !== 1)
        throw new UsageError('give exactly one of --tenant, --connector, --csv, --campaign or --advisory');
      const to = str(values.to);
      if (!to && !campaign) throw new UsageError('--to CERT is required (the certificate the customer installs)');
      const expiresInDays = values.expires ? parseExpiry(String(values.expires)) : undefined;
      const source = tenants.length
        ? { kind: 'tenants' as const, tenants }
        : connectors.length
          ? { kind: 'connectors' as const, connectorIds: connectors }
          : csv
            ? { kind: 'csv' as const, text: readCsv(csv) }
            : campaign
              ? { kind: 'campaign' as const, campaignId: campaign }
              : { kind: 'advisory' as const, advisoryId: advisory! };
      return withRuntime(values, async (ctx) => {
        const { createInvitations } = await import('@/lib/invitations/create-invitations');
        const { defaultPublicUrl, env } = await import('@/lib/env');
        let certificateId: string | undefined;
        if (to) {
          const t = to.replace(/[:\s]/g, '');
          const cert = await ctx.db.certificate.findFirst({
            where: /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(to)
              ? { id: to.toLowerCase() }
              : { OR: [{ sha1Thumbprint: t.toUpperCase() }, { sha256Thumbprint: t.toUpperCase() }] },
            select: { id: true },
          });
          if (!cert)
            throw new RekeyError('NOT_FOUND', `Certificate ${to} not found (rekey certificates list shows them).`);
          certificateId = cert.id;
        }
        const baseUrl = process.env.REKEY_PUBLIC_URL ?? defaultPublicUrl(env());
        const res = await createInvitations(
          ctx,
          {
            source,
            ...(certificateId ? { certificateId } : {}),
            ...(str(values.email) ? { email: str(values.email) } : {}),
            ...(expiresInDays ? { expiresInDays } : {}),
            ...(str(values.reason) ? { reason: str(values.reason) } : {}),
          },
          { baseUrl },
        );
        let emailed: { sent: string[]; failed: { id: string; error: string }[] } | null = null;
        if (values.send) {
          const { sendInvitationEmails } = await import('@/lib/invitations/send-invitation-emails');
          const { getNotificationSettings, parseSmtpUrl } = await import('@/lib/notifications/notification-settings');
          const settings = await getNotificationSettings(ctx.db);
          emailed = await sendInvitationEmails(
            ctx,
            { created: res.created, reason: str(values.reason) ?? 'Your connection needs a new certificate.' },
            {
              smtp: parseSmtpUrl(process.env.REKEY_SMTP_URL),
              from: settings.email.from,
              vendorName: str(values.vendor)!,
            },
          );
          for (const f of emailed.failed) io.err(`e-mail for invitation ${f.id} failed: ${f.error}`);
        }
        if (values.json) {
          io.out(
            JSON.stringify({
              created: res.created.map((c) => ({ ...c, expiresAt: iso(c.expiresAt) })),
              skipped: res.skipped,
              ...(emailed ? { emailed } : {}),
            }),
          );
        } else {
          for (const c of res.created) io.out(`${c.link}\t${c.target}\t${c.email ?? '—'}\texpires ${day(c.expiresAt)}`);
          for (const s of res.skipped) io.err(`skipped ${s.target}: ${s.reason}`);
          io.err(`${res.created.length} invitation(s) created, ${res.skipped.length} skipped.`);
        }
        return EXIT.OK;
      });
    },
  },
  {
    path: ['invite', 'list'],
    summary: 'List invitations, newest first, with their status (sent … rotated, expired, revoked).',
    usage: 'invite list [--campaign ID] [--advisory ID] [--as EMAIL] [--json | --ndjson]',
    options: { ...asOption, ...listOptions, campaign: { type: 'string' }, advisory: { type: 'string' } },
    async run({ values }, io) {
      const mode = outputMode(values);
      return withRuntime(values, async (ctx) => {
        const { listInvitations } = await import('@/lib/invitations/list-invitations');
        const rows = await listInvitations(ctx, {
          ...(str(values.campaign) ? { campaignId: str(values.campaign) } : {}),
          ...(str(values.advisory) ? { advisoryId: str(values.advisory) } : {}),
        });
        await emitRows(
          io,
          mode,
          (async function* () {
            yield rows;
          })(),
          { json: invitationJson, columns: listColumns, noun: 'invitation(s)' },
        );
        return EXIT.OK;
      });
    },
  },
  {
    path: ['invite', 'revoke'],
    summary: 'Revoke an invitation: its link stops working at once.',
    usage: 'invite revoke ID [--as EMAIL] [--json]',
    allowPositionals: true,
    options: { ...asOption, json: { type: 'boolean' } },
    async run({ values, positionals }, io) {
      if (positionals.length !== 1) throw new UsageError('give exactly one invitation id');
      const id = positionals[0]!;
      if (!isGuid(id)) throw new UsageError(`"${id}" is not an invitation id`);
      return withRuntime(values, async (ctx) => {
        const { revokeInvitation } = await import('@/lib/invitations/revoke-invitation');
        const res = await revokeInvitation(ctx, { invitationId: id.toLowerCase() });
        if (values.json) io.out(JSON.stringify(res));
        else io.err(res.revoked ? `Invitation ${res.id} revoked.` : `Invitation ${res.id} was already revoked.`);
        return EXIT.OK;
      });
    },
  },
];
