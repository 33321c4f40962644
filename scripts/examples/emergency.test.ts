/**
 * The README shows the emergency script in full; this keeps that copy the file e2e/cli.spec.ts runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');

it('README.md shows scripts/examples/emergency.sh exactly as it is', () => {
  const script = fs.readFileSync(path.join(root, 'scripts/examples/emergency.sh'), 'utf8').trimEnd();
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### A whole emergency from a script'));
  const block = /```sh\n([\s\S]*?)\n```/.exec(section)?.[1];
  expect(block).toBe(script);
});
