// What changed between two values, as field sets (upstream's TypedValue.Compare): added and
// removed members, and modified leaves. Walks both values together and skips what they share
// by reference, so a status write or a small change to a large object costs what it touches.
import { hasKey, isObject, jsonEqual } from '../json-value';
import { type ApplyType, childType, isAtomic, resolveType } from './apply-type';
import { FieldSet } from './field-set';
import { childLookup, itemElement, toFieldSet, typeBelow } from './field-walk';

export interface Comparison {
  added: FieldSet;
  removed: FieldSet;
  modified: FieldSet;
}

/** Where a value sits, which decides whether its own path is a member (see field-walk.ts). */
type Position = 'root' | 'declared' | 'undeclared' | 'item';

export function compare(t: ApplyType, a: unknown, b: unknown): Comparison {
  const out = { added: new FieldSet(), removed: new FieldSet(), modified: new FieldSet() };
  // An empty granular object at the root sets no field (a create compares against `{}`): the
  // same as nothing, which takes leafDiff's one-sided path.
  const ta = resolveType(t, a);
  const empty = isObject(a) && !Object.keys(a).length && (ta.kind === 'struct' || ta.kind === 'map') && !isAtomic(ta);
  diff(t, empty ? undefined : a, b, [], 'root', out);
  return out;
}

/** The same answer from whole field sets: the reference the walk is tested against. */
export function compareBySets(t: ApplyType, a: unknown, b: unknown): Comparison {
  const sa = toFieldSet(t, a);
  const sb = toFieldSet(t, b);
  const modified = new FieldSet();
  findModified(sa.intersection(sb), t, a, b, [], modified);
  return { added: sb.difference(sa), removed: sa.difference(sb), modified };
}

function containerOf(t: ApplyType, v: unknown): 'object' | 'list' | undefined {
  if (isAtomic(t)) return undefined;
  if ((t.kind === 'struct' || t.kind === 'map') && isObject(v) && Object.keys(v).length) return 'object';
  if (t.kind === 'list' && Array.isArray(v)) return 'list';
  return undefined;
}

function diff(t0: ApplyType, a: unknown, b: unknown, path: string[], pos: Position, out: Comparison): void {
  if (a === b) return;
  const ta = resolveType(t0, a);
  const tb = resolveType(t0, b);
  const ka = a === undefined ? undefined : containerOf(ta, a);
  const kb = b === undefined ? undefined : containerOf(tb, b);
  if (ka && ka === kb && ta.kind === tb.kind) {
    if (ka === 'object') {
      const oa = a as Record<string, unknown>;
      const ob = b as Record<string, unknown>;
      const keys = new Set([...Object.keys(oa), ...Object.keys(ob)]);
      for (const key of keys) {
        const { type, declared } = childType(tb, key);
        const ca = hasKey(oa, key) ? oa[key] : undefined;
        const cb = hasKey(ob, key) ? ob[key] : undefined;
        diff(type, ca, cb, [...path, `f:${key}`], declared ? 'declared' : 'undeclared', out);
      }
      return;
    }
    const lt = tb as Extract<ApplyType, { kind: 'list' }>;
    const items = (list: unknown[]) => {
      const m = new Map<string, unknown>();
      list.forEach((item, i) => m.set(itemElement(lt, item, i, path), item));
      return m;
    };
    const ia = items(a as unknown[]);
    const ib = items(b as unknown[]);
    for (const el of new Set([...ia.keys(), ...ib.keys()])) diff(lt.items, ia.get(el), ib.get(el), [...path, el], 'item', out);
    return;
  }
  leafDiff(t0, a, b, path, pos, out);
}

/** A value's field set relative to its own path, its own membership decided by where it sits. */
function relativeSet(t: ApplyType, v: unknown, pos: Position): FieldSet {
  const s = new FieldSet();
  if (v === undefined) return s;
  toFieldSet(t, v, [], s);
  if (pos === 'item' || pos === 'undeclared' || (pos === 'declared' && (v === null || (isObject(v) && !Object.keys(v).length)))) {
    s.member = true;
  }
  return s;
}

function leafDiff(t: ApplyType, a: unknown, b: unknown, path: string[], pos: Position, out: Comparison): void {
  // One side absent (a create, a new or removed field or item): all added or all removed, with
  // no set operations (a create's whole object comes through here).
  if (a === undefined) return graft(out.added, path, relativeSet(t, b, pos));
  if (b === undefined) return graft(out.removed, path, relativeSet(t, a, pos));
  const sa = relativeSet(t, a, pos);
  const sb = relativeSet(t, b, pos);
  graft(out.added, path, sb.difference(sa));
  graft(out.removed, path, sa.difference(sb));
  const common = sa.intersection(sb);
  const modified = new FieldSet();
  if (common.member && common.children.size === 0 && !jsonEqual(a, b)) modified.member = true;
  findModified(common, t, a, b, [], modified);
  graft(out.modified, path, modified);
}

function graft(into: FieldSet, path: string[], set: FieldSet): void {
  // Every set grafted here is the walk's own (fresh from relativeSet or a set operation): taken, not copied.
  if (!set.isEmpty()) into.descend(path).absorb(set);
}

function findModified(common: FieldSet, t: ApplyType, a: unknown, b: unknown, path: string[], out: FieldSet): void {
  const la = childLookup(a, t);
  const lb = childLookup(b, t);
  for (const [el, node] of common.children) {
    const ca = la(el);
    const cb = lb(el);
    const p = [...path, el];
    if (node.children.size === 0) {
      if (node.member && !jsonEqual(ca, cb)) out.insert(p);
      continue;
    }
    findModified(node, typeBelow(t, a, el), ca, cb, p, out);
  }
}
