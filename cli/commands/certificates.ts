/**
 * `rekey certificates list|add`: the certificate inventory. `add` runs the dashboard's intake
 * (lib/certificates/import-certificate.ts: the same parsing, Entra checks and messages; the private
 * key sealed by the vault; audited as `cli:<os user>`). A certificate becomes a region's
 * replacement only with an explicit --region.
 */
import type { KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EXIT, RekeyError, UsageError, str, type Command, type Values } from '../command';
import { day, emitRows, iso, listOptions, outputMode, pagesOf, type Column } from '../output';
import { asOption, withRuntime } from '../session';
import type { listCertificates } from '@/lib/certificates/list-certificates';
import { formatSize } from '@/lib/limits';

type Row = Awaited<ReturnType<typeof listCertificates>>['rows'][number];
type State = 'compromised' | 'expired' | 'expiring' | 'valid';

/** The stable JSON shape of one certificate (docs/cli.md). */
export function certificateJson(c: Row & { state: State }) {
  return {
    id: c.id,
    subject: c.subject,
    issuer: c.issuer,
    label: c.label,
    region: c.region,
    source: c.source,
    sha1Thumbprint: c.sha1Thumbprint,
    sha256Thumbprint: c.sha256Thumbprint,
    serialNumber: c.serialNumber,
    notBefore: iso(c.notBefore),
    notAfter: iso(c.notAfter),
    keyType: c.keyType,
    keySize: c.keySize,
    hasPrivateKey: c.hasPrivateKey,
    connectors: c.connectors,
    compromised: c.compromised,
    state: c.state,
    createdAt: iso(c.createdAt),
  };
}

const columns: Column<Row & { state: State }>[] = [
  { header: 'SUBJECT', cell: (c) => c.label ?? c.subject },
  { header: 'REGION', cell: (c) => c.region ?? '' },
  { header: 'STATE', cell: (c) => c.state },
  { header: 'EXPIRES', cell: (c) => day(c.notAfter) },
  { header: 'KEY', cell: (c) => (c.hasPrivateKey ? 'vault' : '—') },
  { header: 'CONNECTORS', cell: (c) => String(c.connectors) },
  { header: 'SHA-1', cell: (c) => c.sha1Thumbprint },
  { header: 'ID', cell: (c) => c.id },
];

function readFile(file: string, max: number, what: string): Buffer {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new RekeyError('BAD_INPUT', `${file}: no such file.`);
  }
  if (size > max)
    throw new RekeyError(
      'PAYLOAD_TOO_LARGE',
      `${file}: the file is ${formatSize(size)}; the limit is ${formatSize(max)} (a ${what} is a few KiB). Check that you chose the right file.`,
    );
  return readFileSync(file);
}

const password = (values: Values, flag: string) => str(values[flag]) ?? (process.env.REKEY_PFX_PASSWORD || undefined);

