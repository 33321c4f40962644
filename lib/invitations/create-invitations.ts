/**
 * Create customer self-service rotation invitations (issue 20, ADR 027) from connectors, tenants,
 * a campaign, an advisory or a CSV of tenant id / domain + admin e-mail.
 * load → authorize (operator; fleet-wide for CSV and advisories, tenant scope otherwise) → validate
 * → write every invitation, its first event and its audit event in one transaction.
 * One invitation per connector (or per tenant when the connector is unknown); a target that
 * already has an open invitation is skipped, not duplicated. Links are returned once: only the
 * token's hash is stored. A use case `(ctx, input, config)` (lib/use-case.ts): authorized against
 * `ctx.principal`; `config` is the deployment's link base, which the caller reads.
 */
import { z } from 'zod';
import { isGuid } from '@/lib/text/guid';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { Prisma, type Db } from '@/lib/db';
import { untrustedReplacements } from '@/lib/rotation/preflight-trust';
import { RekeyError } from '@/lib/errors';
import { requireFleetWide, requireTenantVisible, type Caller } from '@/lib/detection/detection-access';
import { affectedSql, scopeOf } from '@/lib/detection/affected-connectors';
import { mapColumns, parseCsvTable } from '@/lib/csv/parse-csv-table';
import { invitationLink, newInvitationToken, type InvitationLinkConfig } from '@/lib/invitations/invitation-token';
import { callerOf, type UseCaseContext } from '@/lib/use-case';

export const DEFAULT_EXPIRY_DAYS = 14;
export const MAX_INVITATIONS = 10_000;
const DAY_MS = 86_400_000;

const uuid = z.uuid({ message: 'must be an id' });

export const CreateInvitationsSchema = z.object({
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('connectors'), connectorIds: z.array(uuid).min(1).max(MAX_INVITATIONS) }),
    /** Rekey tenant ids, Entra tenant ids or domains. */
    z.object({ kind: z.literal('tenants'), tenants: z.array(z.string().min(1).max(255)).min(1).max(MAX_INVITATIONS) }),
    z.object({ kind: z.literal('campaign'), campaignId: uuid }),
    z.object({ kind: z.literal('advisory'), advisoryId: uuid }),
    z.object({ kind: z.literal('csv'), text: z.string().max(5 * 1024 * 1024) }),
  ]),
  /** The certificate to install; a campaign's per-region certificates take precedence for its items. */
  certificateId: uuid.optional(),
  /** Certificates by tenant region ("EU" → id), as campaigns choose them. */
  certificateByRegion: z.record(z.string().max(32), uuid).optional(),
  email: z.email({ message: 'is not an e-mail address' }).max(320).optional(),
  expiresInDays: z.number().int().min(1).max(90).default(DEFAULT_EXPIRY_DAYS),
  reason: z.string().trim().max(500).optional(),
});
export type CreateInvitationsInput = z.input<typeof CreateInvitationsSchema>;

interface Target {
  tenantId: string | null;
  entraTenantId: string | null;
  tenantDomain: string | null;
  connectorId: string | null;
  region: string | null;
  email: string | null;
  campaignId: string | null;
  advisoryId: string | null;
  label: string;
}

export interface CreatedInvitation {
  id: string;
  link: string;
  target: string;
  email: string | null;
  certificateId: string;
  expiresAt: Date;
}

export interface CreateInvitationsResult {
  created: CreatedInvitation[];
  skipped: { target: string; reason: string }[];
}

const DOMAIN = /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

function bad(message: string, details?: Record<string, unknown>): RekeyError {
  return new RekeyError('BAD_INPUT', message, details);
}

type TenantRow = {
  id: string;
  entraTenantId: string;
  defaultDomain: string | null;
  region: string;
  group: string | null;
  displayName: string;
};

