// Where each object lives in the store: /registry/<group>/<plural>/<namespace>/<name>
// (core group: /registry/<plural>/...). All versions of a kind share one key space, and so do
// kinds stored in another group's (events.k8s.io Events with core Events).
import type { KindDef, KubeObject } from '../kinds/types';
import type { KeyValue } from '../store/types';
import { apiVersionOf } from './object-meta';

/** The group whose key space holds this kind's objects (usually its own). */
export function storageGroup(def: KindDef): string {
  return def.storage?.group ?? def.group;
}

export function resourcePrefix(def: KindDef, namespace?: string): string {
  const group = storageGroup(def);
  const base = group ? `/registry/${group}/${def.plural}/` : `/registry/${def.plural}/`;
  return def.namespaced && namespace ? `${base}${namespace}/` : base;
}

export function objectKey(def: KindDef, namespace: string | undefined, name: string): string {
  return resourcePrefix(def, def.namespaced ? namespace : undefined) + name;
}

/** Parses a stored value and stamps the store's revision as resourceVersion. */
export function decodeObject(kv: KeyValue, rev = kv.modRevision): KubeObject {
  const obj = JSON.parse(kv.value) as KubeObject;
  obj.metadata.resourceVersion = String(rev);
  return obj;
}

/** How `def`'s version's objects begin as JSON: apiVersion, kind, then metadata's first key (stored objects are shaped so: toStored). */
export function jsonHead(def: KindDef): string {
  return `{"apiVersion":${JSON.stringify(apiVersionOf(def))},"kind":${JSON.stringify(def.kind)},"metadata":{`;
}

/**
 * The object `kv` holds as JSON with its resourceVersion, spliced into the stored text instead of
 * parsed and printed again; undefined when the text does not begin with `head` (jsonHead: stored
 * as another version of the kind).
 */
export function storedJson(kv: KeyValue, head: string): string | undefined {
  if (!kv.value.startsWith(head)) return undefined;
  const rest = kv.value.slice(head.length);
  return `${head}"resourceVersion":"${kv.modRevision}"${rest.startsWith('}') ? '' : ','}${rest}`;
}

/** Objects are stored without resourceVersion: the store's modRevision is the truth. */
export function encodeObject(obj: KubeObject): string {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return JSON.stringify({ ...obj, metadata });
}