export const certificateCommands: Command[] = [
  {
    path: ['certificates', 'list'],
    summary: 'List the certificate inventory: region, state, whether the vault holds the key, usage.',
    usage: 'certificates list [--search Q] [--region R] [--as EMAIL] [--json | --ndjson]',
    details:
      '--search Q      subject or label contains Q, or a thumbprint / serial number starts with Q\n' +
      'state: compromised (named by an advisory), expired, expiring (within 30 days) or valid.',
    options: { search: { type: 'string' }, region: { type: 'string' }, ...asOption, ...listOptions },
    async run({ values }, io) {
      const mode = outputMode(values);
      return withRuntime(values, async (ctx) => {
        if (ctx.principal) {
          const { hasRole } = await import('@/lib/auth/principal');
          if (!hasRole(ctx.principal, 'viewer'))
            throw new RekeyError('FORBIDDEN', `${ctx.principal.email} has no role in Rekey.`, { need: 'viewer' });
        }
        const { listCertificates, certificateState } = await import('@/lib/certificates/list-certificates');
        const { tenantScopeWhere } = await import('@/lib/auth/principal');
        // A scoped user counts only connectors of their tenants.
        const scope = ctx.principal ? tenantScopeWhere(ctx.principal, 'viewer') : undefined;
        const region = str(values.region);
        async function* pages() {
          for await (const page of pagesOf((p) =>
            listCertificates(ctx.db, {
              q: str(values.search),
              sort: 'notAfter',
              dir: 'desc',
              page: p,
              pageSize: 200,
              tenantScope: scope,
            }),
          ))
            yield page
              .filter((c) => region === undefined || c.region === region)
              .map((c) => ({ ...c, state: certificateState(c, ctx.now) }));
        }
        await emitRows(io, mode, pages(), { json: certificateJson, columns, noun: 'certificate(s)' });
        return EXIT.OK;
      });
    },
  },
  {
    path: ['certificates', 'add'],
    summary: 'Add a certificate (and its private key) to the inventory; the key is sealed in the vault.',
    usage: 'certificates add FILE [--key FILE] [--password P | REKEY_PFX_PASSWORD] [--label L] [--region R] [--json]',
    details:
      'FILE            .cer/.crt/.pem, .pfx/.p12 (with its key) or .p7b\n' +
      '--key FILE      the private key as a separate file (PEM or DER; encrypted keys take --password)\n' +
      '--region R      make it the replacement certificate for tenants of region R (only when given)\n' +
      'Prints the new certificate’s id and thumbprints; `rotate --to` and `campaign create --cert` take either.',
    allowPositionals: true,
    options: {
      key: { type: 'string' },
      password: { type: 'string' },
      label: { type: 'string' },
      region: { type: 'string' },
    },
    async run({ values, positionals }, io) {
      const file = positionals[0];
      if (!file || positionals.length > 1) throw new UsageError('give exactly one certificate FILE');
      const { CertificateUploadSchema, MAX_CERTIFICATE_UPLOAD_BYTES, importCertificate } =
        await import('@/lib/certificates/import-certificate');
      const pw = password(values, 'password');
      let data = readFile(file, MAX_CERTIFICATE_UPLOAD_BYTES, 'certificate');
      const keyFile = str(values.key);
      if (keyFile) {
        // The dashboard takes one file; a separate key joins the certificate as one PEM bundle.
        const { parseCertificateInput, parsePrivateKeyInput } = await import('@/lib/certs/parse-certificate-input');
        const bundle = parseCertificateInput(
          { data, filename: file, ...(pw !== undefined ? { password: pw } : {}) },
          { maxBytes: MAX_CERTIFICATE_UPLOAD_BYTES },
        );
        if (bundle.privateKey)
          throw new RekeyError('BAD_INPUT', `${file} already holds its private key; leave out --key ${keyFile}.`);
        const key = parsePrivateKeyInput(
          {
            data: readFile(keyFile, MAX_CERTIFICATE_UPLOAD_BYTES, 'private key'),
            filename: keyFile,
            ...(pw !== undefined ? { password: pw } : {}),
          },
          { maxBytes: MAX_CERTIFICATE_UPLOAD_BYTES },
        );
        // Name the two files when they do not belong together (the intake only sees one bundle).
        const { X509Certificate, createPublicKey } = await import('node:crypto');
        const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
        const keyPublic = spki(createPublicKey(key.pem));
        if (!bundle.certificates.some((c) => spki(new X509Certificate(c.pem).publicKey).equals(keyPublic)))
          throw new RekeyError(
            'BAD_INPUT',
            `${keyFile} is not the private key of ${file} (its public key differs). Give the key that was made with this certificate's request.`,
          );
        data = Buffer.from(`${bundle.certificates.map((c) => c.pem.trim()).join('\n')}\n${key.pem}`);
      }
      const input = CertificateUploadSchema.safeParse({
        file: new File([new Uint8Array(data)], path.basename(file)),
        ...(pw !== undefined && !keyFile ? { password: pw } : {}),
        ...(str(values.label) ? { label: str(values.label) } : {}),
        ...(str(values.region) ? { region: str(values.region) } : {}),
      });
      if (!input.success)
        throw new RekeyError(
          'BAD_INPUT',
          input.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; '),
        );
      const result = await withRuntime(values, async (ctx) => {
        const r = await importCertificate(ctx, input.data);
        const c = await ctx.db.certificate.findUniqueOrThrow({
          where: { id: r.id },
          select: {
            id: true,
            subject: true,
            label: true,
            region: true,
            sha1Thumbprint: true,
            sha256Thumbprint: true,
            notAfter: true,
            sealedPrivateKey: true,
          },
        });
        const { sealedPrivateKey, ...rest } = c;
        return { ...rest, created: r.created, hasPrivateKey: sealedPrivateKey !== null };
      });
      if (values.json) io.out(JSON.stringify({ ok: true, ...result, notAfter: iso(result.notAfter) }));
      else {
        io.out(
          [
            `id:       ${result.id}`,
            `subject:  ${result.subject}`,
            `SHA-1:    ${result.sha1Thumbprint}`,
            `SHA-256:  ${result.sha256Thumbprint}`,
            `expires:  ${iso(result.notAfter)}`,
            `region:   ${result.region ?? '— (not a region’s replacement; --region R makes it one)'}`,
            `key:      ${result.hasPrivateKey ? 'sealed in the vault' : 'none (add the key to rotate connectors to it)'}`,
          ].join('\n'),
        );
        io.err(
          result.created
            ? 'added to the inventory'
            : 'attached the private key to the certificate already in the inventory',
        );
      }
      return EXIT.OK;
    },
  },
];
