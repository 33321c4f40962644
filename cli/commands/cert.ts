import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT, UsageError, str, type CliIO, type Command, type Values } from '@/cli/command';
import { withRuntime } from '@/cli/session';
import { RekeyError } from '@/lib/errors';
import type { CertificateFacts } from '@/lib/certs/certificate-facts';
import type * as KeyPairModule from '@/lib/certs/generate-key-pair';

/** The certificate modules (node-forge and friends), loaded only by the commands that use them. */
async function certs() {
  const [cert, csr, selfSigned, pfx, keyPair, match, input, keyCredential, entra] = await Promise.all([
    import('@/lib/certs/cert-error'),
    import('@/lib/certs/create-csr'),
    import('@/lib/certs/create-self-signed-certificate'),
    import('@/lib/certs/export-pfx'),
    import('@/lib/certs/generate-key-pair'),
    import('@/lib/certs/match-issued-certificate'),
    import('@/lib/certs/parse-certificate-input'),
    import('@/lib/certs/to-key-credential'),
    import('@/lib/certs/validate-for-entra'),
  ]);
  return {
    ...cert,
    ...csr,
    ...selfSigned,
    ...pfx,
    ...keyPair,
    ...match,
    ...input,
    ...keyCredential,
    ...entra,
  };
}

/** `--password` wins; otherwise REKEY_PFX_PASSWORD, so passwords need not sit in shell history. */
function password(values: Values, flag = 'password'): string | undefined {
  return str(values[flag]) ?? (process.env.REKEY_PFX_PASSWORD || undefined);
}

async function readInput(file: string): Promise<Buffer> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new RekeyError('BAD_INPUT', `"${file}": no such file.`);
  }
  const { DEFAULT_MAX_INPUT_BYTES, certInputError } = await certs();
  if (size > DEFAULT_MAX_INPUT_BYTES)
    throw certInputError(
      'TOO_LARGE',
      file,
      `is ${size} bytes; the limit is ${DEFAULT_MAX_INPUT_BYTES} bytes. Check that you chose the right file.`,
    );
  return readFileSync(file);
}

/** Public facts for output (no PEM/DER noise unless asked; never key material). */
function summary(f: CertificateFacts) {
  return {
    subject: f.subject,
    issuer: f.issuer,
    serialNumber: f.serialNumber,
    sans: f.sans,
    notBefore: f.notBefore.toISOString(),
    notAfter: f.notAfter.toISOString(),
    keyType: f.keyType,
    keySize: f.keySize ?? null,
    curve: f.curve ?? null,
    signatureAlgorithm: f.signatureAlgorithm,
    sha1Thumbprint: f.sha1Thumbprint,
    sha256Thumbprint: f.sha256Thumbprint,
    x5t: f.x5t,
    x5tS256: f.x5tS256,
    isCA: f.isCA,
    selfSigned: f.selfSigned,
  };
}

function human(f: CertificateFacts): string {
  const key = f.keyType + (f.keySize ? ` ${f.keySize}` : '') + (f.curve ? ` (${f.curve})` : '');
  return [
    `subject:        ${f.subject}`,
    `issuer:         ${f.issuer}${f.selfSigned ? ' (self-signed)' : ''}`,
    `serial:         ${f.serialNumber}`,
    `valid:          ${f.notBefore.toISOString()} → ${f.notAfter.toISOString()}`,
    `key:            ${key}`,
    `signature:      ${f.signatureAlgorithm}`,
    `SHA-1:          ${f.sha1Thumbprint}`,
    `SHA-256:        ${f.sha256Thumbprint}`,
    ...(f.sans.length ? [`SANs:           ${f.sans.join(', ')}`] : []),
  ].join('\n');
}

function slug(subject: string): string {
  const cn = /CN=([^,]+)/i.exec(subject)?.[1] ?? 'certificate';
  return (
    cn
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'certificate'
  );
}

