/**
 * A bad-input corpus against the use cases behind the upload and import forms: malformed
 * certificates, wrong or missing PFX passwords, keys and CSRs instead of certificates, expired
 * and mismatched material, oversized uploads, and bad tenant CSVs. Each input must be refused
 * with a specific error (code + reason + a message naming the problem) and write nothing: the
 * row counts of every table the use cases touch, audit chain included, stay the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsr } from '@/lib/certs/create-csr';
import {
  CertificateUploadSchema,
  MAX_CERTIFICATE_UPLOAD_BYTES,
  importCertificate,
  inspectCertificate,
  type CertificateUploadInput,
} from '@/lib/certificates/import-certificate';
import { db } from '@/lib/db';
import { isRekeyError } from '@/lib/errors';
import { startGraphSim, type GraphSim } from '@/lib/graph/testing/sim-graph';
import { closeJobQueues } from '@/lib/jobs/job-queues';
import { importTenants } from '@/lib/tenants/import-tenants';
import { buildCert, buildPfx, testKeyPem } from '@/lib/testing/certs';
import { createUseCaseContext } from '@/lib/use-case-defaults';

let gs: GraphSim;
const actor = { id: null, label: 'chaos-bad-input' };
const now = new Date();

beforeAll(async () => {
  gs = await startGraphSim({ throttling: false, tenants: 2 });
});
afterAll(async () => {
  await closeJobQueues();
  await gs?.close();
});

async function snapshot(): Promise<Record<string, number>> {
  const [certificates, requests, tenants, connectors, audit, rotations, campaigns] = await Promise.all([
    db.certificate.count(),
    db.certificateRequest.count(),
    db.tenant.count(),
    db.connector.count(),
    db.auditEvent.count(),
    db.rotation.count(),
    db.campaign.count(),
  ]);
  return { certificates, requests, tenants, connectors, audit, rotations, campaigns };
}

const file = (data: Buffer | string, name: string) =>
  new File([typeof data === 'string' ? data : new Uint8Array(data)], name);
const valid = buildCert({
  subject: 'CN=Bad input corpus, O=Rekey Chaos',
  notBefore: new Date(now.getTime() - 86_400_000),
  notAfter: new Date(now.getTime() + 200 * 86_400_000),
  slot: 901,
});
const expired = buildCert({
  subject: 'CN=Expired, O=Rekey Chaos',
  notBefore: new Date('2020-01-01T00:00:00Z'),
  notAfter: new Date('2021-01-01T00:00:00Z'),
  slot: 902,
});
const pemBody = valid.pem.split('\n').slice(1, -2).join('\n');

interface CertCase {
  name: string;
  input: () => Promise<CertificateUploadInput> | CertificateUploadInput;
  /** Refused by the form schema (message), or by the use case (code + details.reason). */
  expect: { schema: RegExp } | { code: string; reason?: string; message: RegExp };
}

