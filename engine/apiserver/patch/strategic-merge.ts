// Kubernetes strategic merge patch (what kubectl apply/edit/patch/set send by default).
// The schema's x-kubernetes-patch-strategy / -merge-key decide how each list merges;
// fields the schema does not know merge like a JSON merge patch (maps merge, lists replace).
import type { SchemaField, SchemaNode } from '../../kinds/schema/schema-types';
import { PatchError } from './errors';
import { cloneJson, getOwn, goFormat, goJsonType, hasKey, isObject, jsonEqual, setKey, type JsonObject } from './json-value';
import { checkOrderConsistent, mergeKeyIdentity, noMergeKeyError, orderEntryIdentity, orderMergedList } from './strategic-order';

export { PatchError } from './errors';

const PATCH_DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';
const SET_ELEMENT_ORDER = '$setElementOrder/';

/**
 * The keys a strategic merge patch uses as instructions. Only these are stripped: other
 * `$`-names can be real fields (JSONSchemaProps has `$ref` and `$schema`).
 */
export function isDirectiveKey(key: string): boolean {
  return key === PATCH_DIRECTIVE || key === RETAIN_KEYS || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER);
}

/**
 * Applies `patch` to a copy of `original` (neither is modified; the result shares nothing
 * with them), or to `original` itself when `owned` says it is the caller's private copy.
 * `schema` describes the object at the root; undefined means no patch metadata.
 */
export function strategicMergePatch(original: any, patch: any, schema: SchemaNode | undefined, owned = false): any {
  if (!isObject(patch)) {
    throw PatchError.badRequest(`json: cannot unmarshal ${goJsonType(patch)} into Go value of type map[string]interface {}`);
  }
  return mergeMap(isObject(original) ? (owned ? original : cloneJson(original)) : {}, patch, schema);
}

interface Strategy {
  merge: boolean;
  replace: boolean;
  mergeKey?: string;
}

function strategyOf(field: SchemaField | undefined): Strategy {
  const parts = (field?.patchStrategy ?? '').split(',');
  return { merge: parts.includes('merge'), replace: parts.includes('replace'), mergeKey: field?.patchMergeKey };
}

function fieldOf(node: SchemaNode | undefined, key: string): SchemaField | undefined {
  if (node?.type === 'object') return hasKey(node.fields, key) ? node.fields[key] : undefined;
  if (node?.type === 'map') return { node: () => node.values };
  return undefined;
}

function itemsOf(node: SchemaNode | undefined): SchemaNode | undefined {
  return node?.type === 'array' ? node.items : undefined;
}

/** A patch value taken whole: a copy without directives or null-valued keys. */
function cleanCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cleanCopy);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    if (isDirectiveKey(key) || value[key] === null) continue;
    setKey(out, key, cleanCopy(value[key]));
  }
  return out;
}

