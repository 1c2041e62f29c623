// Field management for every write (kube-apiserver's fieldmanager): records Update operations in
// metadata.managedFields as objects are created and changed, and runs server-side apply over the
// pure logic in patch/apply/. Resource types come from the kinds' schemas, built once per kind.
import type { KindDef, KubeObject } from '../kinds/types';
import type { SchemaNode } from '../kinds/schema/schema-types';
import type { ApplyType } from './patch/apply/apply-type';
import { fromCustomSchema, fromSchemaNode } from './patch/apply/schema-adapters';
import { decodeManaged, encodeManaged, type Managed } from './patch/apply/managed-fields';
import { applyConfig, recordCreate, recordUpdate, type WriteContext } from './patch/apply/ownership';
import type { FieldSet } from './patch/apply/field-set';
import { apiVersionOf, rfc3339 } from './object-meta';
import { listFreeShape } from './patch/apply/list-free-shape';
import type { JsonObject } from './patch/json-value';
import { freezeUnderTests } from './shared-copy';

export interface TrackOptions {
  /** Who writes (the fieldManager parameter, or derived from the User-Agent). */
  manager?: string;
  subresource?: string;
  /** managedFields the client sent in the body (taken as given when a non-empty list). */
  sent?: unknown;
  /** managedFields an apply already computed: stored as they are. */
  applied?: unknown[];
}

export type FieldManager = ReturnType<typeof createFieldManager>;

/** Shapes remembered per kind (objects of many shapes, e.g. ConfigMaps, start it over). */
const MAX_SHAPES = 256;

