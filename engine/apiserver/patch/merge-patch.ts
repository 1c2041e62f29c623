// RFC 7386 JSON Merge Patch: objects merge recursively, null deletes, anything else replaces.
import { cloneJson, getOwn, isObject, setKey, type JsonObject } from './json-value';

/**
 * Returns the patched value; neither input is modified and the result shares nothing with them,
 * unless `owned` says `target` is the caller's private copy: then it is patched in place.
 */
export function applyMergePatch(target: unknown, patch: unknown, owned = false): unknown {
  return mergeInto(owned ? target : cloneJson(target), patch);
}

// `target` is owned (already a copy) and may be changed in place.
function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return cloneJson(patch);
  const out: JsonObject = isObject(target) ? target : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) delete out[key];
    else setKey(out, key, mergeInto(getOwn(out, key), value));
  }
  return out;
}
