/**
 * Settings › Connector types: create or edit the kinds of vendor connector discovery recognises
 * (by display-name pattern or fixed appId) and the permissions a re-established connection must
 * get again. One transaction with the audit event.
 */
import 'server-only';
import { z } from 'zod';
import { refuseControlCharacters } from '@/lib/text/single-line';
import { appendAuditEvent, type Actor } from '@/lib/audit/append-audit-event';
import { db, isUniqueViolation, type Prisma } from '@/lib/db';
import { RekeyError } from '@/lib/errors';

const uuid = z.uuid('must be a GUID');

/** Graph's requiredResourceAccess shape. */
export const RequiredResourceAccessSchema = z
  .array(
    z
      .object({
        resourceAppId: uuid,
        resourceAccess: z
          .array(
            z
              .object({ id: uuid, type: z.enum(['Role', 'Scope'], { message: 'type must be "Role" or "Scope"' }) })
              .strict(),
          )
          .min(1, 'name at least one permission'),
      })
      .strict(),
  )
  .max(50);

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
  const parsed = RequiredResourceAccessSchema.safeParse(raw);
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

export async function saveConnectorType(input: SaveConnectorTypeInput, ctx: { actor: Actor; now: Date }) {
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
    return await db.$transaction(async (tx) => {
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