async function connectorTargets(
  db: Db,
  caller: Caller,
  connectorIds: string[],
  extra: Partial<Target>,
): Promise<Target[]> {
  const rows = await db.connector.findMany({
    where: { id: { in: connectorIds } },
    select: {
      id: true,
      displayName: true,
      tenant: {
        select: { id: true, entraTenantId: true, defaultDomain: true, region: true, group: true, displayName: true },
      },
    },
  });
  const found = new Map(rows.map((r) => [r.id, r]));
  const out: Target[] = [];
  for (const id of connectorIds) {
    const c = found.get(id);
    if (!c) throw new RekeyError('NOT_FOUND', `Connector ${id} not found.`);
    requireTenantVisible(caller, c.tenant, 'operator', `Connector ${id}`);
    out.push({
      ...fromTenant(c.tenant, null),
      connectorId: c.id,
      label: `${c.tenant.displayName} / ${c.displayName}`,
      ...extra,
    });
  }
  return out;
}

function fromTenant(t: TenantRow, email: string | null): Target {
  return {
    tenantId: t.id,
    entraTenantId: t.entraTenantId,
    tenantDomain: t.defaultDomain,
    connectorId: null,
    region: t.region,
    email,
    campaignId: null,
    advisoryId: null,
    label: t.displayName,
  };
}

const TENANT_SELECT = {
  id: true,
  entraTenantId: true,
  defaultDomain: true,
  region: true,
  group: true,
  displayName: true,
} as const;

/** A tenant named by Rekey id, Entra id or domain: known tenants expand to their connectors. */
async function tenantTargets(
  db: Db,
  caller: Caller,
  refs: { ref: string; email: string | null; line?: number }[],
): Promise<Target[]> {
  const out: Target[] = [];
  for (const { ref, email, line } of refs) {
    const where = line !== undefined ? ` (line ${line})` : '';
    const byId = isGuid(ref);
    if (!byId && !DOMAIN.test(ref)) throw bad(`"${ref}"${where} is neither a tenant id nor a domain.`);
    const tenant = await db.tenant.findFirst({
      where: byId
        ? { OR: [{ id: ref.toLowerCase() }, { entraTenantId: ref.toLowerCase() }] }
        : { defaultDomain: { equals: ref, mode: 'insensitive' } },
      select: { ...TENANT_SELECT, connectors: { select: { id: true, displayName: true } } },
    });
    if (tenant) {
      requireTenantVisible(caller, tenant, 'operator', `Tenant ${ref}`);
      if (tenant.connectors.length === 0) out.push(fromTenant(tenant, email));
      for (const c of tenant.connectors)
        out.push({
          ...fromTenant(tenant, email),
          connectorId: c.id,
          label: `${tenant.displayName} / ${c.displayName}`,
        });
      continue;
    }
    // Not onboarded: the invitation names the tenant only; the connection is found at sign-in.
    requireFleetWide(caller, 'operator', 'Inviting a tenant Rekey does not manage');
    out.push({
      tenantId: null,
      entraTenantId: byId ? ref.toLowerCase() : null,
      tenantDomain: byId ? null : ref.toLowerCase(),
      connectorId: null,
      region: null,
      email,
      campaignId: null,
      advisoryId: null,
      label: ref.toLowerCase(),
    });
  }
  return out;
}

/** CSV columns: tenant (id or domain), email; optional region. */
export function parseInvitationCsv(text: string): { ref: string; email: string | null; line: number }[] {
  const parsed = parseCsvTable(text, { maxRows: MAX_INVITATIONS, what: 'The invitation CSV' });
  if (!parsed.ok) throw bad(parsed.error);
  const cols = mapColumns(parsed.table.header, {
    tenant: ['tenant', 'tenant id', 'tenantid', 'domain', 'tenant domain'],
    email: ['email', 'e-mail', 'admin email', 'admin e-mail', 'to'],
  });
  if (!cols.ok) throw bad(cols.error);
  const t = cols.columns.tenant;
  if (t === undefined) throw bad('The invitation CSV needs a "tenant" column (tenant id or domain).');
  const e = cols.columns.email;
  const rows: { ref: string; email: string | null; line: number }[] = [];
  for (const row of parsed.table.rows) {
    const ref = (row.cells[t] ?? '').trim();
    if (!ref) continue;
    const email = e === undefined ? '' : (row.cells[e] ?? '').trim();
    if (email && !z.email().safeParse(email).success)
      throw bad(`"${email}" (line ${row.line}) is not an e-mail address.`);
    rows.push({ ref, email: email || null, line: row.line });
  }
  if (rows.length === 0) throw bad('The invitation CSV has no tenants.');
  return rows;
}

