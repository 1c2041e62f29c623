// Regular expressions with RE2's guarantee of linear time: V8's non-backtracking engine (the `l`
// flag), switched on once through Node's v8 module where the runtime has it. Backreferences and
// lookaround, which RE2 lacks, are refused. Where no linear engine is available (a browser), the
// pattern is refused rather than risk exponential backtracking on user input.
import { CelEvalError } from './errors';

let linearReady: boolean | undefined;

function enableLinearEngine(): boolean {
  if (linearReady !== undefined) return linearReady;
  try {
    type V8 = { setFlagsFromString?: (flags: string) => void } | undefined;
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => V8 } }).process;
    proc?.getBuiltinModule?.('node:v8')?.setFlagsFromString?.('--enable-experimental-regexp-engine');
    new RegExp('a', 'l');
    linearReady = true;
  } catch {
    linearReady = false;
  }
  return linearReady;
}

const cache = new Map<string, RegExp>();

/** Compiles an RE2-style pattern (a leading `(?i)` and friends become flags). Throws CelEvalError. */
export function compileRegex(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  if (!enableLinearEngine()) throw new CelEvalError('regular expressions need a linear-time engine, which this runtime lacks');
  let src = pattern;
  let flags = 'l'; // the linear engine does not take 'u'
  const inline = /^\(\?([imsU]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    if (inline[1].includes('i')) src = caseless(src);
    if (inline[1].includes('m')) flags += 'm';
    if (inline[1].includes('s')) flags += 's';
  }
  let re: RegExp;
  try {
    re = new RegExp(src, flags);
  } catch (e) {
    throw new CelEvalError(
      `invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
    );
  }
  if (cache.size > 500) cache.clear();
  cache.set(pattern, re);
  return re;
}

const swap = (c: string) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());
const letter = (c: string | undefined) => !!c && /[A-Za-z]/.test(c);

/** (?i) without the `i` flag (the linear engine lacks it): each letter matches both cases. */
function caseless(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      out += c + (src[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      if (letter(c) && src[i + 1] === '-' && letter(src[i + 2])) {
        out += `${c}-${src[i + 2]}${swap(c)}-${swap(src[i + 2])}`;
        i += 2;
      } else out += letter(c) ? c + swap(c) : c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
    } else out += letter(c) && !/\{\d*,?\d*$/.test(out) ? `[${c}${swap(c)}]` : c;
  }
  return out;
}
