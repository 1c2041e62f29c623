// A set of field paths, as structured-merge-diff's fieldpath.Set: a tree whose edges are path
// elements in their fieldsV1 spelling (`f:name`, `k:{"name":"a"}`, `v:"x"`, `i:0`) and whose
// nodes may be members. Serialized as metadata.managedFields[].fieldsV1.
import { isObject, setKey, type JsonObject } from '../json-value';

export class FieldSet {
  member = false;
  readonly children = new Map<string, FieldSet>();

  /** The node for `path`, created (as a non-member) when missing. */
  descend(path: readonly string[]): FieldSet {
    return path.reduce<FieldSet>((node, el) => {
      let next = node.children.get(el);
      if (!next) node.children.set(el, (next = new FieldSet()));
      return next;
    }, this);
  }

  insert(path: readonly string[]): void {
    this.descend(path).member = true;
  }

  child(el: string): FieldSet | undefined {
    return this.children.get(el);
  }

  has(path: readonly string[]): boolean {
    if (!path.length) return this.member;
    return this.children.get(path[0])?.has(path.slice(1)) ?? false;
  }

  isEmpty(): boolean {
    if (this.member) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  clone(): FieldSet {
    const out = new FieldSet();
    out.member = this.member;
    for (const [el, c] of this.children) out.children.set(el, c.clone());
    return out;
  }

  union(other: FieldSet): FieldSet {
    const out = this.clone();
    mergeInto(out, other);
    return out;
  }

  /** Members of this set not in `other` (children are compared one by one, as upstream's Difference). */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && !other.member;
    for (const [el, c] of this.children) {
      const o = other.children.get(el);
      const d = o ? c.difference(o) : c.clone();
      if (!d.isEmpty()) out.children.set(el, d);
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && other.member;
    for (const [el, c] of this.children) {
      const o = other.children.get(el);
      if (!o) continue;
      const i = c.intersection(o);
      if (!i.isEmpty()) out.children.set(el, i);
    }
    return out;
  }

  /** Every member path, depth first, in sorted element order. */
  paths(prefix: string[] = [], out: string[][] = []): string[][] {
    if (this.member) out.push(prefix);
    for (const el of [...this.children.keys()].sort(compareElements)) this.children.get(el)!.paths([...prefix, el], out);
    return out;
  }

  /** Adds every member of `other` to this set, in place. */
  addAll(other: FieldSet): void {
    mergeInto(this, other);
  }

  /** As addAll, taking `other`'s nodes instead of copying them: `other` must not be used after. */
  absorb(other: FieldSet): void {
    if (other.member) this.member = true;
    for (const [el, c] of other.children) {
      const mine = this.children.get(el);
      if (mine) mine.absorb(c);
      else this.children.set(el, c);
    }
  }

  /** Whether some path is a member of both sets. */
  overlaps(other: FieldSet): boolean {
    if (this.member && other.member) return true;
    const [few, many] = this.children.size <= other.children.size ? [this, other] : [other, this];
    for (const [el, c] of few.children) {
      const o = many.children.get(el);
      if (o && c.overlaps(o)) return true;
    }
    return false;
  }

  /** True when this node or any node below it is a member. */
  hasMemberBelow(): boolean {
    return !this.isEmpty();
  }
}

function mergeInto(into: FieldSet, from: FieldSet): void {
  if (from.member) into.member = true;
  for (const [el, c] of from.children) {
    const mine = into.children.get(el);
    if (mine) mergeInto(mine, c);
    else into.children.set(el, c.clone());
  }
}

// Upstream orders path elements field names first, then keys, values and indexes.
const ELEMENT_ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

function compareElements(a: string, b: string): number {
  const d = (ELEMENT_ORDER[a[0]] ?? 9) - (ELEMENT_ORDER[b[0]] ?? 9);
  if (d) return d;
  if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The fieldsV1 object of a set: `{}` for a leaf member, `".": {}` for a member with children. */
export function toFieldsV1(set: FieldSet): JsonObject {
  return encodeNode(set) ?? {};
}

// One walk that drops empty subtrees on the way back up (asking isEmpty at every node made
// encoding quadratic in depth); undefined for a node with no member at or below it.
function encodeNode(set: FieldSet): JsonObject | undefined {
  const out: JsonObject = {};
  if (set.member && set.children.size) out['.'] = {};
  let empty = !set.member;
  const els = set.children.size > 1 ? [...set.children.keys()].sort(compareElements) : set.children.keys();
  for (const el of els) {
    const c = encodeNode(set.children.get(el)!);
    if (!c) continue;
    setKey(out, el, c);
    empty = false;
  }
  return empty ? undefined : out;
}

const ELEMENT = /^[fkvi]:/;

/** Parses fieldsV1; throws an Error naming what is wrong (the caller words the Status). */
export function fromFieldsV1(value: unknown): FieldSet {
  return readFieldsV1(value).set;
}

/** As fromFieldsV1, also saying whether toFieldsV1 of the set gives `value` back key for key. */
export function readFieldsV1(value: unknown): { set: FieldSet; canonical: boolean } {
  const set = new FieldSet();
  if (!isObject(value)) throw new Error('fieldsV1 must be an object');
  const canonical = read(set, value, true);
  return { set, canonical };
}

/** Reads one node; true when it is written as toFieldsV1 writes it ("." first and empty, beside children only; elements in order). */
function read(node: FieldSet, value: JsonObject, root: boolean): boolean {
  const keys = Object.keys(value);
  // A leaf is a member; `.` marks a node with children as a member too.
  if (!root && keys.length === 0) node.member = true;
  let canonical = true;
  let previous: string | undefined;
  keys.forEach((key, i) => {
    const v = value[key];
    if (!isObject(v)) throw new Error(`fieldsV1 entry ${key} must be an object`);
    if (key === '.') {
      node.member = true;
      if (i !== 0 || keys.length === 1 || Object.keys(v).length) canonical = false;
      return;
    }
    if (!ELEMENT.test(key)) throw new Error(`unknown fieldsV1 path element ${key}`);
    if (key[0] === 'k' || key[0] === 'v') JSON.parse(key.slice(2));
    if (key[0] === 'i' && !/^\d+$/.test(key.slice(2))) throw new Error(`bad index in ${key}`);
    if (previous !== undefined && compareElements(previous, key) > 0) canonical = false;
    previous = key;
    if (!read(node.descend([key]), v, false)) canonical = false;
  });
  return canonical;
}

/** A path the way upstream prints it in conflicts: `.spec.containers[name="a"].image`. */
export function pathString(path: readonly string[]): string {
  return path.map(elementString).join('');
}

function elementString(el: string): string {
  const body = el.slice(2);
  switch (el[0]) {
    case 'f':
      return `.${body}`;
    case 'k': {
      const key = JSON.parse(body) as JsonObject;
      return `[${Object.keys(key)
        .map((k) => `${k}=${JSON.stringify(key[k])}`)
        .join(',')}]`;
    }
    case 'v':
      return `[=${body}]`;
    default:
      return `[${body}]`;
  }
}

/** JSON with object keys sorted, as Go encodes maps: the spelling of `k:` and `v:` elements. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
