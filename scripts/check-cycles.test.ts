import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findCycles, runtimeImports } from './check-cycles';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A throwaway project with the repository's alias (`@/*`) and the given files. */
function project(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rekey-cycles-'));
  dirs.push(root);
  const tsconfig = {
    compilerOptions: { module: 'esnext', moduleResolution: 'bundler', strict: true, paths: { '@/*': ['./*'] } },
    include: ['**/*.ts', '**/*.tsx'],
  };
  fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify(tsconfig));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

describe('the import-cycle check', () => {
  it('reports a cycle through lib/ over the @/ alias and relative paths', () => {
    const root = project({
      'lib/a.ts': "import { b } from '@/lib/b';\nexport const a = () => b;\n",
      'lib/b.ts': "import { c } from './c';\nexport const b = 1;\nexport { c };\n",
      'lib/c.ts': "import { a } from '../lib/a';\nexport const c = a;\n",
    });
    expect(findCycles(root)).toEqual([['lib/a.ts', 'lib/b.ts', 'lib/c.ts', 'lib/a.ts']]);
  });

  it('counts dynamic imports and export-from, and cycles that leave lib/ and come back', () => {
    const root = project({
      'lib/a.ts': "export async function load() { return import('@/components/x'); }\n",
      'components/x.ts': "export { load } from '@/lib/a';\n",
      'sim/s.ts': "import './t';\n",
      'sim/t.ts': "import './s';\n",
    });
    expect(findCycles(root)).toEqual([
      ['lib/a.ts', 'components/x.ts', 'lib/a.ts'],
      ['sim/s.ts', 'sim/t.ts', 'sim/s.ts'],
    ]);
  });

  it('reports a module that imports itself', () => {
    const root = project({ 'lib/self.ts': "import * as me from './self';\nexport const x = me;\n" });
    expect(findCycles(root)).toEqual([['lib/self.ts', 'lib/self.ts']]);
  });

  it('leaves out type-only imports, tests, cycles outside lib/ and sim/, and packages', () => {
    const root = project({
      'lib/a.ts': "import type { B } from './b';\nimport { type C } from './c';\nexport type A = B | C;\n",
      'lib/b.ts': 'export type B = string;\n',
      'lib/c.ts': "export type { A } from './a';\nimport 'node:fs';\nimport 'some-package';\nexport type C = number;\n",
      'lib/x.test.ts': "import { y } from './y.test';\nimport './b';\nexport const x = y;\n",
      'lib/y.test.ts': "import { x } from './x.test';\nexport const y = x;\n",
      'app/p.ts': "import './q';\n",
      'app/q.ts': "import './p';\n",
    });
    expect(findCycles(root)).toEqual([]);
  });

  it('reads every run-time import form', () => {
    const text = [
      "import a from './a';",
      "import './side';",
      "import * as ns from './ns';",
      "import { type T, v } from './mixed';",
      "import type { U } from './type-only';",
      "import { type W } from './all-types';",
      "export * from './star';",
      "export { x } from './named';",
      "export type { Y } from './type-export';",
      "const lazy = () => import('./lazy');",
    ].join('\n');
    expect(runtimeImports('f.ts', text)).toEqual(['./a', './side', './ns', './mixed', './star', './named', './lazy']);
  });
});