export function createFieldManager(deps: { schemaOf(model: string): SchemaNode | undefined; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const types = new WeakMap<KindDef, ApplyType>();
  const memo = new WeakMap<object, ApplyType>();

  function typeOf(def: KindDef): ApplyType {
    let t = types.get(def);
    if (!t) {
      t = def.customResource
        ? fromCustomSchema(def.customSchema, fromSchemaNode(deps.schemaOf('V1ObjectMeta'), memo))
        : fromSchemaNode(deps.schemaOf(def.model), memo);
      types.set(def, t);
    }
    return t;
  }

  function context(def: KindDef, manager: string, subresource: string | undefined): WriteContext {
    const resetsStatus = Boolean(def.subresources.status) && def.kind !== 'Namespace';
    // The top-level fields this endpoint writes: /status only status (and metadata), the main
    // resource all but the status it resets.
    const keeps =
      subresource === 'status'
        ? (el: string) => el === 'f:status' || el === 'f:metadata'
        : !subresource && resetsStatus
          ? (el: string) => el !== 'f:status'
          : undefined;
    const ignore = (set: FieldSet): FieldSet => {
      if (!keeps || (subresource !== 'status' && !set.child('f:status'))) return set;
      const out = set.clone();
      for (const el of [...out.children.keys()]) if (!keeps(el)) out.children.delete(el);
      return out;
    };
    return { type: typeOf(def), manager, apiVersion: apiVersionOf(def), subresource, ignore, keeps, now: rfc3339(now()) };
  }

  function decodeOr(entries: unknown, fallback: () => Managed[]): Managed[] {
    try {
      return decodeManaged(entries);
    } catch {
      // Unreadable managedFields are reset, as upstream does rather than failing the write.
      return fallback();
    }
  }

  /** Sets obj.metadata.managedFields for a create (old undefined) or an update of the main resource or a subresource. */
  function track(def: KindDef, old: KubeObject | undefined, obj: KubeObject, opts: TrackOptions): void {
    if (opts.applied) {
      obj.metadata = { ...obj.metadata, managedFields: opts.applied };
      return;
    }
    const sent = !opts.subresource && Array.isArray(opts.sent) && opts.sent.length > 0;
    // Nobody to record and nothing sent: ownership stays as stored (none on a create), undecoded.
    if (!opts.manager && !sent) return setManaged(obj, old?.metadata.managedFields);
    if (opts.manager && !old && !sent) {
      const created = createdEntries(def, opts.manager, opts.subresource, obj);
      if (created) return setManaged(obj, created.length ? created : undefined);
    }
    const previous = () => decodeOr(old?.metadata.managedFields, () => []);
    const base = sent ? decodeOr(opts.sent, previous) : previous();
    let managed = base;
    if (opts.manager) {
      try {
        const ctx = context(def, opts.manager, opts.subresource);
        managed = !old && !base.length ? recordCreate(ctx, bare(obj)!) : recordUpdate(ctx, bare(old) ?? {}, bare(obj)!, base);
      } catch {
        // An object the field sets cannot describe (duplicate list keys the kind's validation
        // allows) keeps the ownership it had: the write itself must not fail, as upstream.
        managed = base;
      }
    }
    if (managed === base && !sent && old) return setManaged(obj, old.metadata.managedFields);
    const encoded = encodeManaged(managed);
    setManaged(obj, encoded.length ? encoded : undefined);
  }

  // A create's entries by writer and list-free shape (list-free-shape.ts), per kind: a recorder
  // creates thousands of Events of one shape, whose entries differ only by their time.
  const createdByShape = new WeakMap<KindDef, Map<string, JsonObject[]>>();

  /** The entries a create of `obj` records, from an earlier create of its shape; undefined when it has lists. */
  function createdEntries(def: KindDef, manager: string, subresource: string | undefined, obj: KubeObject): JsonObject[] | undefined {
    const shape = listFreeShape(bare(obj));
    if (shape === undefined) return undefined;
    let byShape = createdByShape.get(def);
    if (!byShape) createdByShape.set(def, (byShape = new Map<string, JsonObject[]>()));
    const key = `${manager}\u0000${subresource ?? ''}\u0000${shape}`;
    let entries = byShape.get(key);
    if (!entries) {
      let managed: Managed[] = [];
      try {
        managed = recordCreate(context(def, manager, subresource), bare(obj)!);
      } catch {
        // As track: ownership the field sets cannot describe is not recorded.
      }
      entries = encodeManaged(managed);
      // Shared by every object of the shape: nobody may change them.
      for (const e of entries) freezeUnderTests(e);
      if (byShape.size >= MAX_SHAPES) byShape.clear();
      byShape.set(key, entries);
    }
    const time = rfc3339(now());
    return entries.map((e) => (e.time === undefined ? e : { ...e, time }));
  }

  /** Server-side apply of `config` over `live` (undefined when creating): the new object, managedFields set. */
  function apply(
    def: KindDef,
    live: KubeObject | undefined,
    config: KubeObject,
    o: { manager: string; force: boolean; subresource?: string },
  ) {
    const ctx = context(def, o.manager, o.subresource);
    const managed = decodeOr(live?.metadata.managedFields, () => []);
    const result = applyConfig(ctx, bare(live) ?? {}, config, managed, o.force);
    const object = result.object as KubeObject;
    const managedFields = encodeManaged(result.managed);
    return { object, managedFields };
  }

  return { track, apply, typeOf };
}

/** Sets (or, given undefined, removes) managedFields on a copy of the metadata. A new object
 *  rather than `delete`, which would leave the metadata slow to read and serialise. */
function setManaged(obj: KubeObject, managedFields: unknown): void {
  if (managedFields !== undefined) {
    obj.metadata = { ...obj.metadata, managedFields: managedFields as KubeObject['metadata']['managedFields'] };
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- a rest copy drops the field; `delete` would leave the metadata in V8's slow dictionary mode
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  obj.metadata = metadata;
}

/** The object without managedFields (a shallow copy), as ownership is computed over. */
function bare(obj: KubeObject | undefined): KubeObject | undefined {
  if (!obj) return undefined;
  if (!obj.metadata || obj.metadata.managedFields === undefined) return obj;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the rest copy is the point
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** The default field manager for a request without one: the User-Agent up to its first '/', as upstream. */
export function managerFromUserAgent(userAgent: string | undefined): string | undefined {
  const prefix = (userAgent ?? '').split('/')[0].trim();
  return prefix ? prefix.slice(0, 128) : undefined;
}
