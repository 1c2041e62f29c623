// Element order of merged lists in a strategic merge patch. Upstream's rule: items named by
// the patch (or by its $setElementOrder list) take that order; items only the server has keep
// their place relative to them as it was in the live list. Clients depend on it: kubectl
// apply sends $setElementOrder, and env var order matters for $(VAR) references.
import { PatchError } from './errors';
import { goFormat, hasKey, isObject, jsonEqual } from './json-value';

/** An item's identity: its merge key value (lists of maps) or itself (primitive lists). */
export type IdentityFn = (item: unknown) => unknown;

export function mergeKeyIdentity(mergeKey: string | undefined): IdentityFn {
  if (!mergeKey) return (item) => item;
  return (item) => (isObject(item) && hasKey(item, mergeKey) ? item[mergeKey] : undefined);
}

/** $setElementOrder entries are `{<mergeKey>: value}` maps (as kubectl sends); bare values are accepted too. */
export function orderEntryIdentity(mergeKey: string | undefined): IdentityFn {
  if (!mergeKey) return (entry) => entry;
  return (entry) => {
    if (!isObject(entry)) return entry;
    if (!hasKey(entry, mergeKey)) throw noMergeKeyError(entry, mergeKey);
    return entry[mergeKey];
  };
}

export function noMergeKeyError(item: unknown, mergeKey: string): PatchError {
  return PatchError.internal(`map: ${goFormat(item)} does not contain declared merge key: ${mergeKey}`);
}

/** Position of `item` in `list`; items without identity are found by reference. */
function positionIn(list: unknown[], listId: IdentityFn, item: unknown, itemId: IdentityFn): number {
  const id = itemId(item);
  if (id === undefined) return list.indexOf(item);
  return list.findIndex((x) => {
    const k = listId(x);
    return k !== undefined && jsonEqual(k, id);
  });
}

/**
 * Orders `merged`: items present in `reference` follow the reference's order; the others
 * (server-only items) are woven in where they stood in `live` relative to those items.
 */
export function orderMergedList(
  merged: unknown[],
  reference: unknown[],
  referenceId: IdentityFn,
  live: unknown[],
  itemId: IdentityFn,
): unknown[] {
  const named: { item: unknown; rank: number }[] = [];
  const serverOnly: unknown[] = [];
  for (const item of merged) {
    const rank = positionIn(reference, referenceId, item, itemId);
    if (rank >= 0) named.push({ item, rank });
    else serverOnly.push(item);
  }
  named.sort((a, b) => a.rank - b.rank); // Array.prototype.sort is stable
  const right = named.map((n) => n.item);
  const livePos = (item: unknown) => positionIn(live, itemId, item, itemId);

  // Merge two ordered runs. A server-only item goes first only when both items were in the
  // live list and it stood earlier there; otherwise the patch's item wins the slot.
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < right.length) {
    if (i >= serverOnly.length) out.push(right[j++]);
    else if (j >= right.length) out.push(serverOnly[i++]);
    else {
      const li = livePos(serverOnly[i]);
      const ri = livePos(right[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/**
 * Upstream rejects a patch whose list items (directives aside) are not a subsequence of
 * the $setElementOrder list.
 */
export function checkOrderConsistent(patchList: unknown[], order: unknown[], mergeKey: string | undefined): void {
  if (patchList.length === 0 || order.length === 0) return;
  const itemId = mergeKeyIdentity(mergeKey);
  const entryId = orderEntryIdentity(mergeKey);
  const items = patchList.filter((x) => !(isObject(x) && hasKey(x, '$patch')));
  let next = 0;
  for (const entry of order) {
    if (next >= items.length) break;
    const id = itemId(items[next]);
    if (id === undefined) throw noMergeKeyError(items[next], mergeKey as string);
    if (jsonEqual(id, entryId(entry))) next++;
  }
  if (next < items.length) {
    throw PatchError.internal(
      `The order in patch list:\n${goFormat(patchList)}\n doesn't match $setElementOrder list:\n${goFormat(order)}\n`,
    );
  }
}