// `original` is owned by the merge (already a copy) and is changed in place; `patch` is read only.
function mergeMap(original: JsonObject, patch: JsonObject, node: SchemaNode | undefined): JsonObject {
  if (hasKey(patch, PATCH_DIRECTIVE)) {
    const directive = patch[PATCH_DIRECTIVE];
    if (directive === 'replace') return cleanCopy(patch) as JsonObject;
    if (directive === 'delete') return {};
    if (directive !== 'merge') {
      throw PatchError.internal(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(patch)}`);
    }
  }
  applyRetainKeys(original, patch);
  const ordered = applyElementOrders(original, patch, node);
  for (const key of Object.keys(patch)) {
    if (isDirectiveKey(key) || ordered.has(key)) continue;
    const value = patch[key];
    if (value === null) {
      delete original[key];
      continue;
    }
    setKey(original, key, mergeValue(getOwn(original, key), value, fieldOf(node, key), key));
  }
  // Deletions run last so they win over additions of the same value in one patch.
  applyPrimitiveListDeletions(original, patch);
  return original;
}

function mergeValue(original: unknown, patch: unknown, field: SchemaField | undefined, name: string): unknown {
  const strategy = strategyOf(field);
  if (isObject(patch)) {
    if (strategy.replace) return cleanCopy(patch);
    return mergeMap(isObject(original) ? original : {}, patch, field?.node());
  }
  if (Array.isArray(patch)) {
    if (!strategy.merge) return cleanCopy(patch);
    const itemNode = itemsOf(field?.node());
    return mergeList(Array.isArray(original) ? original : [], patch, itemNode, strategy.mergeKey, name);
  }
  return patch;
}

function elementKind(lists: unknown[][]): 'map' | 'scalar' {
  let kind: 'map' | 'scalar' | undefined;
  for (const list of lists) {
    for (const item of list) {
      if (Array.isArray(item)) throw new PatchError('lists of lists are not supported', 422, 'Invalid');
      const k = isObject(item) ? 'map' : 'scalar';
      if (kind && kind !== k) throw PatchError.internal(`list element types are not identical: ${goFormat(lists)}`);
      kind = k;
    }
  }
  return kind ?? 'scalar';
}

function mergeList(
  original: unknown[],
  patch: unknown[],
  itemNode: SchemaNode | undefined,
  mergeKey: string | undefined,
  name: string,
): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  if (elementKind([original, patch]) === 'scalar') {
    const merged: unknown[] = [];
    for (const v of [...original, ...patch]) if (!merged.some((m) => jsonEqual(m, v))) merged.push(cloneJson(v));
    const id = mergeKeyIdentity(undefined);
    return orderMergedList(merged, patch, id, original, id);
  }
  if (!mergeKey) throw PatchError.internal(`cannot merge lists without merge key for ${name}`);
  const keyOf = mergeKeyIdentity(mergeKey);

  let live = original;
  const items: JsonObject[] = [];
  let replace = false;
  for (const item of patch as JsonObject[]) {
    if (!hasKey(item, PATCH_DIRECTIVE)) {
      items.push(item);
      continue;
    }
    const directive = item[PATCH_DIRECTIVE];
    if (directive === 'delete') {
      const key = keyOf(item);
      if (key === undefined) throw noMergeKeyError(item, mergeKey);
      live = live.filter((x) => !jsonEqual(keyOf(x), key));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw PatchError.internal('merging lists cannot yet be specified in the patch');
    } else {
      throw PatchError.internal(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(item)}`);
    }
  }
  if (replace) return items.map((item) => mergeMap({}, item, itemNode));

  const merged = [...live];
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) throw noMergeKeyError(item, mergeKey);
    const at = merged.findIndex((x) => jsonEqual(keyOf(x), key));
    if (at >= 0) merged[at] = mergeMap(merged[at] as JsonObject, item, itemNode);
    else merged.push(mergeMap({}, item, itemNode));
  }
  return orderMergedList(merged, items, keyOf, live, keyOf);
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasKey(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw PatchError.badRequest('invalid patch format of retainKeys');
  const keep = new Set(list.filter((k): k is string => typeof k === 'string'));
  for (const key of Object.keys(patch)) {
    if (patch[key] === null || isDirectiveKey(key)) continue;
    if (!keep.has(key)) throw PatchError.badRequest('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(original)) if (!keep.has(key)) delete original[key];
}

/** Merges each list named by a $setElementOrder directive and puts it in that order. */
function applyElementOrders(original: JsonObject, patch: JsonObject, node: SchemaNode | undefined): Set<string> {
  const done = new Set<string>();
  for (const directive of Object.keys(patch)) {
    if (!directive.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[directive];
    if (!Array.isArray(order)) throw PatchError.badRequest('invalid patch format of setElementOrder list');
    const name = directive.slice(SET_ELEMENT_ORDER.length);
    const live = getOwn(original, name);
    const patchList = getOwn(patch, name);
    // A null or non-list value in the patch is an ordinary replace/delete; let the main loop do it.
    if (patchList !== undefined && !Array.isArray(patchList)) continue;
    if (!Array.isArray(live) && patchList === undefined) continue;

    const field = fieldOf(node, name);
    const { mergeKey } = strategyOf(field);
    if (patchList) checkOrderConsistent(patchList, order, mergeKey);
    const liveList = Array.isArray(live) ? [...live] : [];
    const merged = patchList ? mergeValue(live, patchList, field, name) : live;
    let result = merged as unknown[];
    if (Array.isArray(merged) && (mergeKey || elementKind([merged]) === 'scalar')) {
      result = orderMergedList(merged, order, orderEntryIdentity(mergeKey), liveList, mergeKeyIdentity(mergeKey));
    }
    setKey(original, name, result);
    done.add(name);
  }
  return done;
}

function applyPrimitiveListDeletions(original: JsonObject, patch: JsonObject): void {
  for (const directive of Object.keys(patch)) {
    if (!directive.startsWith(DELETE_FROM_PRIMITIVE_LIST)) continue;
    const toDelete = patch[directive];
    if (!Array.isArray(toDelete)) throw PatchError.badRequest('invalid patch format of primitive list');
    const name = directive.slice(DELETE_FROM_PRIMITIVE_LIST.length);
    const list = getOwn(original, name);
    if (!Array.isArray(list)) continue;
    setKey(
      original,
      name,
      list.filter((v) => !toDelete.some((d) => jsonEqual(d, v))),
    );
  }
}
