import { z } from 'zod';
import { defineRoute } from '@/lib/auth/action';
import { exportCertificatePfx } from '@/lib/certificates/export-certificate-pfx';

/**
 * The certificate with its private key as a password-protected PFX (ADR 021): POST only (never a
 * link, never prefetched), admins only (checked here and again in the use case), the typed
 * confirmation and the admin's password in the body, audited, sent once as an attachment that no
 * cache keeps. The same use case as `rekey cert export`.
 */
export const POST = defineRoute<
  z.ZodObject<{ password: z.ZodString; confirmText: z.ZodString }>,
  { id: string },
  never
>({
  name: 'certificates.export_pfx',
  role: 'admin',
  input: z.object({
    password: z.string().min(1, 'Choose a password for the PFX.').max(1024),
    confirmText: z.string().max(100),
  }),
  handler: async (input, ctx) => {
    const out = await exportCertificatePfx(ctx, { certificate: ctx.params.id, ...input });
    return new Response(new Uint8Array(out.pfx), {
      headers: {
        'content-type': 'application/x-pkcs12',
        'content-disposition': `attachment; filename="${out.filename}"`,
        'content-length': String(out.pfx.length),
        'cache-control': 'no-store',
        pragma: 'no-cache',
        'x-content-type-options': 'nosniff',
      },
    });
  },
});
