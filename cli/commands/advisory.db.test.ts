import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../main';
import { advisoryCommands } from './advisory';
import { scanCommands } from './scan';
import { db } from '@/lib/db';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}
const commands = [...advisoryCommands, ...scanCommands];
const SHA1 = 'AB'.repeat(20);

function file(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-adv-'));
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

describe('rekey advisory import', () => {
  it('refuses a file with bad rows, names them, and writes nothing (exit 1)', async () => {
    const f = file('bad.csv', `kind,value,issuer\nsha1,${SHA1},\nsha1,nope,\nsha256,${SHA1},\n`);
    const r = io();
    expect(
      await main(
        ['advisory', 'import', f, '--title', 'Vendor advisory', '--severity', 'high', '--json'],
        r.io,
        commands,
      ),
    ).toBe(1);
    expect(r.err.join('\n')).toMatch(/row 3: 'nope' is not hexadecimal[\s\S]*row 4: /);
    expect(JSON.parse(r.out[0]!)).toMatchObject({
      ok: false,
      error: {
        code: 'BAD_INPUT',
        details: { errors: ["row 3: 'nope' is not hexadecimal", expect.stringMatching(/^row 4: /)] },
      },
    });
    expect(await db.advisory.count()).toBe(0);
  });

  it('imports a JSON advisory', async () => {
    const f = file(
      'vendor.json',
      JSON.stringify({
        title: 'Stolen key',
        severity: 'critical',
        publishedAt: '2026-11-20T00:00:00Z',
        indicators: [{ sha1: SHA1 }],
      }),
    );
    const r = io();
    expect(await main(['advisory', 'import', f, '--json'], r.io, commands)).toBe(0);
    expect(JSON.parse(r.out[0]!)).toMatchObject({ ok: true, indicators: 1, affectedConnectors: 0 });
    expect(await db.advisory.findFirstOrThrow()).toMatchObject({ title: 'Stolen key', source: 'import: vendor.json' });
  });
});

describe('rekey scan', () => {
  it('needs --tenant or --all', async () => {
    const r = io();
    expect(await main(['scan', 'drift'], r.io, commands)).toBe(2);
    expect(r.err.join('\n')).toMatch(/--tenant ID, or scan them all with --all/);
  });
  it('names an unknown tenant', async () => {
    const r = io();
    expect(await main(['scan', 'signins', '--tenant', '00000000-0000-4000-8000-000000000000'], r.io, commands)).toBe(1);
    expect(r.err.join('\n')).toMatch(/Tenant not found: 00000000-0000-4000-8000-000000000000/);
  });
});
