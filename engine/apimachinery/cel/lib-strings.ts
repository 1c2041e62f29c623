// The rest of the string, regex and set extensions Kubernetes enables: find/findAll (library/
// regex.go, Go's leftmost-first matching and its rule that an empty match right after a match is
// skipped), reverse and strings.quote (cel-go ext strings), sets.contains/equivalent/intersects
// (cel-go ext sets).
import { compileRegex } from './regex';
import { int, noOverload, perChar, str, type CelLibrary, type Fn } from './support';
import { celEquals, type CelValue } from './values';

const globalCache = new Map<RegExp, RegExp>();
function globalOf(re: RegExp): RegExp {
  let g = globalCache.get(re);
  if (!g) {
    if (globalCache.size > 500) globalCache.clear();
    g = new RegExp(re.source, `${re.flags}g`);
    globalCache.set(re, g);
  }
  return g;
}

function findAll(s: string, pattern: string, limit: number): string[] {
  const re = globalOf(compileRegex(pattern));
  const out: string[] = [];
  let pos = 0;
  let prevEnd = -1;
  while (pos <= s.length && (limit < 0 || out.length < limit)) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) break;
    const [start, end] = [m.index, m.index + m[0].length];
    if (end === start) {
      if (start !== prevEnd) out.push('');
      pos = start + (s.codePointAt(start)! > 0xffff ? 2 : 1);
    } else {
      out.push(m[0]);
      pos = end;
    }
    prevEnd = end;
  }
  return out;
}

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const esc: Record<string, string> = {
      '\x07': '\\a',
      '\b': '\\b',
      '\f': '\\f',
      '\n': '\\n',
      '\r': '\\r',
      '\t': '\\t',
      '\v': '\\v',
      '\\': '\\\\',
      '"': '\\"',
    };
    out += esc[ch] ?? (c < 0x20 || c === 0x7f ? `\\x${c.toString(16).padStart(2, '0')}` : ch);
  }
  return `${out}"`;
}

const list = (fn: string, a: CelValue[], i: number): CelValue[] => {
  const v = a[i];
  return Array.isArray(v) ? v : noOverload(fn, a);
};

function setFn(name: string, test: (x: CelValue[], y: CelValue[]) => boolean): Fn {
  return (a, c) => {
    const [x, y] = [list(name, a, 0), list(name, a, 1)];
    c(x.length * y.length);
    return test(x, y);
  };
}
const has = (l: CelValue[], v: CelValue) => l.some((e) => celEquals(e, v));

export const stringsLibrary: CelLibrary = {
  globals: {
    'strings.quote': (a, c) => (perChar(c, a[0]), quote(str('strings.quote', a, 0))),
    'sets.contains': setFn('sets.contains', (x, y) => y.every((v) => has(x, v))),
    'sets.equivalent': setFn('sets.equivalent', (x, y) => y.every((v) => has(x, v)) && x.every((v) => has(y, v))),
    'sets.intersects': setFn('sets.intersects', (x, y) => y.some((v) => has(x, v))),
  },
  globalArity: { 'strings.quote': [1], 'sets.contains': [2], 'sets.equivalent': [2], 'sets.intersects': [2] },
  members: {
    find: {
      string: (a, c) => {
        const [s, p] = [str('find', a, 0), str('find', a, 1)];
        perChar(c, s, p);
        return findAll(s, p, 1)[0] ?? '';
      },
    },
    findAll: {
      string: (a, c) => {
        const [s, p] = [str('findAll', a, 0), str('findAll', a, 1)];
        perChar(c, s, p);
        return findAll(s, p, a.length > 2 ? Number(int('findAll', a, 2)) : -1);
      },
    },
    reverse: {
      string: (a, c) => (
        perChar(c, a[0]),
        Array.from(str('reverse', a, 0))
          .reverse()
          .join('')
      ),
    },
  },
  memberArity: { find: [1], findAll: [1, 2], reverse: [0] },
};
