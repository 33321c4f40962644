/**
 * Create an advisory from pasted thumbprints / serial numbers and form fields.
 * load (nothing) → authorize (fleet-wide operator) → validate (zod + per-row parse) → write
 * advisory, indicators, audit and the re-classification in one transaction.
 */
import { z } from 'zod';
import { refuseControlCharacters } from '@/lib/text/single-line';
import type { Actor } from '@/lib/audit/append-audit-event';
import { db as defaultDb, type Db } from '@/lib/db';
import { RekeyError } from '@/lib/errors';
import { requireFleetWide, type Caller } from '@/lib/detection/detection-access';
import { advisoryInputError, parseAdvisoryText, SEVERITIES } from '@/lib/detection/parse-advisory';
import { ADVISORY_TRANSACTION, persistAdvisory, type CreatedAdvisory } from '@/lib/detection/persist-advisory';

export { advisoryInputError };

export const CreateAdvisorySchema = z.object({
  title: z.string().max(200).superRefine(refuseControlCharacters),
  severity: z.enum(SEVERITIES),
  publishedAt: z.string().optional(),
  compromiseStart: z.string().optional(),
  compromiseEnd: z.string().optional(),
  guidance: z.string().max(20_000).optional(),
  /** One SHA-1 / SHA-256 thumbprint or serial number per line. */
  indicators: z.string().max(2 * 1024 * 1024),
});
export type CreateAdvisoryInput = z.input<typeof CreateAdvisorySchema>;

export interface DetectionContext {
  caller: Caller;
  actor: Actor;
  now: Date;
  db?: Db;
}

export function callerUserId(caller: Caller): string | null {
  return caller === 'system' ? null : caller.userId;
}

export async function createAdvisory(input: CreateAdvisoryInput, ctx: DetectionContext): Promise<CreatedAdvisory> {
  const db = ctx.db ?? defaultDb;
  requireFleetWide(ctx.caller, 'operator', 'Creating an advisory');
  const fields = CreateAdvisorySchema.safeParse(input);
  if (!fields.success)
    throw new RekeyError('BAD_INPUT', 'Some fields are not valid.', {
      fieldErrors: z.flattenError(fields.error).fieldErrors,
    });
  const { indicators, ...meta } = fields.data;
  const parsed = parseAdvisoryText(indicators, { ...meta, source: 'manual' });
  if (!parsed.ok) throw advisoryInputError(parsed);
  return db.$transaction(
    (tx) =>
      persistAdvisory(tx, parsed.value, {
        actor: ctx.actor,
        now: ctx.now,
        createdById: callerUserId(ctx.caller),
        audit: { action: 'advisory.create' },
      }),
    ADVISORY_TRANSACTION,
  );
}
