/**
 * Settings › Connector types: create or edit the kinds of vendor connector discovery recognises
 * (by display-name pattern or fixed appId) and the permissions a re-established connection must
 * get again. One transaction with the audit event. `(ctx, input)`: a fleet-wide admin only.
 */
import { z } from 'zod';
import { refuseControlCharacters } from '@/lib/text/single-line';
import { appendAuditEvent } from '@/lib/audit/append-audit-event';
import { isUniqueViolation, type Prisma } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { RequiredResourceAccessSchema } from '@/lib/graph/graph-types';
import { requireSettingsAdmin } from '@/lib/settings/require-settings-admin';
import { isGuid } from '@/lib/text/guid';
import type { UseCaseContext } from '@/lib/use-case';

const uuid = z.uuid('must be a GUID');

/**
 * Graph's requiredResourceAccess (the one schema, lib/graph/graph-types.ts) as an admin types it:
 * GUIDs, "Role" or "Scope", at least one permission per API, at most 50 APIs.
 */
const TypedRequiredResourceAccessSchema = RequiredResourceAccessSchema.max(50).superRefine((list, ctx) => {
  list.forEach((api, i) => {
    if (!isGuid(api.resourceAppId))
      ctx.addIssue({ code: 'custom', path: [i, 'resourceAppId'], message: 'must be a GUID' });
    if (api.resourceAccess.length === 0)
      ctx.addIssue({ code: 'custom', path: [i, 'resourceAccess'], message: 'name at least one permission' });
    api.resourceAccess.forEach((p, j) => {
      if (!isGuid(p.id))
        ctx.addIssue({ code: 'custom', path: [i, 'resourceAccess', j, 'id'], message: 'must be a GUID' });
      if (p.type !== 'Role' && p.type !== 'Scope')
        ctx.addIssue({
          code: 'custom',
          path: [i, 'resourceAccess', j, 'type'],
          message: 'type must be "Role" or "Scope"',
        });
    });
  });
});

const optional = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => v || null);

export const SaveConnectorTypeSchema = z
  .object({
    id: z
      .uuid()
      .optional()
      .or(z.literal('').transform(() => undefined)),
    name: z.string().trim().min(1, 'Give the connector type a name.').max(100).superRefine(refuseControlCharacters),
    vendor: z.string().trim().max(200).default(''),
    description: z.string().trim().max(1000).default(''),
    displayNamePattern: optional(200),
    appId: z
      .string()
      .trim()
      .max(36)
      .optional()
      .transform((v) => v?.toLowerCase() || null)
      .refine((v) => v === null || uuid.safeParse(v).success, 'The appId must be a GUID.'),
    requiredResourceAccess: z.string().max(20_000).default('[]'),
  })
  .refine((v) => v.displayNamePattern || v.appId, {
    message: 'Give a display-name pattern or an appId: discovery matches apps by one of them.',
    path: ['displayNamePattern'],
  });
export type SaveConnectorTypeInput = z.output<typeof SaveConnectorTypeSchema>;

function parsePermissions(text: string): Prisma.InputJsonValue {
  let raw: unknown;
  try {
    raw = JSON.parse(text.trim() || '[]');
  } catch (e) {
    throw new RekeyError('BAD_INPUT', `Required permissions is not valid JSON: ${(e as Error).message}`, {
      fieldErrors: { requiredResourceAccess: ['not valid JSON'] },
    });
  }
  const parsed = TypedRequiredResourceAccessSchema.safeParse(raw);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => `${i.path.length ? `[${i.path.join('].[')}] ` : ''}${i.message}`);
    throw new RekeyError(
      'BAD_INPUT',
      `Required permissions must be Graph's requiredResourceAccess list: [{"resourceAppId": GUID, "resourceAccess": [{"id": GUID, "type": "Role"}]}].\n${errors.join('\n')}`,
      { fieldErrors: { requiredResourceAccess: errors } },
    );
  }
  return parsed.data as Prisma.InputJsonValue;
}

export async function saveConnectorType(ctx: UseCaseContext, input: SaveConnectorTypeInput) {
  requireSettingsAdmin(ctx, 'Changing connector types');
  const requiredResourceAccess = parsePermissions(input.requiredResourceAccess);
  const data = {
    name: input.name,
    vendor: input.vendor,
    description: input.description,
    displayNamePattern: input.displayNamePattern,
    appId: input.appId,
    requiredResourceAccess,
  };
  try {
    return await ctx.db.$transaction(async (tx) => {
      if (input.id) {
        const before = await tx.connectorType.findUnique({ where: { id: input.id } });
        if (!before) throw new RekeyError('NOT_FOUND', 'Connector type not found.');
        const row = await tx.connectorType.update({ where: { id: input.id }, data });
        const { createdAt: _b, ...b } = before;
        await appendAuditEvent(
          tx,
          ctx.actor,
          { action: 'connector_type.update', targetType: 'connector_type', targetId: row.id, before: b, after: data },
          ctx.now,
        );
        return { id: row.id, created: false };
      }
      const row = await tx.connectorType.create({ data });
      await appendAuditEvent(
        tx,
        ctx.actor,
        { action: 'connector_type.create', targetType: 'connector_type', targetId: row.id, after: data },
        ctx.now,
      );
      return { id: row.id, created: true };
    });
  } catch (e) {
    if (isUniqueViolation(e))
      throw new RekeyError(
        'CONFLICT',
        `A connector type named "${input.name}" already exists.`,
        { fieldErrors: { name: ['already in use'] } },
        { cause: e },
      );
    throw e;
  }
}

/** Every connector type with how many connectors it matched (Settings › Connector types). */
export function listConnectorTypes({ db }: Pick<UseCaseContext, 'db'>) {
  return db.connectorType.findMany({
    orderBy: { name: 'asc' },
    select: {
      id: true,
      name: true,
      vendor: true,
      description: true,
      displayNamePattern: true,
      appId: true,
      requiredResourceAccess: true,
      _count: { select: { connectors: true } },
    },
  });
}
