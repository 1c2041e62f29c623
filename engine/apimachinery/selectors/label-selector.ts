// Label selectors: the string syntax of `?labelSelector=` / `kubectl -l`, and LabelSelector
// objects (matchLabels / matchExpressions) from workload specs, compiled into one matcher.
// Messages and the canonical string form follow k8s.io/apimachinery's labels package.
import { SelectorError } from './errors';
import { lexLabelSelector, type Token, type TokenType } from './label-lexer';
import { invalidValue } from './label-validation';
import { isQualifiedName, isValidLabelValue } from '../validation-strings';

export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface LabelMatcher {
  matches(labels?: Record<string, string>): boolean;
  /** True when it selects everything (no requirements). */
  readonly empty: boolean;
  readonly requirements: readonly Requirement[];
  /** Canonical form: requirements sorted by key, set values sorted. */
  toString(): string;
}

const INT64 = /^[+-]?[0-9]+$/;
const isInt64 = (s: string) => INT64.test(s) && BigInt(s) >= -(2n ** 63n) && BigInt(s) < 2n ** 63n;

/** Builds a requirement with upstream's checks (NewRequirement); throws SelectorError. */
export function newRequirement(key: string, operator: LabelOperator, values: string[]): Requirement {
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) errs.push(invalidValue('key', key, keyErrs.join('; ')));
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalidValue('values', values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalidValue('values', values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalidValue('values', values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalidValue('values', values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (!isInt64(v)) errs.push(invalidValue(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
  }
  values.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length) errs.push(invalidValue(`values[${i}][${key}]`, v, valueErrs.join('; ')));
  });
  if (errs.length === 1) throw new SelectorError(errs[0]);
  if (errs.length > 1) throw new SelectorError(`[${errs.join(', ')}]`);
  return { key, operator, values };
}

function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(value as string);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(value as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !isInt64(value as string) || r.values.length !== 1 || !isInt64(r.values[0])) return false;
      const l = BigInt(value as string);
      const v = BigInt(r.values[0]);
      return r.operator === 'gt' ? l > v : l < v;
    }
  }
}