async function resolveTargets(
  db: Db,
  caller: Caller,
  input: z.output<typeof CreateInvitationsSchema>,
): Promise<Target[]> {
  const s = input.source;
  switch (s.kind) {
    case 'connectors':
      return connectorTargets(db, caller, s.connectorIds, input.email ? { email: input.email } : {});
    case 'tenants':
      return tenantTargets(
        db,
        caller,
        s.tenants.map((ref) => ({ ref, email: input.email ?? null })),
      );
    case 'csv':
      requireFleetWide(caller, 'operator', 'Inviting from a CSV');
      return tenantTargets(db, caller, parseInvitationCsv(s.text));
    case 'campaign': {
      const campaign = await db.campaign.findUnique({
        where: { id: s.campaignId },
        select: { id: true, items: { select: { connectorId: true } } },
      });
      if (!campaign) throw new RekeyError('NOT_FOUND', `Campaign ${s.campaignId} not found.`);
      const ids = campaign.items.map((i) => i.connectorId);
      if (ids.length === 0) throw bad('The campaign has no connectors to invite.');
      return connectorTargets(db, caller, ids, { campaignId: campaign.id });
    }
    case 'advisory': {
      requireFleetWide(caller, 'operator', 'Inviting for an advisory');
      const advisory = await db.advisory.findUnique({ where: { id: s.advisoryId }, select: { id: true } });
      if (!advisory) throw new RekeyError('NOT_FOUND', `Advisory ${s.advisoryId} not found.`);
      const rows = await db.$queryRaw<{ connectorId: string }[]>(
        Prisma.sql`WITH affected AS (${affectedSql([advisory.id], scopeOf(caller))}) SELECT "connectorId" FROM affected`,
      );
      if (rows.length === 0) throw bad('No connector is affected by this advisory; there is nobody to invite.');
      return connectorTargets(
        db,
        caller,
        rows.map((r) => r.connectorId),
        { advisoryId: advisory.id },
      );
    }
  }
}

async function certificateFor(
  db: Db,
  target: Target,
  input: z.output<typeof CreateInvitationsSchema>,
  campaignRegions: Map<string, string>,
): Promise<string> {
  const region = target.region ?? '';
  const id = campaignRegions.get(region) ?? input.certificateByRegion?.[region] ?? input.certificateId;
  if (!id)
    throw bad(
      `Choose the certificate to install for ${target.label}${region ? ` (region ${region})` : ''}: give --to, or a certificate for that region.`,
    );
  void db;
  return id;
}

