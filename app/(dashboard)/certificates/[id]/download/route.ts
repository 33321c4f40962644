import { z } from 'zod';
import { defineRoute } from '@/lib/auth/action';
import { derToPem } from '@/lib/certs/certificate-facts';
import { db } from '@/lib/db';
import { RekeyError } from '@/lib/errors';

/** The public certificate only (PEM or DER). Private keys are never downloadable from the web. */
export const GET = defineRoute<
  z.ZodObject<{ format: z.ZodDefault<z.ZodEnum<{ pem: 'pem'; cer: 'cer' }>> }>,
  { id: string }
>({
  name: 'certificates.download',
  role: 'viewer',
  input: z.object({ format: z.enum(['pem', 'cer']).default('pem') }),
  handler: async ({ format }, { params }) => {
    const id = z.uuid().safeParse(params.id);
    const c = id.success
      ? await db.certificate.findUnique({ where: { id: id.data }, select: { der: true, sha1Thumbprint: true } })
      : null;
    if (!c) throw new RekeyError('NOT_FOUND', 'That certificate does not exist.');
    const name = `certificate-${c.sha1Thumbprint.slice(0, 12)}.${format}`;
    const body = format === 'pem' ? derToPem(Buffer.from(c.der)) : new Uint8Array(c.der);
    return new Response(body, {
      headers: {
        'content-type': format === 'pem' ? 'application/x-pem-file' : 'application/pkix-cert',
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
      },
    });
  },
});