function requirementString(r: Requirement): string {
  const values = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(',');
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${values})`;
    case 'gt':
      return `${r.key}>${values}`;
    case 'lt':
      return `${r.key}<${values}`;
    default:
      return `${r.key}${r.operator}${values}`;
  }
}

/** A matcher over requirements already checked (by newRequirement or a parser). */
export function labelMatcherOf(requirements: Requirement[]): LabelMatcher {
  const sorted = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    requirements: sorted,
    empty: sorted.length === 0,
    matches: (labels = {}) => sorted.every((r) => requirementMatches(r, labels)),
    toString: () => sorted.map(requirementString).join(','),
  };
}

/** Selects nothing: what a missing (null) LabelSelector means. */
export const NOTHING: LabelMatcher = {
  requirements: [],
  empty: false,
  matches: () => false,
  toString: () => '',
};

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  // Inside values, `in` and `notin` are plain words.
  private peek(asValue = true): Token {
    const t = this.tokens[this.pos];
    return asValue && (t.type === 'in' || t.type === 'notin') ? { type: 'identifier', literal: t.literal } : t;
  }

  private next(asValue = true): Token {
    const t = this.peek(asValue);
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  parse(): Requirement[] {
    const out: Requirement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === 'end') return out;
      if (t.type !== 'identifier' && t.type !== '!') {
        throw new SelectorError(`found '${t.literal}', expected: !, identifier, or 'end of string'`);
      }
      try {
        out.push(this.requirement());
      } catch (err) {
        throw new SelectorError(`unable to parse requirement: ${(err as Error).message}`);
      }
      const sep = this.next();
      if (sep.type === 'end') return out;
      if (sep.type !== ',') throw new SelectorError(`found '${sep.literal}', expected: ',' or 'end of string'`);
      const after = this.peek();
      if (after.type !== 'identifier' && after.type !== '!') {
        throw new SelectorError(`found '${after.literal}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): Requirement {
    let t = this.next();
    const negated = t.type === '!';
    if (negated) t = this.next();
    if (t.type !== 'identifier') throw new Error(`found '${t.literal}', expected: identifier`);
    const key = t.literal;
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length) throw new Error(invalidValue('<nil>', key, keyErrs.join('; ')));
    const la = this.peek().type;
    if (negated || la === 'end' || la === ',') return newRequirement(key, negated ? '!' : 'exists', []);

    const op = this.next(false);
    const operators: Partial<Record<TokenType, LabelOperator>> = {
      in: 'in',
      notin: 'notin',
      '=': '=',
      '==': '==',
      '!=': '!=',
      '>': 'gt',
      '<': 'lt',
    };
    const operator = operators[op.type];
    if (!operator) throw new Error(`found '${op.literal}', expected: in, notin, =, ==, !=, gt, lt`);
    const values = operator === 'in' || operator === 'notin' ? this.setValues() : [this.exactValue()];
    return newRequirement(key, operator, values);
  }

  private exactValue(): string {
    const la = this.peek();
    if (la.type === 'end' || la.type === ',') return '';
    const t = this.next();
    if (t.type !== 'identifier') throw new Error(`found '${t.literal}', expected: identifier`);
    return t.literal;
  }

  // `(a,b)`; empty members (`(,a)`, `()`) stand for the empty value, as upstream allows.
  private setValues(): string[] {
    const open = this.next();
    if (open.type !== '(') throw new Error(`found '${open.literal}' expected: '('`);
    const values = new Set<string>();
    const first = this.peek();
    if (first.type === ')') {
      this.next();
      return [''];
    }
    if (first.type !== 'identifier' && first.type !== ',') {
      throw new Error(`found '${first.literal}', expected: ',', ')' or identifier`);
    }
    let expectValue = true;
    for (;;) {
      const t = this.next();
      if (t.type === ')') {
        if (expectValue) values.add('');
        return [...values].sort();
      }
      if (t.type === ',') {
        if (expectValue) values.add('');
        expectValue = true;
        continue;
      }
      if (t.type === 'identifier' && expectValue) {
        values.add(t.literal);
        expectValue = false;
        continue;
      }
      throw new Error(expectValue ? `found '${t.literal}', expected: ',', or identifier` : `found '${t.literal}', expected: ',' or ')'`);
    }
  }
}

/** Parses the string syntax; "" selects everything. Throws SelectorError. */
export function parseLabelSelector(text: string): LabelMatcher {
  return labelMatcherOf(new Parser(lexLabelSelector(text)).parse());
}

const OBJECT_OPERATORS: Record<string, LabelOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/** Compiles a LabelSelector object; null/undefined selects nothing, {} everything. Throws SelectorError. */
export function labelSelectorFromObject(selector: LabelSelector | null | undefined): LabelMatcher {
  if (!selector) return NOTHING;
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) reqs.push(newRequirement(key, '=', [String(value)]));
  for (const expr of selector.matchExpressions ?? []) {
    const op = OBJECT_OPERATORS[expr.operator];
    if (!op) throw new SelectorError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(expr.key, op, [...(expr.values ?? [])]));
  }
  return labelMatcherOf(reqs);
}

/** Matches objects carrying all these labels (a Service's or ReplicationController's selector); no validation. */
export function labelSelectorFromSet(labels: Record<string, string> | null | undefined): LabelMatcher {
  return labelMatcherOf(Object.entries(labels ?? {}).map(([key, value]) => ({ key, operator: '=', values: [value] })));
}

/** The string form (Scale.status.selector); '' for an empty or missing selector. Throws SelectorError. */
export function selectorToString(selector: LabelSelector | null | undefined): string {
  return labelSelectorFromObject(selector).toString();
}

/** What kubectl's wide SELECTOR column shows: the string form, `<none>`, or `<error>`. */
export function formatLabelSelector(selector: LabelSelector | null | undefined): string {
  try {
    return selectorToString(selector) || '<none>';
  } catch {
    return '<error>';
  }
}
