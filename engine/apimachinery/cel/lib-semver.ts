// Kubernetes' CEL semver library (library/semverlib.go): semver(s[, normalize]), isSemver, major,
// minor, patch and comparisons by semver.org precedence (build metadata ignored). Normalizing
// drops a leading "v", fills missing minor/patch with 0 and strips leading zeros, as upstream.
import { CelEvalError } from './errors';
import { as, perChar, str, type CelLibrary } from './support';
import { CelObject, INT_MAX, type CelValue } from './values';

interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string[];
  build: string[];
}

export class Semver extends CelObject {
  readonly celType = 'kubernetes.Semver';
  constructor(readonly v: Version) {
    super();
  }
  equals(o: CelObject): boolean {
    return o instanceof Semver && compare(this.v, o.v) === 0;
  }
  override toString(): string {
    const { major, minor, patch, pre, build } = this.v;
    return `${major}.${minor}.${patch}${pre.length ? `-${pre.join('.')}` : ''}${build.length ? `+${build.join('.')}` : ''}`;
  }
}

const NUM = /^[0-9]+$/;
const IDENT = /^[0-9A-Za-z-]+$/;

/** Parses strictly (blang/semver's Parse); throws with its wording. */
function parseStrict(s: string): Version {
  if (s === '') throw new Error('Version string empty');
  const parts = s.split('.');
  if (parts.length < 3) throw new Error('No Major.Minor.Patch elements found');
  const [ma, mi] = parts;
  const rest = parts.slice(2).join('.');
  const cut = rest.search(/[-+]/);
  const pa = cut < 0 ? rest : rest.slice(0, cut);
  const num = (p: string, what: string): bigint => {
    if (!NUM.test(p)) throw new Error(`Invalid character(s) found in ${what} number ${JSON.stringify(p)}`);
    if (p.length > 1 && p[0] === '0')
      throw new Error(`${what[0].toUpperCase()}${what.slice(1)} number must not contain leading zeroes ${JSON.stringify(p)}`);
    const v = BigInt(p);
    if (v > INT_MAX) throw new Error(`${what} number out of range`);
    return v;
  };
  const v: Version = { major: num(ma, 'major'), minor: num(mi, 'minor'), patch: num(pa, 'patch'), pre: [], build: [] };
  if (cut < 0) return v;
  let tail = rest.slice(cut);
  const plus = tail.indexOf('+');
  if (plus >= 0) {
    v.build = tail.slice(plus + 1).split('.');
    for (const b of v.build) if (!IDENT.test(b)) throw new Error(`Invalid character(s) found in build meta data ${JSON.stringify(b)}`);
    tail = tail.slice(0, plus);
  }
  if (tail.startsWith('-')) {
    v.pre = tail.slice(1).split('.');
    for (const p of v.pre) {
      if (!IDENT.test(p)) throw new Error(`Invalid character(s) found in prerelease ${JSON.stringify(p)}`);
      if (NUM.test(p) && p.length > 1 && p[0] === '0')
        throw new Error(`Numeric PreRelease version must not contain leading zeroes ${JSON.stringify(p)}`);
    }
  }
  return v;
}

function normalizeAndParse(input: string): Version {
  const s = input.startsWith('v') ? input.slice(1) : input;
  const first = s.indexOf('.');
  const second = first < 0 ? -1 : s.indexOf('.', first + 1);
  const parts =
    first < 0
      ? [s]
      : second < 0
        ? [s.slice(0, first), s.slice(first + 1)]
        : [s.slice(0, first), s.slice(first + 1, second), s.slice(second + 1)];
  const trimmed = parts.map((p) => {
    if (p.length <= 1) return p;
    const t = p.replace(/^0+/, '');
    return t === '' || !/^[0-9]/.test(t) ? `0${t}` : t;
  });
  if (trimmed.length < 3) {
    if (/[+-]/.test(trimmed[trimmed.length - 1])) throw new Error('short version cannot contain PreRelease/Build meta data');
    while (trimmed.length < 3) trimmed.push('0');
  }
  return parseStrict(trimmed.join('.'));
}

function comparePre(a: string[], b: string[]): number {
  if (!a.length || !b.length) return a.length === b.length ? 0 : a.length ? -1 : 1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    const [nx, ny] = [NUM.test(x), NUM.test(y)];
    if (nx && ny) return BigInt(x) < BigInt(y) ? -1 : 1;
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return Math.sign(a.length - b.length);
}

function compare(a: Version, b: Version): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  return comparePre(a.pre, b.pre);
}

function parse(a: CelValue[], fn: string): Version {
  const s = str(fn, a, 0);
  const normalize = a[1] === true;
  return normalize ? normalizeAndParse(s) : parseStrict(s);
}

const v = (fn: string, a: CelValue[], i = 0) => as(Semver, fn, a, i).v;

export const semverLibrary: CelLibrary = {
  globals: {
    semver: (a, c) => {
      perChar(c, a[0]);
      try {
        return new Semver(parse(a, 'semver'));
      } catch (e) {
        if (e instanceof CelEvalError) throw e;
        throw new CelEvalError((e as Error).message);
      }
    },
    isSemver: (a, c) => {
      perChar(c, a[0]);
      try {
        parse(a, 'isSemver');
        return true;
      } catch (e) {
        if (e instanceof CelEvalError) throw e;
        return false;
      }
    },
  },
  globalArity: { semver: [1, 2], isSemver: [1, 2] },
  members: {
    major: { 'kubernetes.Semver': (a) => v('major', a).major },
    minor: { 'kubernetes.Semver': (a) => v('minor', a).minor },
    patch: { 'kubernetes.Semver': (a) => v('patch', a).patch },
    isGreaterThan: { 'kubernetes.Semver': (a) => compare(v('isGreaterThan', a), v('isGreaterThan', a, 1)) > 0 },
    isLessThan: { 'kubernetes.Semver': (a) => compare(v('isLessThan', a), v('isLessThan', a, 1)) < 0 },
    compareTo: { 'kubernetes.Semver': (a) => BigInt(compare(v('compareTo', a), v('compareTo', a, 1))) },
  },
  memberArity: { major: [0], minor: [0], patch: [0], isGreaterThan: [1], isLessThan: [1], compareTo: [1] },
};
