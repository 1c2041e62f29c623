// Server-set metadata on create and update, as kube-apiserver's generic registry does it.
import { randomUUID } from 'node:crypto';
import type { KindDef, KubeObject } from '../kinds/types';
import { randomNameSuffix } from '../kinds/name-suffix';

// Every write stamps a time or two and the text changes once a second: the last one is kept.
let lastSecond = NaN;
let lastText = '';

/** The time to the second, as Kubernetes writes metav1.Time (`2026-01-01T00:00:00Z`). */
export function rfc3339(d: Date): string {
  const second = Math.floor(d.getTime() / 1000);
  if (second !== lastSecond) {
    lastText = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    lastSecond = second;
  }
  return lastText;
}

export function apiVersionOf(def: KindDef): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** Fills uid, name from generateName, creationTimestamp, generation; clears what clients may not set. */
export function prepareCreateMeta(def: KindDef, obj: KubeObject, namespace: string | undefined, now: Date): void {
  const m = obj.metadata;
  if (!m.name && m.generateName) m.name = m.generateName + randomNameSuffix();
  if (def.namespaced) m.namespace = namespace;
  else delete m.namespace;
  m.uid = randomUUID();
  m.creationTimestamp = rfc3339(now);
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.managedFields;
  delete m.selfLink;
  if (tracksGeneration(def)) m.generation = 1;
  else delete m.generation;
}

/** Carries over what an update may not change and bumps generation on spec changes. */
export function prepareUpdateMeta(def: KindDef, obj: KubeObject, old: KubeObject): void {
  const m = obj.metadata;
  const o = old.metadata;
  m.name = o.name;
  if (def.namespaced) m.namespace = o.namespace;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  if (o.deletionTimestamp) {
    m.deletionTimestamp = o.deletionTimestamp;
    if (o.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  } else {
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
  }
  delete m.managedFields;
  delete m.selfLink;
  if (tracksGeneration(def)) {
    m.generation = (o.generation ?? 1) + (specChanged(obj, old) ? 1 : 0);
  } else {
    delete m.generation;
  }
}

function tracksGeneration(def: KindDef): boolean {
  if (def.customResource) return true;
  return Boolean(def.subresources.status) && def.kind !== 'Namespace' && def.kind !== 'Node';
}

function specChanged(a: KubeObject, b: KubeObject): boolean {
  const strip = ({ metadata: _m, status: _s, ...rest }: KubeObject) => rest;
  return !deepEqual(strip(a), strip(b));
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const oa = a as Record<string, unknown>;
  const ob = b as Record<string, unknown>;
  const ka = Object.keys(oa).filter((k) => oa[k] !== undefined);
  const kb = Object.keys(ob).filter((k) => ob[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual(oa[k], ob[k]));
}

/** A stored object as this kind's version presents it: converted when stored in another
 *  version, apiVersion and kind first (as real servers order them). */
export function withKind(def: KindDef, obj: KubeObject): KubeObject {
  const want = apiVersionOf(def);
  if (def.storage && obj.apiVersion && obj.apiVersion !== want) obj = def.storage.fromStored(obj);
  const { apiVersion: _a, kind: _k, metadata, ...rest } = obj;
  return { apiVersion: want, kind: def.kind, metadata, ...rest } as KubeObject;
}

/** The shape an object is stored in: the storage version's, apiVersion, kind and metadata first
 *  (list responses splice stored texts without parsing them). */
export function toStored(def: KindDef, obj: KubeObject): KubeObject {
  const shaped = def.storage ? def.storage.toStored(obj) : obj;
  const { apiVersion, kind, metadata, ...rest } = shaped;
  return { apiVersion: apiVersion ?? apiVersionOf(def), kind: kind ?? def.kind, metadata, ...rest } as KubeObject;
}
