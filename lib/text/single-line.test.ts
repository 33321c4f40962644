import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  controlCharacterProblem,
  escapedControlCharacterProblem,
  nulCharacterFields,
  refuseControlCharacters,
} from './single-line';

describe('single-line text', () => {
  it.each([
    ['Litware\u0000 2027', 'a NUL character (U+0000)'],
    ['EU\nUS', 'a line break (U+000A)'],
    ['a\tb', 'a tab (U+0009)'],
    ['\u001b[31mred', 'an escape character (U+001B)'],
    ['x\u0085y', 'a control character (U+0085)'],
    ['x\u2028y', 'a line separator (U+2028)'],
  ])('refuses %j, naming the character', (value, what) => {
    expect(controlCharacterProblem(value)).toBe(`contains ${what}; use one line of plain text`);
    const r = z.object({ label: z.string().trim().superRefine(refuseControlCharacters) }).safeParse({ label: value });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ['label'] });
  });

  it('accepts plain text, including non-Latin letters and emoji', () => {
    for (const ok of ['Litware Connect 2027 (EU)', 'Müller & Söhne GmbH', '東京', 'CN=a, O=b', '🔑 key'])
      expect(controlCharacterProblem(ok)).toBeNull();
  });

  it('finds a NUL in any string of an input, by field path, but not in files', () => {
    expect(nulCharacterFields({ name: 'ok', notes: 'multi\nline', file: new Blob(['\u0000']) })).toBeNull();
    expect(nulCharacterFields({ name: 'a\u0000', rows: [{ title: 'ok' }, { title: '\u0000' }] })).toEqual({
      name: ['This contains a NUL character (U+0000); remove it.'],
      'rows.1.title': ['This contains a NUL character (U+0000); remove it.'],
    });
  });

  it('reads control bytes in a certificate name as OpenSSL escapes them, not an escaped backslash', () => {
    expect(escapedControlCharacterProblem('CN=good.example\\00.evil.example')).toMatch(/a NUL character/);
    expect(escapedControlCharacterProblem('CN=a\\0Ab')).toMatch(/a line break/);
    expect(escapedControlCharacterProblem('CN=back\\\\00slash')).toBeNull();
    expect(escapedControlCharacterProblem('CN=Litware Connect 2027, O=Litware')).toBeNull();
  });
});
