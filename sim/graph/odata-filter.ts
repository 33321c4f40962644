// A small OData $filter parser/evaluator for the clauses Graph supports on the resources the
// simulator serves: eq/ne/gt/ge/lt/le, in (...), startswith(), any() lambdas, and/or/not, parentheses.
import { badRequest } from './graph-http';

export type FilterNode =
  | { kind: 'cmp'; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; path: string[]; value: Literal }
  | { kind: 'in'; path: string[]; values: Literal[] }
  | { kind: 'startswith'; path: string[]; value: string }
  | { kind: 'any'; path: string[]; variable: string; body: FilterNode }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; inner: FilterNode };

export type Literal = string | number | boolean | null;

type Tok = { t: 'str'; v: string } | { t: 'word'; v: string } | { t: 'punct'; v: string };

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw badRequest('Invalid filter clause: unterminated string literal.', 'BadRequest');
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i];
        i++;
      }
      toks.push({ t: 'str', v: s });
    } else if ('(),:'.includes(c)) {
      toks.push({ t: 'punct', v: c });
      i++;
    } else {
      let w = '';
      // A DateTimeOffset literal (2026-11-29T13:18:21Z) is unquoted and contains ':'.
      const isDate = () => /^\d{4}-\d{2}-\d{2}T/.test(w);
      while (i < src.length && (!/[\s(),:']/.test(src[i]!) || (src[i] === ':' && isDate()))) w += src[i++];
      toks.push({ t: 'word', v: w });
    }
  }
  return toks;
}

const CMP = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

export function parseFilter(src: string): FilterNode {
  const toks = tokenize(src);
  let pos = 0;
  const peek = (): Tok | undefined => toks[pos];
  const fail = (msg: string): never => {
    throw badRequest(`Invalid filter clause: ${msg}`, 'BadRequest');
  };
  const expectPunct = (v: string): void => {
    const t = toks[pos++];
    if (!t || t.t !== 'punct' || t.v !== v) fail(`expected '${v}'.`);
  };
  const literal = (): Literal => {
    const t = toks[pos++];
    if (!t) return fail('expected a literal.');
    if (t.t === 'str') return t.v;
    if (t.t !== 'word') return fail(`unexpected '${t.v}'.`);
    if (t.v === 'null') return null;
    if (t.v === 'true' || t.v === 'false') return t.v === 'true';
    if (/^-?\d+(\.\d+)?$/.test(t.v)) return Number(t.v);
    return t.v; // GUIDs and DateTimeOffsets are unquoted
  };
  const path = (w: string): string[] => w.split('/');
  const primary = (): FilterNode => {
    const t = peek();
    if (!t) return fail('unexpected end.');
    if (t.t === 'punct' && t.v === '(') {
      pos++;
      const inner = orExpr();
      expectPunct(')');
      return inner;
    }
    if (t.t !== 'word') return fail('expected a property.');
    pos++;
    if (t.v.toLowerCase() === 'not') return { kind: 'not', inner: primary() };
    if (t.v.toLowerCase() === 'startswith') {
      expectPunct('(');
      const p = toks[pos++];
      if (!p || p.t !== 'word') return fail('startswith needs a property.');
      expectPunct(',');
      const v = literal();
      expectPunct(')');
      return { kind: 'startswith', path: path(p.v), value: String(v) };
    }
    const anyMatch = /^(.*)\/(any)$/i.exec(t.v);
    if (anyMatch && peek()?.t === 'punct' && peek()?.v === '(') {
      pos++;
      const varTok = toks[pos++];
      if (!varTok || varTok.t !== 'word') return fail('any() needs a range variable.');
      expectPunct(':');
      const body = orExpr();
      expectPunct(')');
      return { kind: 'any', path: path(anyMatch[1]!), variable: varTok.v, body };
    }
    const opTok = toks[pos++];
    if (!opTok || opTok.t !== 'word') return fail(`expected an operator after '${t.v}'.`);
    const op = opTok.v.toLowerCase();
    if (op === 'in') {
      expectPunct('(');
      const values: Literal[] = [literal()];
      while (peek()?.t === 'punct' && peek()?.v === ',') {
        pos++;
        values.push(literal());
      }
      expectPunct(')');
      return { kind: 'in', path: path(t.v), values };
    }
    if (!CMP.has(op)) return fail(`unsupported operator '${opTok.v}'.`);
    return { kind: 'cmp', op: op as 'eq', path: path(t.v), value: literal() };
  };
  const andExpr = (): FilterNode => {
    let left = primary();
    while (peek()?.t === 'word' && peek()!.v.toLowerCase() === 'and') {
      pos++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const orExpr = (): FilterNode => {
    let left = andExpr();
    while (peek()?.t === 'word' && peek()!.v.toLowerCase() === 'or') {
      pos++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };
  const node = orExpr();
  if (pos !== toks.length) fail('unexpected trailing input.');
  return node;
}

/** Property paths a filter references (first segment), for "is this property filterable" checks. */
export function filterProperties(node: FilterNode): string[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...filterProperties(node.left), ...filterProperties(node.right)];
    case 'not':
      return filterProperties(node.inner);
    default:
      return [node.path[0] ?? ''];
  }
}

function compare(a: unknown, b: Literal, op: string): boolean {
  if (a === undefined) a = null;
  if (b === null || a === null) {
    if (op === 'eq') return a === b;
    if (op === 'ne') return a !== b;
    return false;
  }
  let x: string | number | boolean;
  let y: string | number | boolean;
  if (
    typeof a === 'string' &&
    typeof b === 'string' &&
    /^\d{4}-\d{2}-\d{2}T/.test(b) &&
    /^\d{4}-\d{2}-\d{2}T/.test(a)
  ) {
    x = Date.parse(a);
    y = Date.parse(b);
  } else if (typeof a === 'string' && typeof b === 'string') {
    x = a.toLowerCase();
    y = b.toLowerCase();
  } else {
    x = a as string | number | boolean;
    y = b;
  }
  switch (op) {
    case 'eq':
      return x === y;
    case 'ne':
      return x !== y;
    case 'gt':
      return x > y;
    case 'ge':
      return x >= y;
    case 'lt':
      return x < y;
    case 'le':
      return x <= y;
    default:
      return false;
  }
}

function resolve(obj: unknown, path: string[], scope: Record<string, unknown>): unknown {
  let cur: unknown = obj;
  let rest = path;
  const head = path[0];
  if (head !== undefined && head in scope) {
    cur = scope[head];
    rest = path.slice(1);
  }
  for (const seg of rest) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

export function evaluateFilter(node: FilterNode, obj: unknown, scope: Record<string, unknown> = {}): boolean {
  switch (node.kind) {
    case 'and':
      return evaluateFilter(node.left, obj, scope) && evaluateFilter(node.right, obj, scope);
    case 'or':
      return evaluateFilter(node.left, obj, scope) || evaluateFilter(node.right, obj, scope);
    case 'not':
      return !evaluateFilter(node.inner, obj, scope);
    case 'cmp':
      return compare(resolve(obj, node.path, scope), node.value, node.op);
    case 'in': {
      const v = resolve(obj, node.path, scope);
      return node.values.some((x) => compare(v, x, 'eq'));
    }
    case 'startswith': {
      const v = resolve(obj, node.path, scope);
      return typeof v === 'string' && v.toLowerCase().startsWith(node.value.toLowerCase());
    }
    case 'any': {
      const coll = resolve(obj, node.path, scope);
      if (!Array.isArray(coll)) return false;
      return coll.some((item) => evaluateFilter(node.body, obj, { ...scope, [node.variable]: item }));
    }
  }
}
