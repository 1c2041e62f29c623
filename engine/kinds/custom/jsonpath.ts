// The JSONPath subset CRD printer columns use (`.spec.replicas`, `.status.conditions[?(@.type=="Ready")].status`,
// `.spec.items[0].name`, `.spec.items[*].name`, `.metadata.annotations['a.b/c']`), and the text of a
// result as kubectl's JSONPath printer writes it.

type Step =
  | { t: 'field'; name: string }
  | { t: 'index'; i: number }
  | { t: 'all' }
  | { t: 'filter'; path: Step[]; op?: string; value?: unknown };

export class JsonPathError extends Error {}

/** Compiles a path (with or without the surrounding `{}`); throws JsonPathError on bad syntax. */
export function compileJsonPath(text: string): (obj: unknown) => unknown[] {
  let src = text.trim();
  if (src.startsWith('{') && src.endsWith('}')) src = src.slice(1, -1).trim();
  const steps = parseSteps(src, 0, src.length);
  return (obj) => evaluate(steps, [obj]);
}

function parseSteps(src: string, start: number, end: number): Step[] {
  const steps: Step[] = [];
  let i = start;
  if (src[i] === '$' || src[i] === '@') i++;
  while (i < end) {
    const c = src[i];
    if (c === '.') {
      i++;
      if (src[i] === '.') throw new JsonPathError(`recursive descent is not supported: ${src}`);
      let j = i;
      while (j < end && /[^.[\]]/.test(src[j])) j++;
      if (j === i) throw new JsonPathError(`empty field name in ${src}`);
      const name = src.slice(i, j);
      steps.push(name === '*' ? { t: 'all' } : { t: 'field', name });
      i = j;
    } else if (c === '[') {
      const close = matchBracket(src, i, end);
      const inner = src.slice(i + 1, close).trim();
      steps.push(bracketStep(inner, src));
      i = close + 1;
    } else {
      throw new JsonPathError(`unexpected ${JSON.stringify(c)} in ${src}`);
    }
  }
  return steps;
}

function matchBracket(src: string, open: number, end: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < end; i++) {
    const c = src[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  throw new JsonPathError(`unclosed [ in ${src}`);
}

function bracketStep(inner: string, src: string): Step {
  if (inner === '*') return { t: 'all' };
  if (/^-?\d+$/.test(inner)) return { t: 'index', i: Number(inner) };
  const quoted = /^'([^']*)'$|^"([^"]*)"$/.exec(inner);
  if (quoted) return { t: 'field', name: quoted[1] ?? quoted[2] };
  const filter = /^\?\((.*)\)$/s.exec(inner);
  if (filter) {
    const expr = filter[1].trim();
    const m = /^(@[^\s<>=!]*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(expr);
    const pathText = m ? m[1] : expr;
    if (!pathText.startsWith('@')) throw new JsonPathError(`unsupported filter ${inner} in ${src}`);
    const path = parseSteps(pathText, 0, pathText.length);
    if (!m) return { t: 'filter', path };
    return { t: 'filter', path, op: m[2], value: literal(m[3].trim(), src) };
  }
  throw new JsonPathError(`unsupported subscript [${inner}] in ${src}`);
}

function literal(text: string, src: string): unknown {
  const q = /^'(.*)'$|^"(.*)"$/s.exec(text);
  if (q) return q[1] ?? q[2];
  if (text === 'true' || text === 'false') return text === 'true';
  const n = Number(text);
  if (text !== '' && !Number.isNaN(n)) return n;
  throw new JsonPathError(`unsupported literal ${text} in ${src}`);
}

function evaluate(steps: Step[], input: unknown[]): unknown[] {
  let cur = input;
  for (const s of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (v === null || v === undefined) continue;
      if (s.t === 'field') {
        if (typeof v === 'object' && !Array.isArray(v) && s.name in v) next.push((v as Record<string, unknown>)[s.name]);
      } else if (s.t === 'index') {
        if (Array.isArray(v)) {
          const i = s.i < 0 ? v.length + s.i : s.i;
          if (i >= 0 && i < v.length) next.push(v[i]);
        }
      } else if (s.t === 'all') {
        if (Array.isArray(v)) next.push(...v);
        else if (typeof v === 'object') next.push(...Object.values(v as object));
      } else {
        const items = Array.isArray(v) ? v : typeof v === 'object' ? Object.values(v as object) : [];
        for (const item of items) if (matches(s, item)) next.push(item);
      }
    }
    cur = next;
  }
  return cur;
}

type Scalar = string | number | boolean;

function matches(f: Extract<Step, { t: 'filter' }>, item: unknown): boolean {
  const found = evaluate(f.path, [item]);
  if (!f.op) return found.length > 0;
  if (!found.length) return false;
  // Compared as JavaScript compares them: filters in kubectl's templates compare scalars.
  const a = found[0] as Scalar;
  const b = f.value as Scalar;
  switch (f.op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    default:
      return a >= b;
  }
}

/** A result as kubectl's JSONPath printer writes it: scalars as text, maps and lists as compact JSON (keys sorted, as Go marshals maps). */
export function resultText(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'object') return sortedJson(v);
  return String(v);
}

function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
