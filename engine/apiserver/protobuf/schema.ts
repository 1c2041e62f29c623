// Message schemas from the generated field table, and which message a group/version/kind is.
import { protoMessages, protoZeroHints } from './gen/fields';

export type FieldType = { scalar: string } | { message: string };

export interface FieldSchema {
  name: string;
  number: number;
  repeated: boolean;
  type: FieldType;
  /** Set for map<K,V> fields (entries are messages with key=1, value=2). */
  map?: { key: FieldType; value: FieldType };
  /** A scalar whose zero value Go's JSON omits (a non-pointer omitempty field). */
  omitZero: boolean;
}

export interface MessageSchema {
  name: string;
  byNumber: Map<number, FieldSchema>;
  byName: Map<string, FieldSchema>;
}

export type MessageTable = Record<string, string>;

const SCALARS = new Set([
  'string',
  'bytes',
  'bool',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'double',
  'float',
]);

/**
 * Creates a lookup over a table in the gen/fields.ts format; messages are parsed on first use.
 * zeroHints says the table marks every scalar whose zero value JSON omits; without it the
 * decoder falls back to dropping empty strings and keeping numeric zeros and false.
 */
export function createSchemas(table: MessageTable = protoMessages, zeroHints = table === protoMessages && protoZeroHints) {
  const cache = new Map<string, MessageSchema>();

  function typeOf(ref: string, pkg: string): FieldType {
    if (SCALARS.has(ref)) return { scalar: ref };
    return { message: ref.includes('.') ? ref : `${pkg}.${ref}` };
  }

  function message(name: string): MessageSchema | undefined {
    const hit = cache.get(name);
    if (hit) return hit;
    const spec = table[name];
    if (spec === undefined) return undefined;
    const pkg = name.slice(0, name.lastIndexOf('.'));
    const byNumber = new Map<number, FieldSchema>();
    const byName = new Map<string, FieldSchema>();
    for (const entry of spec.split(' ').filter(Boolean)) {
      const m = /^([^=]+)=(\d+):(.+?)([*?]?)$/.exec(entry);
      if (!m) throw new Error(`bad field entry "${entry}" in ${name}`);
      const [, fname, num, type, mark] = m;
      const field: FieldSchema = {
        name: fname,
        number: Number(num),
        repeated: mark === '*',
        omitZero: mark === '?',
        type: { scalar: 'bytes' },
      };
      const map = /^map<([^,]+),(.+)>$/.exec(type);
      if (map) field.map = { key: typeOf(map[1], pkg), value: typeOf(map[2], pkg) };
      else field.type = typeOf(type, pkg);
      byNumber.set(field.number, field);
      byName.set(field.name, field);
    }
    const schema = { name, byNumber, byName };
    cache.set(name, schema);
    return schema;
  }

  return { message, zeroHints, has: (name: string) => table[name] !== undefined, names: () => Object.keys(table) };
}

export type Schemas = ReturnType<typeof createSchemas>;

const metaPackage = 'k8s.io.apimachinery.pkg.apis.meta';
// Option kinds are registered in every group version (metav1.AddToGroupVersion), so a client may
// label a DeleteOptions body with the group of the resource it deletes.
const metaKindsInEveryGroup = new Set([
  'DeleteOptions',
  'CreateOptions',
  'UpdateOptions',
  'PatchOptions',
  'GetOptions',
  'ListOptions',
  'Status',
  'WatchEvent',
]);

/** The proto package of an API group: "" is core, "x.k8s.io" is x (first label), "meta.k8s.io" is apimachinery's meta. */
export function packageOf(group: string, version: string): string {
  if (group === '') return `k8s.io.api.core.${version}`;
  if (group === 'meta.k8s.io') return `${metaPackage}.${version}`;
  if (group === 'internal.apiserver.k8s.io') return `k8s.io.api.apiserverinternal.${version}`;
  const base = group.endsWith('.k8s.io') ? group.slice(0, -'.k8s.io'.length).split('.')[0] : group;
  return `k8s.io.api.${base}.${version}`;
}

/** Fully-qualified message for apiVersion + kind, or undefined when the table has no such message. */
export function messageForKind(schemas: Schemas, apiVersion: string, kind: string): string | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (!version || !kind || !/^[A-Za-z0-9]+$/.test(kind)) return undefined;
  const own = `${packageOf(group, version)}.${kind}`;
  if (schemas.has(own)) return own;
  const meta = `${metaPackage}.v1.${kind}`;
  if (metaKindsInEveryGroup.has(kind) && schemas.has(meta)) return meta;
  return undefined;
}
