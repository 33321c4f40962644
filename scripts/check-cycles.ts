/**
 * The import-cycle check of `npm test` (docs/architecture.md): no import cycle may pass through a
 * module of lib/ or sim/ (tests excepted). Static imports, `export … from` and dynamic `import()`
 * count; type-only imports do not (they vanish at run time) — the rule ESLint's `import/no-cycle`
 * applied, but over the TypeScript import graph in about a second instead of a minute of ESLint's
 * resolver. Module paths are resolved by the TypeScript compiler with tsconfig.json's options, so
 * `@/…` aliases and extensionless paths resolve exactly as `tsc` sees them. Exits 1 and prints each
 * cycle as `a.ts → b.ts → a.ts`.
 *
 * Usage: `tsx scripts/check-cycles.ts [root]` (root defaults to the repository).
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Files whose cycles are errors: lib/ and sim/, not their tests. */
export function isChecked(rel: string): boolean {
  return /^(lib|sim)\//.test(rel) && !/\.test\.tsx?$/.test(rel);
}

/** The specifiers a module loads at run time (type-only imports and exports left out). */
export function runtimeImports(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, scriptKind(fileName));
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!isTypeOnlyImport(node)) out.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!isTypeOnlyExport(node)) out.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && !node.isTypeOnly) {
      const ref = node.moduleReference;
      if (ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) out.push(ref.expression.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function scriptKind(fileName: string): ts.ScriptKind {
  return fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  if (!bindings || ts.isNamespaceImport(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return (
    !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly)
  );
}

/** Every cycle through a checked module, each as a list of repository-relative paths (first = last). */
export function findCycles(root: string): string[][] {
  const configPath = path.join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const host = ts.createCompilerHost(parsed.options);
  const cache = ts.createModuleResolutionCache(root, (f) => f, parsed.options);
  const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');

  // The graph over the project's own modules: start from lib/ and sim/, follow what they load.
  const edges = new Map<string, string[]>();
  const queue = parsed.fileNames.filter((f) => isChecked(rel(f)) && !f.endsWith('.d.ts'));
  while (queue.length) {
    const file = queue.pop()!;
    if (edges.has(file)) continue;
    const targets: string[] = [];
    for (const spec of runtimeImports(file, fs.readFileSync(file, 'utf8'))) {
      const resolved = ts.resolveModuleName(spec, file, parsed.options, host, cache).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport || resolved.extension === ts.Extension.Dts) continue;
      const target = path.resolve(resolved.resolvedFileName);
      if (rel(target).startsWith('..') || rel(target).startsWith('node_modules/')) continue;
      targets.push(target);
      if (!edges.has(target)) queue.push(target);
    }
    edges.set(file, targets);
  }

  // Tarjan's strongly connected components; a component of two or more modules (or a module that
  // imports itself) holds a cycle. One shortest cycle per checked module in it is reported.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const strongConnect = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) strongConnect(v);

  const cycles: string[][] = [];
  const seen = new Set<string>();
  for (const component of components) {
    const members = new Set(component);
    for (const start of component.filter((f) => isChecked(rel(f))).sort()) {
      const cycle = shortestCycle(start, members, edges);
      const key = [...cycle.slice(0, -1)].sort().join('|');
      if (seen.has(key)) continue;
      seen.add(key);
      cycles.push(cycle.map(rel));
    }
  }
  return cycles.sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
}

function shortestCycle(start: string, members: Set<string>, edges: Map<string, string[]>): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of edges.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const back: string[] = [];
        for (let u: string | undefined = v; u !== undefined; u = u === start ? undefined : parent.get(u)) back.push(u);
        return [...back.reverse(), start];
      }
      if (!parent.has(w) && w !== start) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('check-cycles.ts')) {
  const root = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..'));
  const cycles = findCycles(root);
  for (const cycle of cycles) process.stderr.write(`import cycle: ${cycle.join(' → ')}\n`);
  if (cycles.length) {
    process.stderr.write(
      `${cycles.length} import cycle(s) through lib/ or sim/: a feature reacts to another through events (lib/rotation/rotation-events.ts), not by importing it back (docs/architecture.md).\n`,
    );
    process.exit(1);
  }
  process.stdout.write('no import cycles in lib/ or sim/\n');
}
