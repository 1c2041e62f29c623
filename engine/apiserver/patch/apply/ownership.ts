// Who owns what after a write (structured-merge-diff's Updater.Apply and Updater.Update): an
// Update takes the fields it changed from everyone; an Apply takes the fields it sets, removes
// what it stopped applying, and fails on fields another manager set to another value unless forced.
import type { JsonObject } from '../json-value';
import { type ApplyType, isAtomic, resolveType } from './apply-type';
import { FieldSet, pathString } from './field-set';
import { createdFieldSet, newMaps, toFieldSet } from './field-walk';
import { compare } from './compare';
import { describeManager, readAsIs, sameOwner, stripServerFields, type Managed } from './managed-fields';
import { mergeApplied, removeStale } from './structured-merge';

export interface Conflict {
  manager: Omit<Managed, 'set'>;
  path: string[];
}

/** An apply that would change fields other managers own (409 Conflict). */
export class ApplyConflictError extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(conflictMessage(conflicts));
    this.name = 'ApplyConflictError';
  }

  /** One Status cause per field, as upstream's FieldManagerConflict causes. */
  causes(): { reason: string; message: string; field: string }[] {
    return this.conflicts.map((c) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${describeManager(c.manager)}`,
      field: pathString(c.path),
    }));
  }
}

function conflictMessage(conflicts: Conflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0];
    return `Apply failed with 1 conflict: conflict with ${describeManager(c.manager)}: ${pathString(c.path)}`;
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const m = describeManager(c.manager);
    byManager.set(m, [...(byManager.get(m) ?? []), pathString(c.path)]);
  }
  const lines: string[] = [];
  for (const m of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${m}:`);
    for (const p of byManager.get(m)!) lines.push(`- ${p}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

export interface WriteContext {
  type: ApplyType;
  manager: string;
  apiVersion: string;
  subresource?: string;
  /** Drops the fields this endpoint resets (status on the main resource, the rest on /status). */
  ignore(set: FieldSet): FieldSet;
  /** The top-level elements ignore keeps (undefined: all), so walks can skip what it would drop. */
  keeps?: (el: string) => boolean;
  now: string;
}

/** Ownership after an Update from `old` to `next`; the same array when nothing changed. */
export function recordUpdate(ctx: WriteContext, old: JsonObject, next: JsonObject, managed: Managed[]): Managed[] {
  const diff = compare(ctx.type, old, next);
  // The comparison's sets are this function's own: merged by taking their nodes, not copying
  // them (a create's set is the whole object, and every pod and Event is created).
  diff.added.absorb(diff.modified);
  const changed = ctx.ignore(diff.added);
  const removed = ctx.ignore(diff.removed);
  if (changed.isEmpty() && removed.isEmpty()) return managed;
  const me = { manager: ctx.manager, operation: 'Update' as const, apiVersion: ctx.apiVersion, subresource: ctx.subresource };
  const out: Managed[] = [];
  let mine: FieldSet = new FieldSet();
  for (const m of managed) {
    if (sameOwner(m, me)) mine = m.set;
    // An entry that lost nothing is kept as read (differences would copy it to the same set).
    else if (readAsIs(m.set) && !m.set.overlaps(changed) && !m.set.overlaps(removed)) out.push(m);
    else out.push({ ...m, set: m.set.difference(changed).difference(removed) });
  }
  const set = mine.difference(removed);
  set.absorb(changed);
  set.absorb(ctx.ignore(newMaps(ctx.type, old, next, ctx.keeps)));
  out.push({ ...me, time: ctx.now, set: stripServerFields(set, true) });
  return out.filter((m) => !m.set.isEmpty()).map(cleanSubresource);
}

/**
 * recordUpdate(ctx, {}, next, []) for a create nobody owned fields of yet (every pod and Event):
 * the same entry from one walk of the object, without comparing it to nothing.
 */
export function recordCreate(ctx: WriteContext, next: JsonObject): Managed[] {
  const root = resolveType(ctx.type, next);
  // compare() treats `{}` as nothing only for a granular root; an atomic root takes the long way.
  if (isAtomic(root) || (root.kind !== 'struct' && root.kind !== 'map')) return recordUpdate(ctx, {}, next, []);
  const set = stripServerFields(ctx.ignore(createdFieldSet(ctx.type, next)), true);
  if (set.isEmpty()) return [];
  const me = { manager: ctx.manager, operation: 'Update' as const, apiVersion: ctx.apiVersion, subresource: ctx.subresource };
  return [cleanSubresource({ ...me, time: ctx.now, set })];
}

/** The object after applying `config` over `live`, and the ownership after it; throws ApplyConflictError. */
export function applyConfig(
  ctx: WriteContext,
  live: JsonObject,
  config: JsonObject,
  managed: Managed[],
  force: boolean,
): { object: JsonObject; managed: Managed[] } {
  const me = { manager: ctx.manager, operation: 'Apply' as const, apiVersion: ctx.apiVersion, subresource: ctx.subresource };
  const applied = stripServerFields(ctx.ignore(toFieldSet(ctx.type, config)));
  const previous = managed.find((m) => sameOwner(m, me));
  const merged = mergeApplied(ctx.type, live, config) as JsonObject;

  const others = managed.filter((m) => m !== previous);
  if (previous) {
    let owned = applied;
    for (const m of others) owned = owned.union(m.set);
    removeStale(ctx.type, merged, previous.set.difference(owned), owned);
  }

  const diff = compare(ctx.type, live, merged);
  const changed = ctx.ignore(diff.modified.union(diff.added));
  const removed = ctx.ignore(diff.removed);
  const conflicts: Conflict[] = [];
  for (const m of others) {
    const lost = m.set.intersection(changed);
    for (const path of lost.paths()) conflicts.push({ manager: strip(m), path });
  }
  if (conflicts.length && !force) throw new ApplyConflictError(conflicts);

  const out: Managed[] = others.map((m) => ({ ...m, set: m.set.difference(changed).difference(removed) }));
  const objectChanged = !changed.isEmpty() || !removed.isEmpty();
  const setChanged = !previous || !sameSet(previous.set, applied);
  const time = objectChanged || !previous?.time ? ctx.now : previous.time;
  if (!previous || objectChanged || setChanged) out.push({ ...me, time, set: applied });
  else out.push(previous);
  return { object: merged, managed: out.filter((m) => !m.set.isEmpty()).map(cleanSubresource) };
}

function strip(m: Managed): Omit<Managed, 'set'> {
  return { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion, time: m.time, subresource: m.subresource };
}

function cleanSubresource(m: Managed): Managed {
  if (m.subresource) return m;
  const out = { ...m };
  delete out.subresource;
  return out;
}

function sameSet(a: FieldSet, b: FieldSet): boolean {
  return a.difference(b).isEmpty() && b.difference(a).isEmpty();
}
