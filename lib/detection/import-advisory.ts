/**
 * Import a vendor advisory file (JSON or CSV; plain thumbprint lists too). All-or-nothing: any bad
 * row refuses the whole file and names every bad row; a good file is written with its audit event
 * and the re-classification in one transaction (lib/detection/persist-advisory.ts).
 */
import { z } from 'zod';
import { refuseControlCharacters } from '@/lib/text/single-line';
import { RekeyError } from '@/lib/errors';
import { advisoryInputError, callerUserId } from '@/lib/detection/create-advisory';
import { callerOf, type UseCaseContext } from '@/lib/use-case';
import { requireFleetWide } from '@/lib/detection/detection-access';
import { MAX_ADVISORY_BYTES, parseAdvisory, SEVERITIES } from '@/lib/detection/parse-advisory';
import { tooLargeMessage } from '@/lib/limits';
import { ADVISORY_TRANSACTION, persistAdvisory, type CreatedAdvisory } from '@/lib/detection/persist-advisory';

export const ImportAdvisorySchema = z.object({
  content: z.string().superRefine((text, ctx) => {
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_ADVISORY_BYTES) ctx.addIssue({ code: 'custom', message: tooLargeMessage('advisory', bytes) });
  }),
  fileName: z.string().max(255).optional(),
  format: z.enum(['json', 'csv', 'text']).optional(),
  /** Metadata for CSV / text; overrides the JSON file's values when given. */
  title: z.string().max(200).superRefine(refuseControlCharacters).optional(),
  severity: z.enum(SEVERITIES).optional(),
  publishedAt: z.string().optional(),
  compromiseStart: z.string().optional(),
  compromiseEnd: z.string().optional(),
  guidance: z.string().max(20_000).optional(),
  source: z.string().max(200).optional(),
});
export type ImportAdvisoryInput = z.input<typeof ImportAdvisorySchema>;

export async function importAdvisory(ctx: UseCaseContext, input: ImportAdvisoryInput): Promise<CreatedAdvisory> {
  requireFleetWide(callerOf(ctx), 'operator', 'Importing an advisory');
  const fields = ImportAdvisorySchema.safeParse(input);
  if (!fields.success)
    throw new RekeyError('BAD_INPUT', 'Some fields are not valid.', {
      fieldErrors: z.flattenError(fields.error).fieldErrors,
    });
  const { content, fileName, format, ...meta } = fields.data;
  const parsed = parseAdvisory(content, { format, fileName, meta });
  if (!parsed.ok) throw advisoryInputError(parsed);
  // Neither the file nor the form named a source: say where it came from.
  if (!meta.source && parsed.value.meta.source === 'manual')
    parsed.value.meta.source = fileName ? `import: ${fileName}` : 'import';
  return ctx.db.$transaction(
    (tx) =>
      persistAdvisory(tx, parsed.value, {
        actor: ctx.actor,
        now: ctx.now,
        createdById: callerUserId(callerOf(ctx)),
        audit: { action: 'advisory.import', extra: { fileName: fileName ?? null } },
      }),
    ADVISORY_TRANSACTION,
  );
}