const certCases: CertCase[] = [
  {
    name: 'an empty file',
    input: () => ({ file: file(Buffer.alloc(0), 'empty.cer') }),
    expect: { schema: /The file is empty/ },
  },
  {
    name: 'an oversized upload (just over 1 MiB)',
    input: () => ({ file: file(Buffer.alloc(1024 * 1024 + 1, 0x30), 'huge.pfx') }),
    expect: { schema: /the limit is 1 MiB/ },
  },
  {
    name: 'random bytes',
    input: () => ({ file: file(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'logo.cer') }),
    expect: { code: 'INVALID_CERTIFICATE', reason: 'NOT_A_CERTIFICATE', message: /logo\.cer.*not a certificate/ },
  },
  {
    name: 'a truncated DER certificate',
    input: () => ({ file: file(valid.der.subarray(0, 200), 'cut.cer') }),
    expect: { code: 'INVALID_CERTIFICATE', reason: 'TRUNCATED', message: /cut\.cer.*truncated/ },
  },
  {
    name: 'a PEM whose base64 is corrupted',
    input: () => ({
      file: file(
        `-----BEGIN CERTIFICATE-----\n${pemBody.slice(0, 300)}!!!!${pemBody.slice(340)}\n-----END CERTIFICATE-----\n`,
        'corrupt.pem',
      ),
    }),
    expect: { code: 'INVALID_CERTIFICATE', message: /corrupt\.pem/ },
  },
  {
    name: 'a private key instead of a certificate',
    input: () => ({ file: file(testKeyPem({ slot: 903 }), 'key.pem') }),
    expect: { code: 'INVALID_CERTIFICATE', reason: 'PRIVATE_KEY_NOT_CERTIFICATE', message: /key\.pem.*private key/i },
  },
  {
    name: 'a certificate request (CSR) instead of a certificate',
    input: async () => ({
      file: file(
        (await createCsr({ subject: 'CN=csr, O=Rekey Chaos', keyPem: testKeyPem({ slot: 904 }) })).csrPem,
        'request.csr',
      ),
    }),
    expect: { code: 'INVALID_CERTIFICATE', reason: 'CSR_NOT_CERTIFICATE', message: /request\.csr/ },
  },
  {
    name: 'a PFX with the wrong password',
    input: () => ({
      file: file(buildPfx({ cert: valid, password: 'correct horse' }), 'vendor.pfx'),
      password: 'battery staple',
    }),
    expect: { code: 'WRONG_PASSWORD', reason: 'WRONG_PASSWORD', message: /vendor\.pfx.*password/i },
  },
  {
    name: 'a PFX without its password',
    input: () => ({ file: file(buildPfx({ cert: valid, password: 'correct horse' }), 'vendor.pfx') }),
    expect: { code: 'WRONG_PASSWORD', reason: 'PASSWORD_REQUIRED', message: /vendor\.pfx.*password/i },
  },
  {
    name: 'a legacy 3DES PFX with the wrong password',
    input: () => ({
      file: file(buildPfx({ cert: valid, password: 'pw', algorithm: '3des' }), 'legacy.p12'),
      password: 'nope',
    }),
    expect: { code: 'WRONG_PASSWORD', message: /legacy\.p12.*password/i },
  },
  {
    name: 'a certificate with a key that is not its own',
    input: () => ({ file: file(`${valid.pem}\n${testKeyPem({ slot: 905 })}`, 'mismatch.pem') }),
    expect: { code: 'INVALID_CERTIFICATE', reason: 'KEY_MISMATCH', message: /mismatch\.pem/ },
  },
  {
    name: 'an expired certificate',
    input: () => ({ file: file(expired.pem, 'expired.cer') }),
    expect: { code: 'INVALID_CERTIFICATE', message: /expired/i },
  },
];

describe('bad certificate uploads: specific errors, nothing written', () => {
  it.each(certCases)('$name', async (c) => {
    const before = await snapshot();
    const input = await c.input();
    const parsed = CertificateUploadSchema.safeParse(input);
    if ('schema' in c.expect) {
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => i.message).join(' ')).toMatch(c.expect.schema);
      // The use case guards its own limits too (a caller that skips the schema).
      if (input.file.size > MAX_CERTIFICATE_UPLOAD_BYTES)
        await expect(importCertificate({ db, actor, now }, input)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    } else {
      expect(parsed.success).toBe(true);
      for (const run of [
        () => inspectCertificate({ db, actor, now }, input),
        () => importCertificate({ db, actor, now }, input),
      ]) {
        let err: unknown;
        try {
          const r = await run();
          // inspect reports validation problems instead of throwing.
          if ('validation' in r && !r.validation.ok)
            err = {
              code: 'INVALID_CERTIFICATE',
              message: r.validation.errors.map((e) => e.message).join(' '),
              details: {},
            };
        } catch (e) {
          err = e;
        }
        expect(err, 'refused').toBeDefined();
        if (isRekeyError(err) || (err && typeof err === 'object' && 'code' in err)) {
          const e = err as { code: string; message: string; details?: { reason?: string } };
          expect(e.code).toBe(c.expect.code);
          if (c.expect.reason) expect(e.details?.reason).toBe(c.expect.reason);
          expect(e.message).toMatch(c.expect.message);
        } else throw err;
      }
    }
    expect(await snapshot()).toEqual(before);
  });
});

