/**
 * Create an advisory from pasted thumbprints / serial numbers and form fields.
 * load (nothing) → authorize (fleet-wide operator) → validate (zod + per-row parse) → write
 * advisory, indicators, audit and the re-classification in one transaction.
 */
import { z } from 'zod';
import { refuseControlCharacters } from '@/lib/text/single-line';
import { RekeyError } from '@/lib/errors';
import { requireFleetWide, type Caller } from '@/lib/detection/detection-access';
import { advisoryInputError, parseAdvisoryText, SEVERITIES } from '@/lib/detection/parse-advisory';
import { ADVISORY_TRANSACTION, persistAdvisory, type CreatedAdvisory } from '@/lib/detection/persist-advisory';
import { callerOf, type UseCaseContext } from '@/lib/use-case';

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

export function callerUserId(caller: Caller): string | null {
  return caller === 'system' ? null : caller.userId;
}

export async function createAdvisory(ctx: UseCaseContext, input: CreateAdvisoryInput): Promise<CreatedAdvisory> {
  const { db } = ctx;
  requireFleetWide(callerOf(ctx), 'operator', 'Creating an advisory');
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
        createdById: callerUserId(callerOf(ctx)),
        audit: { action: 'advisory.create' },
      }),
    ADVISORY_TRANSACTION,
  );
}
