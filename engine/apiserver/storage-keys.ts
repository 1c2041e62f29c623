// Where each object lives in the store: /registry/<group>/<plural>/<namespace>/<name>
// (core group: /registry/<plural>/...). All versions of a kind share one key space, and so do
// kinds stored in another group's (events.k8s.io Events with core Events).
import type { KindDef, KubeObject } from '../kinds/types';
import type { KeyValue } from '../store/types';

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

/** Objects are stored without resourceVersion: the store's modRevision is the truth. */
export function encodeObject(obj: KubeObject): string {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return JSON.stringify({ ...obj, metadata });
}