export async function createInvitations(
  ctx: Pick<UseCaseContext, 'db' | 'actor' | 'principal' | 'now'>,
  input: CreateInvitationsInput,
  config: InvitationLinkConfig,
): Promise<CreateInvitationsResult> {
  const { db } = ctx;
  const caller = callerOf(ctx);
  const parsed = CreateInvitationsSchema.safeParse(input);
  if (!parsed.success)
    throw bad('Some fields are not valid.', { fieldErrors: z.flattenError(parsed.error).fieldErrors });
  const data = parsed.data;
  const targets = await resolveTargets(db, caller, data);
  if (targets.length > MAX_INVITATIONS) throw bad(`At most ${MAX_INVITATIONS} invitations at once; split the list.`);

  const campaignRegions = new Map<string, string>();
  if (data.source.kind === 'campaign') {
    for (const r of await db.campaignRegionCertificate.findMany({ where: { campaignId: data.source.campaignId } }))
      campaignRegions.set(r.region, r.certificateId);
  }
  const certIds = new Map<Target, string>();
  for (const t of targets) certIds.set(t, await certificateFor(db, t, data, campaignRegions));
  const certs = await db.certificate.findMany({
    where: { id: { in: [...new Set(certIds.values())] } },
    select: {
      id: true,
      notAfter: true,
      subject: true,
      issuer: true,
      serialNumber: true,
      sha1Thumbprint: true,
      sha256Thumbprint: true,
    },
  });
  const certById = new Map(certs.map((c) => [c.id, c]));
  const expiresAt = new Date(ctx.now.getTime() + data.expiresInDays * DAY_MS);
  for (const id of new Set(certIds.values())) {
    const c = certById.get(id);
    if (!c) throw new RekeyError('NOT_FOUND', `Certificate ${id} not found.`);
    if (c.notAfter.getTime() <= ctx.now.getTime())
      throw bad(`Certificate ${c.subject} has expired; choose a valid one.`);
  }
  // Never ask a customer to install a certificate on an advisory or found as an unknown credential
  // (the wizard's trust rules): the rotation would leave the connection exposed.
  for (const [id, why] of await untrustedReplacements(db, certs))
    throw bad(
      `Certificate ${certById.get(id)!.subject} cannot be installed: ${why.replace(/^./, (ch) => ch.toLowerCase())} Choose another.`,
    );

  const reason =
    data.reason ??
    (data.source.kind === 'advisory'
      ? 'A certificate your connection uses is listed as compromised in a security advisory.'
      : 'Your connection needs a new certificate.');

  return db.$transaction(
    async (tx) => {
      const result: CreateInvitationsResult = { created: [], skipped: [] };
      for (const t of targets) {
        const open = await tx.invitation.findFirst({
          where: {
            ...(t.connectorId
              ? { connectorId: t.connectorId }
              : t.entraTenantId
                ? { entraTenantId: t.entraTenantId, connectorId: null }
                : { tenantDomain: t.tenantDomain, connectorId: null }),
            revokedAt: null,
            usedAt: null,
            expiresAt: { gt: ctx.now },
            state: { notIn: ['ROTATED', 'REVOKED'] },
          },
          select: { id: true },
        });
        if (open) {
          result.skipped.push({ target: t.label, reason: `already invited (invitation ${open.id})` });
          continue;
        }
        const { token, hash } = newInvitationToken();
        const certificateId = certIds.get(t)!;
        const inv = await tx.invitation.create({
          data: {
            tokenHash: hash,
            entraTenantId: t.entraTenantId,
            tenantDomain: t.tenantDomain,
            tenantId: t.tenantId,
            connectorId: t.connectorId,
            certificateId,
            campaignId: t.campaignId,
            advisoryId: t.advisoryId,
            email: t.email,
            reason,
            expiresAt,
            createdById: caller === 'system' ? null : caller.userId,
            createdAt: ctx.now,
            events: { create: { state: 'SENT', at: ctx.now } },
          },
          select: { id: true },
        });
        await appendAuditEvent(
          tx,
          ctx.actor,
          {
            action: 'invitation.create',
            targetType: 'invitation',
            targetId: inv.id,
            tenantId: t.tenantId,
            after: {
              target: t.label,
              entraTenantId: t.entraTenantId,
              tenantDomain: t.tenantDomain,
              connectorId: t.connectorId,
              certificateId,
              email: t.email,
              expiresAt: expiresAt.toISOString(),
            },
          },
          ctx.now,
        );
        result.created.push({
          id: inv.id,
          link: invitationLink(config.baseUrl, token),
          target: t.label,
          email: t.email,
          certificateId,
          expiresAt,
        });
      }
      return result;
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}