interface CsvCase {
  name: string;
  csv: () => string;
  fileError?: RegExp;
  rows?: { status: string; message: RegExp }[];
  throws?: RegExp;
}

const TENANT_ID = '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b';
const csvCases: CsvCase[] = [
  { name: 'an empty file', csv: () => '', fileError: /empty/ },
  { name: 'a header only', csv: () => 'tenant,name,region,group\n', fileError: /no rows/ },
  {
    // Other columns are ignored (and named in the report), but a file with none Rekey knows is refused.
    name: 'no known column',
    csv: () => 'customer,colour\nContoso,blue\n',
    fileError: /tenant/,
  },
  { name: 'a missing name column', csv: () => 'tenant,region\ncontoso.com,EU\n', fileError: /tenant.*name/ },
  { name: 'a duplicated column', csv: () => 'tenant,name,name\ncontoso.com,A,B\n', fileError: /"name" appears twice/ },
  {
    name: 'too many rows',
    csv: () => `tenant,name\n${Array.from({ length: 10_001 }, (_, i) => `t${i}.example.com,T${i}`).join('\n')}\n`,
    fileError: /10001 rows.*at most 10000/,
  },
  {
    name: 'more than 5 MiB',
    csv: () => `tenant,name\n${'x'.repeat(5 * 1024 * 1024)}`,
    fileError: /one import reads at most 5 MiB/,
  },
  {
    name: 'one bad row among good ones (nothing is imported)',
    csv: () => `tenant,name,region\n${TENANT_ID},Good One,EU\nnot a domain!,Bad,EU\n`,
    rows: [
      { status: 'ok', message: /^$/ },
      { status: 'invalid', message: /neither a valid tenant id/ },
    ],
  },
  {
    name: 'a row without a name and too many fields',
    csv: () => 'tenant,name\ncontoso.com,,extra\n',
    rows: [{ status: 'invalid', message: /2 fields but the header 2|3 fields but the header 2|name is missing/ }],
  },
  {
    name: 'the same tenant twice',
    csv: () => `tenant,name\n${TENANT_ID},A\n${TENANT_ID},B\n`,
    rows: [
      { status: 'ok', message: /^$/ },
      { status: 'duplicate', message: /duplicate of line 2/ },
    ],
  },
  {
    name: 'a domain no tenant has',
    csv: () => 'tenant,name\nno-such-tenant-rekey.example.com,Ghost\n',
    rows: [{ status: 'unknown_domain', message: /./ }],
  },
  {
    name: 'a field longer than allowed',
    csv: () => `tenant,name,region\n${TENANT_ID},${'N'.repeat(201)},EU\n`,
    rows: [{ status: 'invalid', message: /longer than 200/ }],
  },
];

describe('bad tenant CSVs: specific errors, nothing written', () => {
  it.each(csvCases)('$name', async (c) => {
    const before = await snapshot();
    const ctx = createUseCaseContext({ actor, now, graph: () => gs.graph });
    if (c.throws) {
      await expect(importTenants(ctx, { csv: c.csv() })).rejects.toThrow(c.throws);
    } else {
      const r = await importTenants(ctx, { csv: c.csv() });
      expect(r.ok).toBe(false);
      expect(r.imported).toBe(0);
      expect(r.tenantIds).toEqual([]);
      if (c.fileError) expect(r.fileError).toMatch(c.fileError);
      if (c.rows) {
        expect(r.rows.map((x) => x.status)).toEqual(c.rows.map((x) => x.status));
        r.rows.forEach((row, i) => expect(row.messages.join(' ')).toMatch(c.rows![i]!.message));
      }
    }
    expect(await snapshot()).toEqual(before);
  });
});
