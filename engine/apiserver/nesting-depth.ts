// Cheap nesting-depth pre-scans run before any body is parsed: the parsers and everything after
// them recurse, so a deeply nested body would otherwise overflow the stack (or, in the YAML
// parser, take the process down). One linear pass each, stopping as soon as the bound is passed.

/** Upstream's bound for JSON (k8s.io/apimachinery's JSON decoding). */
export const maxJsonDepth = 10_000;
/** Lower for YAML: the YAML parser recurses per level and overflows well before 10,000. */
export const maxYamlDepth = 500;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** True when `{`/`[` outside strings nest deeper than `limit` in JSON bytes (valid or not). */
export function jsonTooDeep(buf: Uint8Array, limit = maxJsonDepth): boolean {
  // Each level takes at least one byte: short bodies (nearly all) need no scan.
  if (buf.length <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/**
 * True when YAML text may nest deeper than `limit`. An upper bound, not a parse: block depth is
 * the number of open indentation levels plus the compact indicators (`- `, `? `, `key: `) on a
 * line, flow depth counts brackets outside quotes and comments; block scalars are skipped.
 */
export function yamlTooDeep(text: string, limit = maxYamlDepth): boolean {
  if (text.length <= limit) return false;
  const indents: number[] = [];
  let i = 0;
  const n = text.length;
  let flow = 0;
  let lineDepth = 0;
  let blockScalarIndent = -1; // the indentation of the line that opened a `|` or `>` scalar
  while (i < n) {
    // At a line start.
    let indent = 0;
    while (i + indent < n && text[i + indent] === ' ') indent++;
    const first = text[i + indent];
    const blank = first === undefined || first === '\n' || first === '\r' || (first === '#' && flow === 0);
    if (blockScalarIndent >= 0 && (blank || indent > blockScalarIndent)) {
      i = lineEnd(text, i) + 1;
      continue;
    }
    blockScalarIndent = -1;
    if (blank) {
      i = lineEnd(text, i) + 1;
      continue;
    }
    i += indent;
    let valueStart = false;
    if (flow === 0) {
      if (indent === 0 && text.startsWith('---', i)) indents.length = 0;
      while (indents.length && indents[indents.length - 1] >= indent) indents.pop();
      indents.push(indent);
      lineDepth = indents.length;
      valueStart = true;
    }
    // The rest of the line.
    while (i < n && text[i] !== '\n') {
      const c = text[i];
      if (flow > 0) {
        if (c === '[' || c === '{') {
          if (lineDepth + ++flow > limit) return true;
        } else if (c === ']' || c === '}') flow--;
        else if (c === '"' || c === "'") {
          i = skipQuoted(text, i);
          continue;
        } else if (c === '#' && (i === 0 || text[i - 1] === ' ')) {
          i = lineEnd(text, i);
          continue;
        }
        i++;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r') {
        i++;
        continue;
      }
      const next = text[i + 1];
      const indicator = next === undefined || next === ' ' || next === '\n' || next === '\r';
      if ((c === '-' || c === '?' || c === ':') && indicator) {
        if (++lineDepth > limit) return true;
        valueStart = true;
        i++;
        continue;
      }
      if (c === '#' && (i === 0 || text[i - 1] === ' ')) {
        i = lineEnd(text, i);
        continue;
      }
      if (valueStart && (c === '[' || c === '{')) {
        flow = 1;
        if (lineDepth + flow > limit) return true;
      } else if (valueStart && (c === '"' || c === "'")) {
        i = skipQuoted(text, i);
        valueStart = false;
        continue;
      } else if (valueStart && (c === '|' || c === '>')) {
        blockScalarIndent = indent;
      }
      valueStart = false;
      i++;
    }
    i++;
  }
  return false;
}

function lineEnd(text: string, i: number): number {
  const e = text.indexOf('\n', i);
  return e < 0 ? text.length : e;
}

/** Index after the closing quote (quoted scalars may span lines). */
function skipQuoted(text: string, i: number): number {
  const q = text[i];
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (q === '"' && c === '\\') j++;
    else if (c === q) {
      if (q === "'" && text[j + 1] === "'") j++;
      else return j + 1;
    }
  }
  return text.length;
}

/** True when a decoded value nests deeper than `limit` (iterative: safe on any value). */
export function valueTooDeep(value: unknown, limit = maxJsonDepth): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (d + 1 > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child && typeof child === 'object') stack.push([child, d + 1]);
  }
  return false;
}
