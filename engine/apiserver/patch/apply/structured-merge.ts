// Merging an applied configuration into the live object, and removing the fields a manager
// stopped applying (structured-merge-diff's Merge and prune). Values are never modified in
// place: results are fresh copies.
import { cloneJson, isObject, setKey, getOwn, type JsonObject } from '../json-value';
import { type ApplyType, childType, isAtomic, resolveType } from './apply-type';
import { itemElement, childLookup, typeBelow } from './field-walk';
import type { FieldSet } from './field-set';

/** `config` laid over `live`: structs and maps field by field, set and map lists item by item. */
export function mergeApplied(t0: ApplyType, live: unknown, config: unknown, path: string[] = []): unknown {
  const t = resolveType(t0, config);
  if (config === null || config === undefined || isAtomic(t)) return cloneJson(config);
  if (t.kind === 'list') {
    if (!Array.isArray(config)) return cloneJson(config);
    const out = Array.isArray(live) ? (live as unknown[]).map((x) => cloneJson(x)) : [];
    const liveIndex = new Map<string, number>();
    out.forEach((item, i) => {
      try {
        liveIndex.set(itemElement(t, item, i, path), i);
      } catch {
        // a live item without its key is kept as it is
      }
    });
    config.forEach((item, i) => {
      const el = itemElement(t, item, i, path);
      const at = liveIndex.get(el);
      if (at === undefined) {
        liveIndex.set(el, out.length);
        out.push(mergeApplied(t.items, undefined, item, [...path, el]));
      } else {
        out[at] = mergeApplied(t.items, out[at], item, [...path, el]);
      }
    });
    return out;
  }
  if (!isObject(config)) return cloneJson(config);
  const out: JsonObject = isObject(live) ? cloneJson(live) : {};
  for (const key of Object.keys(config)) {
    const value = mergeApplied(childType(t, key).type, getOwn(out, key), config[key], [...path, `f:${key}`]);
    // An applied null removes the field (the manager owns its absence).
    if (value === null && childType(t, key).declared) delete out[key];
    else setKey(out, key, value);
  }
  return out;
}

/**
 * Removes from `obj` (in place) the fields of `stale` (applied before, not now) that no
 * manager owns. A removed field takes its unowned children with it; a struct field the manager
 * had applied and that is left empty goes too, as upstream's prune does.
 */
export function removeStale(t: ApplyType, value: unknown, stale: FieldSet, owned: FieldSet | undefined): void {
  const lookup = childLookup(value, t);
  for (const [el, node] of stale.children) {
    const child = lookup(el);
    if (child === undefined) continue;
    const ownedBelow = owned?.child(el);
    if (node.member && !ownedBelow?.hasMemberBelow()) {
      removeChild(value, el, child);
      continue;
    }
    removeStale(typeBelow(t, value, el), child, node, ownedBelow);
    // A struct field left empty by the removals goes when nobody owns anything in it.
    if (el[0] === 'f' && isObject(child) && Object.keys(child).length === 0 && !ownedBelow?.hasMemberBelow()) {
      removeChild(value, el, child);
    }
  }
}

function removeChild(parent: unknown, el: string, child: unknown): void {
  if (isObject(parent) && el[0] === 'f') delete parent[el.slice(2)];
  else if (Array.isArray(parent)) {
    const at = parent.indexOf(child);
    if (at >= 0) parent.splice(at, 1);
  }
}
