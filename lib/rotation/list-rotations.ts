/**
 * Rotations, newest first, for scripts (`rekey rotations list`): filtered by state ('active' or one
 * state), campaign, connector or tenant, and scoped like the dashboard's rotations page — a
 * principal sees the rotations of the tenants they may view; no principal is the machine's operator.
 * Keyset pagination (`after` = the last id of the previous page) so 10,000 rows stream steadily.
 */
import { z } from 'zod';
import type { Actor } from '@/lib/audit/append-audit-event';
import { hasRole, tenantScopeWhere, type Principal } from '@/lib/auth/principal';
import type { Db, Prisma } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { ACTIVE_STATES, ROTATION_STATES, type RotationState } from '@/lib/rotation/machine';

export interface ListRotationsContext {
  db: Db;
  now: Date;
  actor: Actor;
  /** Absent: the machine's operator (CLI on the server, jobs). */
  principal?: Principal;
}

export const ListRotationsSchema = z.object({
  state: z.union([z.literal('active'), z.enum(ROTATION_STATES)]).optional(),
  campaignId: z.uuid('campaign must be a campaign id').optional(),
  connectorId: z.uuid('connector must be a connector id').optional(),
  tenantId: z.uuid('tenant must be a Rekey tenant id').optional(),
  /** The id of the last row of the previous page. */
  after: z.uuid().optional(),
  limit: z.number().int().min(1).max(500).default(200),
});
export type ListRotationsInput = z.input<typeof ListRotationsSchema>;

const rotationSelect = {
  id: true,
  state: true,
  step: true,
  mode: true,
  actorLabel: true,
  campaignId: true,
  startStatus: true,
  errorCode: true,
  errorMessage: true,
  attempts: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  connector: {
    select: { id: true, displayName: true, tenant: { select: { id: true, displayName: true, entraTenantId: true } } },
  },
  fromCertificate: { select: { id: true, sha1Thumbprint: true } },
  toCertificate: { select: { id: true, sha1Thumbprint: true } },
} as const satisfies Prisma.RotationSelect;

export type RotationListRow = Prisma.RotationGetPayload<{ select: typeof rotationSelect }>;

export async function listRotations(
  ctx: ListRotationsContext,
  input: ListRotationsInput,
): Promise<{ rows: RotationListRow[]; next: string | null }> {
  if (ctx.principal && !hasRole(ctx.principal, 'viewer'))
    throw new RekeyError('FORBIDDEN', 'Listing rotations needs the Viewer role.', { need: 'viewer' });
  const parsed = ListRotationsSchema.safeParse(input);
  if (!parsed.success)
    throw new RekeyError('BAD_INPUT', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const f = parsed.data;
  const and: Prisma.RotationWhereInput[] = [];
  if (ctx.principal) and.push({ connector: { tenant: tenantScopeWhere(ctx.principal, 'viewer') } });
  if (f.state === 'active') and.push({ state: { in: [...ACTIVE_STATES] } });
  else if (f.state) and.push({ state: f.state as RotationState });
  if (f.campaignId) and.push({ campaignId: f.campaignId });
  if (f.connectorId) and.push({ connectorId: f.connectorId });
  if (f.tenantId) and.push({ connector: { tenantId: f.tenantId } });
  const rows = await ctx.db.rotation.findMany({
    where: { AND: and },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: f.limit,
    ...(f.after ? { cursor: { id: f.after }, skip: 1 } : {}),
    select: rotationSelect,
  });
  return { rows, next: rows.length === f.limit ? rows[rows.length - 1]!.id : null };
}
