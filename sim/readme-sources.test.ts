// sim/README.md states each Microsoft behaviour the simulator models with a public source that a
// reader of the repository can follow: no paths on a development machine, every row linked.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(path.join(import.meta.dirname, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Behaviours and sources'), readme.indexOf('## Demo fleet'));

describe('sim/README.md sources', () => {
  it('points at nothing outside the repository', () => {
    expect(readme).not.toMatch(/(^|[\s`(])\/(work|home|Users|tmp)\//m);
    expect(readme).not.toMatch(/graph-facts|§\d/);
  });

  it('links every behaviour row to a public https source, Microsoft Learn first', () => {
    const rows = section.split('\n').filter((l) => l.startsWith('| ') && !/^\| (behaviour|-)/.test(l));
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) expect(row, row.slice(0, 80)).toMatch(/\]\(https:\/\/[^)]+\)/);
    const links = [...section.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!);
    for (const l of links) expect(l).toMatch(/^(https:\/\/(learn\.microsoft\.com|github\.com)\/|#)/);
  });
});
