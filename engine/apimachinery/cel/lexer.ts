// CEL's tokens: numbers (decimal, hex, u-suffixed uint, doubles with exponents), strings and
// bytes (single, double, triple quoted, raw r"..." and escapes), identifiers, reserved words and
// operators. Every token keeps its offset for error positions.
import { compileError } from './errors';

export type TokenKind = 'int' | 'uint' | 'double' | 'string' | 'bytes' | 'ident' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Decoded value: bigint for int/uint, number for double, string for string/ident/op. */
  value: string | bigint | number;
  pos: number;
}

const OPS = [
  '&&',
  '||',
  '==',
  '!=',
  '<=',
  '>=',
  '?.',
  '<',
  '>',
  '!',
  '+',
  '-',
  '*',
  '/',
  '%',
  '?',
  ':',
  '.',
  ',',
  '[',
  ']',
  '(',
  ')',
  '{',
  '}',
];
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '?': '?',
  '"': '"',
  "'": "'",
  '`': '`',
};

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      out.push(number(src, i));
      i = out[out.length - 1].pos + numberLength(src, i);
      continue;
    }
    const lower = c.toLowerCase();
    if ((lower === 'r' || lower === 'b') && /["']/.test(src[i + 1] ?? '')) {
      out.push(quoted(src, i + 1, lower === 'r', lower === 'b' ? 'bytes' : 'string', start));
      i = (out[out.length - 1] as Token & { end: number }).end;
      continue;
    }
    if ((lower === 'r' || lower === 'b') && /[rRbB]/.test(src[i + 1] ?? '') && /["']/.test(src[i + 2] ?? '')) {
      out.push(quoted(src, i + 2, true, 'bytes', start));
      i = (out[out.length - 1] as Token & { end: number }).end;
      continue;
    }
    if (c === '"' || c === "'") {
      out.push(quoted(src, i, false, 'string', start));
      i = (out[out.length - 1] as Token & { end: number }).end;
      continue;
    }
    if (IDENT_START.test(c)) {
      while (i < src.length && IDENT_PART.test(src[i])) i++;
      out.push({ kind: 'ident', value: src.slice(start, i), pos: start });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw compileError(src, i, `Syntax error: token recognition error at: '${c}'`);
    out.push({ kind: 'op', value: op, pos: i });
    i += op.length;
  }
  out.push({ kind: 'eof', value: '<EOF>', pos: src.length });
  return out;
}

const NUMBER = /^(?:0[xX][0-9a-fA-F]+[uU]?|(?:[0-9]+\.[0-9]+|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?[uU]?)/;

function numberLength(src: string, i: number): number {
  return NUMBER.exec(src.slice(i, i + 400))![0].length;
}

function number(src: string, i: number): Token {
  const text = NUMBER.exec(src.slice(i, i + 400))![0];
  const unsigned = /[uU]$/.test(text);
  const body = unsigned ? text.slice(0, -1) : text;
  if (/^0[xX]/.test(body)) return { kind: unsigned ? 'uint' : 'int', value: BigInt(body), pos: i };
  if (/[.eE]/.test(body)) {
    if (unsigned) throw compileError(src, i, `Syntax error: invalid uint literal '${text}'`);
    return { kind: 'double', value: Number(body), pos: i };
  }
  return { kind: unsigned ? 'uint' : 'int', value: BigInt(body), pos: i };
}

/** A quoted literal starting at the quote `q`; returns the token and where it ends. */
function quoted(src: string, q: number, raw: boolean, kind: 'string' | 'bytes', start: number): Token & { end: number } {
  const quote = src[q];
  const triple = src.startsWith(quote.repeat(3), q);
  const close = triple ? quote.repeat(3) : quote;
  let i = q + close.length;
  let value = '';
  for (;;) {
    if (i >= src.length) throw compileError(src, start, 'Syntax error: token recognition error at: unterminated string');
    if (src.startsWith(close, i)) break;
    const c = src[i];
    if (!triple && (c === '\n' || c === '\r'))
      throw compileError(src, start, 'Syntax error: token recognition error at: newline in string');
    if (c === '\\' && !raw) {
      const [decoded, len] = escape(src, i);
      value += decoded;
      i += len;
      continue;
    }
    value += c;
    i++;
  }
  return { kind, value, pos: start, end: i + close.length };
}

function escape(src: string, i: number): [string, number] {
  const e = src[i + 1];
  if (e !== undefined && e in ESCAPES) return [ESCAPES[e], 2];
  const hex = (n: number, off: number) => {
    const digits = src.slice(i + off, i + off + n);
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits)) throw compileError(src, i, 'Syntax error: invalid escape sequence');
    return String.fromCodePoint(parseInt(digits, 16));
  };
  if (e === 'x' || e === 'X') return [hex(2, 2), 4];
  if (e === 'u') return [hex(4, 2), 6];
  if (e === 'U') return [hex(8, 2), 10];
  if (e !== undefined && /[0-3]/.test(e) && /^[0-7]{3}$/.test(src.slice(i + 1, i + 4))) {
    return [String.fromCharCode(parseInt(src.slice(i + 1, i + 4), 8)), 4];
  }
  throw compileError(src, i, 'Syntax error: invalid escape sequence');
}