/** Writes without overwriting; private material gets mode 0600. */
function writeNew(file: string, data: string | Buffer, secret: boolean): void {
  try {
    writeFileSync(file, data, { flag: 'wx', mode: secret ? 0o600 : 0o644 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      throw new RekeyError('CONFLICT', `${file} already exists; choose another --out directory or --name.`);
    throw e;
  }
}

const inspect: Command = {
  path: ['cert', 'inspect'],
  summary: 'Show a certificate’s facts (thumbprints, dates, key) and whether Entra ID accepts it',
  usage: 'cert inspect FILE [--password P] [--json]   (or REKEY_PFX_PASSWORD for a PFX/encrypted key)',
  allowPositionals: true,
  options: { password: { type: 'string' } },
  async run({ values, positionals }, io: CliIO) {
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new UsageError('give exactly one FILE');
    const pw = password(values);
    const { parseCertificateInput, validateForEntra, toKeyCredential } = await certs();
    const bundle = parseCertificateInput({
      data: await readInput(file),
      filename: file,
      ...(pw !== undefined ? { password: pw } : {}),
    });
    const validation = validateForEntra(bundle.leaf, { now: new Date(), filename: file, chain: bundle.chain });
    if (values.json) {
      io.out(
        JSON.stringify({
          ok: validation.ok,
          file,
          kinds: bundle.kinds,
          ...summary(bundle.leaf),
          chain: bundle.chain.map(summary),
          privateKey: bundle.privateKey
            ? {
                type: bundle.privateKey.type,
                size: bundle.privateKey.size ?? null,
                curve: bundle.privateKey.curve ?? null,
              }
            : null,
          keyCredential: toKeyCredential(bundle.leaf),
          errors: validation.errors,
          warnings: validation.warnings,
        }),
      );
    } else {
      io.out(human(bundle.leaf));
      if (bundle.chain.length) io.out(`chain:          ${bundle.chain.map((c) => c.subject).join(' → ')}`);
      if (bundle.privateKey)
        io.out(
          `private key:    ${bundle.privateKey.type} ${bundle.privateKey.size ?? bundle.privateKey.curve ?? ''} (matches)`,
        );
    }
    for (const w of validation.warnings) io.err(`warning: ${w.message}`);
    for (const e of validation.errors) io.err(`error: ${e.message}`);
    return validation.ok ? EXIT.OK : EXIT.FAILED;
  },
};

const generate: Command = {
  path: ['cert', 'generate'],
  summary:
    'Make an RSA key and a self-signed certificate (or a CSR for the vendor’s CA); --store keeps the key only in the vault',
  usage:
    'cert generate --subject "CN=…" [--days N] [--key-size 2048|3072|4096] (--store [--label L] [--region R] | [--out DIR] [--name NAME] [--csr] [--pfx-password P | REKEY_PFX_PASSWORD]) [--json]',
  details:
    '--store         add the certificate to the inventory with its key sealed in the vault; nothing is\n' +
    '                written to disk (audited). Prints the id and thumbprints for rotate --to / campaign --cert.\n' +
    '--region R      with --store: make it the replacement certificate for tenants of region R\n' +
    'Without --store: writes NAME.key.pem (mode 0600) and NAME.crt.pem (or NAME.csr.pem with --csr) in --out.',
  options: {
    store: { type: 'boolean' },
    label: { type: 'string' },
    region: { type: 'string' },
    subject: { type: 'string' },
    days: { type: 'string' },
    'key-size': { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    csr: { type: 'boolean' },
    'pfx-password': { type: 'string' },
  },
  async run({ values }, io) {
    const subject = str(values.subject);
    if (!subject) throw new UsageError('--subject is required, e.g. --subject "CN=contoso-connector, O=Contoso"');
    const days = Number(str(values.days) ?? 365);
    const bits = Number(str(values['key-size']) ?? 2048);
    if (!Number.isInteger(days)) throw new UsageError('--days must be a whole number');
    const { createCsr, createSelfSignedCertificate, exportPfx } = await certs();
    const keys: typeof KeyPairModule = await import('@/lib/certs/generate-key-pair');
    try {
      keys.assertRsaKeySize(bits);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (values.store) {
      for (const flag of ['out', 'name', 'csr', 'pfx-password'])
        if (values[flag] !== undefined)
          throw new UsageError(`--store keeps the key in the vault only; leave out --${flag}`);
      const { GenerateCertificateSchema, generateCertificate } =
        await import('@/lib/certificates/generate-certificate');
      const input = GenerateCertificateSchema.safeParse({
        subject,
        days,
        keySize: bits,
        ...(str(values.label) ? { label: str(values.label) } : {}),
        ...(str(values.region) ? { region: str(values.region) } : {}),
      });
      if (!input.success)
        throw new RekeyError(
          'BAD_INPUT',
          input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        );
      const stored = await withRuntime(values, async (ctx) => {
        const { id } = await generateCertificate(ctx, input.data);
        return ctx.db.certificate.findUniqueOrThrow({
          where: { id },
          select: {
            id: true,
            subject: true,
            label: true,
            region: true,
            sha1Thumbprint: true,
            sha256Thumbprint: true,
            notAfter: true,
          },
        });
      });
      // The same object as `certificates add --json` (docs/cli.md).
      if (values.json)
        io.out(
          JSON.stringify({
            ok: true,
            id: stored.id,
            created: true,
            subject: stored.subject,
            label: stored.label,
            region: stored.region,
            sha1Thumbprint: stored.sha1Thumbprint,
            sha256Thumbprint: stored.sha256Thumbprint,
            notAfter: stored.notAfter.toISOString(),
            hasPrivateKey: true,
          }),
        );
      else
        io.out(
          [
            `id:       ${stored.id}`,
            `subject:  ${stored.subject}`,
            `SHA-1:    ${stored.sha1Thumbprint}`,
            `SHA-256:  ${stored.sha256Thumbprint}`,
            `expires:  ${stored.notAfter.toISOString()}`,
            `region:   ${stored.region ?? '— (not a region’s replacement; --region R makes it one)'}`,
            'key:      sealed in the vault (nothing written to disk)',
          ].join('\n'),
        );
      return EXIT.OK;
    }
    for (const flag of ['label', 'region'])
      if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with --store`);
    const dir = str(values.out) ?? '.';
    const name = str(values.name) ?? slug(subject);
    mkdirSync(dir, { recursive: true });
    const files: Record<string, string> = {};
    if (values.csr) {
      const { csrPem, keyPem } = await createCsr({ subject, bits });
      files.key = path.join(dir, `${name}.key.pem`);
      files.csr = path.join(dir, `${name}.csr.pem`);
      writeNew(files.key, keyPem, true);
      writeNew(files.csr, csrPem, false);
      if (values.json) io.out(JSON.stringify({ ok: true, files }));
      else
        io.out(
          `wrote ${files.key} (private key, keep it safe) and ${files.csr}\nsend the CSR to your CA, then: rekey cert import-issued --csr-key ${files.key} --cert ISSUED.cer`,
        );
      return EXIT.OK;
    }
    const made = await createSelfSignedCertificate({ subject, days, bits, now: new Date() });
    files.key = path.join(dir, `${name}.key.pem`);
    files.cert = path.join(dir, `${name}.crt.pem`);
    const pfxPassword = password(values, 'pfx-password');
    const pfx =
      pfxPassword !== undefined
        ? exportPfx({ certPem: made.certPem, keyPem: made.keyPem, password: pfxPassword, friendlyName: name })
        : undefined;
    writeNew(files.key, made.keyPem, true);
    writeNew(files.cert, made.certPem, false);
    if (pfx) {
      files.pfx = path.join(dir, `${name}.pfx`);
      writeNew(files.pfx, pfx, true);
    }
    if (values.json) io.out(JSON.stringify({ ok: true, files, ...summary(made.facts) }));
    else io.out(`${human(made.facts)}\nwrote ${Object.values(files).join(', ')}`);
    return EXIT.OK;
  },
};

const importIssued: Command = {
  path: ['cert', 'import-issued'],
  summary: 'Check that the certificate a CA issued belongs to the pending CSR key (optionally write a PFX)',
  usage:
    'cert import-issued --csr-key KEY --cert FILE [--password P] [--pfx-out FILE --pfx-password P | REKEY_PFX_PASSWORD]',
  options: {
    'csr-key': { type: 'string' },
    cert: { type: 'string' },
    password: { type: 'string' },
    'pfx-out': { type: 'string' },
    'pfx-password': { type: 'string' },
  },
  async run({ values }, io) {
    const keyFile = str(values['csr-key']);
    const certFile = str(values.cert);
    if (!keyFile || !certFile) throw new UsageError('--csr-key and --cert are required');
    const keyPw = str(values.password) ?? (process.env.REKEY_PFX_PASSWORD || undefined);
    const { parsePrivateKeyInput, matchIssuedCertificate, validateForEntra, exportPfx } = await certs();
    const key = parsePrivateKeyInput({
      data: await readInput(keyFile),
      filename: keyFile,
      ...(keyPw !== undefined ? { password: keyPw } : {}),
    });
    const matched = matchIssuedCertificate(await readInput(certFile), key.pem, { filename: certFile });
    const validation = validateForEntra(matched.facts, { now: new Date(), filename: certFile, privateKeyPem: key.pem });
    let pfxFile: string | undefined;
    const pfxOut = str(values['pfx-out']);
    if (pfxOut && validation.ok) {
      const pw = password(values, 'pfx-password');
      if (pw === undefined) throw new UsageError('--pfx-out needs --pfx-password or REKEY_PFX_PASSWORD');
      writeNew(
        pfxOut,
        exportPfx({
          certPem: matched.facts.pem,
          keyPem: matched.keyPem,
          chainPems: matched.chain.map((c) => c.pem),
          password: pw,
        }),
        true,
      );
      pfxFile = pfxOut;
    }
    if (values.json)
      io.out(
        JSON.stringify({
          ok: validation.ok,
          matched: true,
          ...summary(matched.facts),
          errors: validation.errors,
          warnings: validation.warnings,
          pfx: pfxFile ?? null,
        }),
      );
    else
      io.out(`${human(matched.facts)}\nthe certificate matches the pending key${pfxFile ? `; wrote ${pfxFile}` : ''}`);
    for (const w of validation.warnings) io.err(`warning: ${w.message}`);
    for (const e of validation.errors) io.err(`error: ${e.message}`);
    return validation.ok ? EXIT.OK : EXIT.FAILED;
  },
};

const exportCmd: Command = {
  path: ['cert', 'export'],
  summary: 'Write a stored certificate with its private key as a PFX (AES-256) for the vendor service; audited',
  usage: 'cert export ID|SHA1 --pfx-out FILE [--pfx-password P | REKEY_PFX_PASSWORD] [--json]',
  allowPositionals: true,
  options: { 'pfx-out': { type: 'string' }, 'pfx-password': { type: 'string' } },
  async run({ values, positionals }, io) {
    const ref = positionals[0];
    const out = str(values['pfx-out']);
    const pw = password(values, 'pfx-password');
    if (!ref || !out) throw new UsageError('give the certificate (id or SHA-1 thumbprint) and --pfx-out FILE');
    if (pw === undefined) throw new UsageError('--pfx-out needs --pfx-password or REKEY_PFX_PASSWORD');
    const result = await withRuntime(values, async (ctx) => {
      const { exportCertificatePfx } = await import('@/lib/certificates/export-certificate-pfx');
      return exportCertificatePfx(ctx, { certificate: ref, password: pw });
    });
    writeFileSync(out, result.pfx, { mode: 0o600 });
    if (values.json) io.out(JSON.stringify({ ok: true, file: out, sha1Thumbprint: result.sha1Thumbprint }));
    else io.err(`wrote ${out} (${result.subject}, ${result.sha1Thumbprint}); keep it and its password apart`);
    return EXIT.OK;
  },
};

export const certCommands: Command[] = [inspect, generate, importIssued, exportCmd];
