// metadata.managedFields: decoding and encoding the entries, and who owns what after an
// Update or an Apply (structured-merge-diff's Updater, with kube-apiserver's stripped fields).
import { isObject, type JsonObject } from '../json-value';
import { FieldSet, readFieldsV1, toFieldsV1 } from './field-set';

export type Operation = 'Apply' | 'Update';

/** One manager's ownership, decoded. */
export interface Managed {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

/** Entries are one per manager and operation (and apiVersion for updates), per subresource. */
export function sameOwner(a: Omit<Managed, 'set'>, b: Omit<Managed, 'set'>): boolean {
  return (
    a.manager === b.manager &&
    a.operation === b.operation &&
    (a.subresource ?? '') === (b.subresource ?? '') &&
    (a.operation === 'Apply' || a.apiVersion === b.apiVersion)
  );
}

// fieldsV1 read exactly as encoding its set would write it, by set: written again as it was read
// (every update rewrites each manager's entry, and most are unchanged). Nothing changes a decoded
// set in place: set operations return new sets.
const asRead = new WeakMap<FieldSet, JsonObject>();

/** Whether `set` was decoded here and is written back as it was read. */
export function readAsIs(set: FieldSet): boolean {
  return asRead.has(set);
}

/** Reads managedFields; entries without a manager or fields are dropped (`[{}]` resets them, as upstream). */
export function decodeManaged(entries: unknown): Managed[] {
  if (entries === undefined || entries === null) return [];
  if (!Array.isArray(entries)) throw new Error('managedFields must be a list');
  const out: Managed[] = [];
  for (const e of entries) {
    if (!isObject(e)) throw new Error('a managedFields entry must be an object');
    if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1') throw new Error(`unknown fieldsType ${JSON.stringify(e.fieldsType)}`);
    if (e.operation !== undefined && e.operation !== 'Apply' && e.operation !== 'Update') {
      throw new Error(`unknown operation ${JSON.stringify(e.operation)}`);
    }
    const { set, canonical } = e.fieldsV1 === undefined ? { set: new FieldSet(), canonical: false } : readFieldsV1(e.fieldsV1);
    if (set.isEmpty()) continue;
    if (canonical) asRead.set(set, e.fieldsV1 as JsonObject);
    out.push({
      manager: typeof e.manager === 'string' ? e.manager : '',
      operation: e.operation ?? 'Update',
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      ...(typeof e.time === 'string' ? { time: e.time } : {}),
      ...(typeof e.subresource === 'string' && e.subresource ? { subresource: e.subresource } : {}),
      set,
    });
  }
  return out;
}

/** The entries as stored: Apply before Update, then by time and manager, as upstream sorts them. */
export function encodeManaged(list: readonly Managed[]): JsonObject[] {
  const sorted = [...list].sort(
    (a, b) =>
      cmp(a.operation, b.operation) ||
      cmp(a.time ?? '', b.time ?? '') ||
      cmp(a.manager, b.manager) ||
      cmp(a.apiVersion, b.apiVersion) ||
      cmp(a.subresource ?? '', b.subresource ?? ''),
  );
  return sorted.map((m) => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: asRead.get(m.set) ?? toFieldsV1(m.set),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Fields no manager owns: set by the server, or identity (upstream's stripMeta). */
export function stripServerFields(set: FieldSet, inPlace = false): FieldSet {
  const out = inPlace ? set : set.clone();
  out.children.delete('f:apiVersion');
  out.children.delete('f:kind');
  const meta = out.child('f:metadata');
  if (meta) {
    meta.member = false;
    for (const f of ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'generation', 'managedFields', 'resourceVersion']) {
      meta.children.delete(`f:${f}`);
    }
    if (meta.isEmpty()) out.children.delete('f:metadata');
  }
  return out;
}

/** Upstream's wording for a manager in conflict messages. */
export function describeManager(m: Omit<Managed, 'set'>): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}
