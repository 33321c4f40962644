import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { describeError, redact } from '@/lib/http/redact';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('redact', () => {
  it.each([
    ['a PEM private key', `failed to load ${pem} ok`, 'MII'],
    ['a JWT', 'token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl rejected', 'eyJhbGci'],
    ['a bearer token', 'Authorization: Bearer abc.def.ghijklmnop', 'abc.def'],
    ['a client_assertion', 'client_assertion=abcdefghijkl&x=1', 'abcdefghijkl'],
    ['a passphrase', 'passphrase: "hunter2hunter2"', 'hunter2'],
    ['long base64', `der ${'QUJD'.repeat(60)}`, 'QUJDQUJD'],
  ])('removes %s', (_name, input, secret) => {
    expect(redact(input)).not.toContain(secret);
  });

  it('keeps ordinary text', () => {
    expect(redact('tenant 3f2a not found')).toBe('tenant 3f2a not found');
  });

  it('describes errors without their secrets', () => {
    expect(describeError(new Error(`bad key ${pem}`))).not.toContain('PRIVATE KEY-----\nMII');
  });
});
