import { z } from 'zod';
import { defineRoute } from '@/lib/auth/action';
import { downloadPublicCertificate } from '@/lib/certificates/view-certificates';

/** The public certificate only (PEM or DER). The private key leaves only through ../export (admins, ADR 021). */
export const GET = defineRoute<
  z.ZodObject<{ format: z.ZodDefault<z.ZodEnum<{ pem: 'pem'; cer: 'cer' }>> }>,
  { id: string }
>({
  name: 'certificates.download',
  role: 'viewer',
  input: z.object({ format: z.enum(['pem', 'cer']).default('pem') }),
  handler: async ({ format }, ctx) => {
    const file = await downloadPublicCertificate(ctx, { id: ctx.params.id, format });
    return new Response(new Uint8Array(file.body), {
      headers: {
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${file.filename}"`,
        'cache-control': 'no-store',
      },
    });
  },
});
