// Field selectors (`?fieldSelector=metadata.name=x,status.phase!=Running`). Values may
// escape `\`, `,` and `=` with a backslash; keys are taken literally (no trimming), as upstream.
import { SelectorError } from './errors';
import type { KubeObject } from '../object-types';

export interface FieldRequirement {
  field: string;
  /** `==` is read as `=`. */
  operator: '=' | '!=';
  value: string;
}

export type FieldGetters = Record<string, (obj: KubeObject) => string>;

export interface FieldMatcher {
  matches(obj: KubeObject): boolean;
  /** True when it selects everything. */
  readonly empty: boolean;
  readonly requirements: readonly FieldRequirement[];
  /** The value required by a `field=value` term, e.g. to serve `metadata.name=x` by key. */
  exactValue(field: string): string | undefined;
  toString(): string;
}

// Splits on commas not preceded by a backslash; the escapes stay for unescapeFieldValue.
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    if (escaped) escaped = false;
    else if (text[i] === '\\') escaped = true;
    else if (text[i] === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

// The first operator occurrence splits the term; `!=` and `==` are tried before `=`.
function splitTerm(term: string): [string, '=' | '==' | '!=', string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** Reverses escapeFieldValue; unescaped `,`/`=` and unknown escapes are errors. */
export function unescapeFieldValue(value: string): string {
  let out = '';
  let escaped = false;
  for (const c of value) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw new SelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      throw new SelectorError(`invalid field selector: unescaped character in value: ${c}`);
    } else {
      out += c;
    }
  }
  if (escaped) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Parses a field selector into its terms, sorted as upstream sorts them. Throws SelectorError. */
export function parseFieldSelector(text: string): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  const terms = text === '' ? [] : splitTerms(text).sort();
  for (const term of terms) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (!parts) throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    const [field, op, raw] = parts;
    reqs.push({ field, operator: op === '!=' ? '!=' : '=', value: unescapeFieldValue(raw) });
  }
  return reqs;
}

/**
 * Compiles a selector against the fields a kind supports. An unknown field fails the way
 * the API server's field label conversion does. Throws SelectorError.
 */
export function compileFieldSelector(text: string, getters: FieldGetters): FieldMatcher {
  const reqs = parseFieldSelector(text);
  for (const r of reqs) {
    if (!Object.prototype.hasOwnProperty.call(getters, r.field)) {
      throw new SelectorError(`field label not supported: ${r.field}`);
    }
  }
  const checks = reqs.map((r) => ({ r, get: getters[r.field] }));
  return {
    requirements: reqs,
    empty: reqs.length === 0,
    matches: (obj) => checks.every(({ r, get }) => (get(obj) === r.value) === (r.operator === '=')),
    exactValue: (field) => reqs.find((r) => r.field === field && r.operator === '=')?.value,
    toString: () => reqs.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(','),
  };
}
