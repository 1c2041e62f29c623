// Field paths the API server names, found in the editor's YAML: validation causes
// (`spec.containers[0].image`, `spec.ports[name]`) and server-side apply conflicts
// (`.spec.containers[name="c"].image`, `.spec.ports[port=80,protocol="TCP"]`, `.finalizers[="x"]`).
import { isMap, isScalar, isSeq, type Document, type Node } from 'yaml';

/** A list item picked by its key fields (SSA's `[k=v,...]`) or, for a set, by its value (`[=v]`). */
export interface ItemMatch {
  match: Record<string, unknown>;
  value?: unknown;
}
export type PathSegment = string | number | ItemMatch;

function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"' && s[i - 1] !== '\\') quoted = !quoted;
    if (ch === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const literal = (v: string): unknown => {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};

function bracket(body: string): PathSegment {
  if (/^\d+$/.test(body)) return Number(body);
  if (body.startsWith('=')) return { match: {}, value: literal(body.slice(1)) };
  const parts = splitOutsideQuotes(body, ',');
  if (!parts.every((p) => /^[^="]+=/.test(p))) return body; // containers[name]: an item by its name
  const match: Record<string, unknown> = {};
  for (const p of parts) {
    const at = p.indexOf('=');
    match[p.slice(0, at)] = literal(p.slice(at + 1));
  }
  return { match };
}

/** "spec.containers[0].foo" -> ["spec","containers",0,"foo"]; a leading dot (SSA's spelling) is dropped. */
export function parseFieldPath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  let cur = '';
  const flush = () => {
    if (cur) out.push(cur);
    cur = '';
  };
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (ch === '.') flush();
    else if (ch === '[') {
      flush();
      let j = i + 1;
      let quoted = false;
      for (; j < path.length; j++) {
        if (path[j] === '"' && path[j - 1] !== '\\') quoted = !quoted;
        else if (path[j] === ']' && !quoted) break;
      }
      out.push(bracket(path.slice(i + 1, j)));
      i = j;
    } else cur += ch;
  }
  flush();
  return out;
}

const keyText = (k: unknown) => (isScalar(k) ? String(k.value) : String(k));

function itemMatches(item: unknown, seg: ItemMatch | string): boolean {
  if (typeof seg === 'string') return isMap(item) && String(item.get('name')) === seg;
  if ('value' in seg) return isScalar(item) && item.value === seg.value;
  if (!isMap(item)) return false;
  return Object.entries(seg.match).every(([k, v]) => {
    const got = item.get(k);
    return got === v || String(got) === String(v);
  });
}

/** Offset of the deepest key (or item) of `path` that exists in the document; -1 if none. */
export function offsetOfPath(doc: Document, path: PathSegment[]): number {
  let node: Node | null | undefined = doc.contents;
  let at = -1;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      if (typeof seg !== 'string') break;
      // A key may hold dots (labels like app.kubernetes.io/name): the longest run of segments that names one.
      let pair;
      let key = '';
      for (let j = i; j < path.length; j++) {
        const part = path[j];
        if (typeof part !== 'string') break;
        key = j === i ? part : `${key}.${part}`;
        const found = node.items.find((p) => keyText(p.key) === key);
        if (found) {
          pair = found;
          i = j;
        }
      }
      if (!pair) break;
      if (isScalar(pair.key) && pair.key.range) at = pair.key.range[0];
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const item = typeof seg === 'number' ? node.items[seg] : node.items.find((it) => itemMatches(it, seg));
      if (!item) break;
      const r = (item as Node).range;
      if (r) at = r[0];
      node = item as Node;
    } else break;
  }
  return at;
}
