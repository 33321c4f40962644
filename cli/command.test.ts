/**
 * One line per error: what a use case says, without repeats, raw schema dumps or stacks.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeError, runCommand, type Command } from '@/cli/command';
import { RekeyError } from '@/lib/errors';

describe('describeError', () => {
  it('puts a use case’s list of problems on one line, each once', () => {
    const errors = ['title: Give the advisory a title.', 'row 3: kind "md5" is not sha1, sha256 or serial'];
    const e = new RekeyError(
      'BAD_INPUT',
      `The advisory was not saved; fix these and try again:\n${errors.map((x) => `  ${x}`).join('\n')}`,
      { errors, fieldErrors: { _form: errors } },
    );
    expect(describeError(e)).toBe(
      'The advisory was not saved; fix these and try again: title: Give the advisory a title; row 3: kind "md5" is not sha1, sha256 or serial',
    );
  });

  it('adds the field errors a message does not say yet, naming the field', () => {
    const e = new RekeyError('BAD_INPUT', 'Some fields are not valid.', {
      fieldErrors: { severity: ['Choose a severity: critical, high, medium, low.'], title: [] },
    });
    expect(describeError(e)).toBe(
      'Some fields are not valid. severity: Choose a severity: critical, high, medium, low.',
    );
  });

  it('turns a zod error into "field: message" pairs, never its JSON', () => {
    const r = z.object({ csv: z.string().max(3, 'too long') }).safeParse({ csv: 'abcdef' });
    expect(r.success).toBe(false);
    const text = describeError(r.error);
    expect(text).toBe('invalid input: csv: too long');
    expect(text).not.toContain('{');
  });
});

describe('runCommand with --json', () => {
  const failing = (e: unknown): Command => ({
    path: ['t'],
    summary: 's',
    usage: 't',
    run: () => Promise.reject(e),
  });
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
  };

  it('reports input a use case refused as BAD_INPUT (exit 1), without a stack', async () => {
    const r = z.object({ n: z.number() }).safeParse({ n: 'x' });
    const c = capture();
    expect(await runCommand(failing(r.error), ['--json'], c.io)).toBe(1);
    expect(JSON.parse(c.out[0]!)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(c.err).toHaveLength(1);
    expect(c.err[0]).toMatch(/^error: invalid input: n: /);
  });

  it('reports anything unexpected as INTERNAL with a hint where the details are', async () => {
    const c = capture();
    expect(await runCommand(failing(new TypeError('boom\n    at somewhere')), ['--json'], c.io)).toBe(1);
    expect(JSON.parse(c.out[0]!)).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
    expect(c.err).toEqual(['error: boom', '(set REKEY_LOG_LEVEL=debug for the details)']);
  });
});
