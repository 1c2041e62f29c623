// Applies a mutating webhook's JSONPatch to the object being admitted, in place (admission
// plugins share one object), and re-applies the kind's defaults as upstream does after
// decoding the patched object. Returns whether anything changed (drives reinvocation).
import { applyJsonPatch } from '../../patch';
import { errors } from '../../status';
import type { KindDef, KubeObject } from '../../../kinds/types';
import { deepEqual } from '../../../kinds/validation/validation';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function applyWebhookPatch(webhook: string, def: KindDef, obj: KubeObject, patch: Buffer): boolean {
  let ops: unknown;
  try {
    ops = JSON.parse(patch.toString('utf8'));
  } catch (e) {
    throw errors.internal(`admission webhook ${JSON.stringify(webhook)} returned a patch that is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(ops)) throw errors.internal(`admission webhook ${JSON.stringify(webhook)} returned a patch that is not a JSON array`);
  if (ops.length === 0) return false;
  let next: unknown;
  try {
    next = applyJsonPatch(obj, ops);
  } catch (e) {
    throw errors.internal((e as Error).message);
  }
  if (!isObject(next) || !isObject(next.metadata)) {
    throw errors.internal(`admission webhook ${JSON.stringify(webhook)} returned a patch whose result is not a ${def.kind}`);
  }
  if ((obj.apiVersion !== undefined && next.apiVersion !== obj.apiVersion) || (obj.kind !== undefined && next.kind !== obj.kind)) {
    throw errors.internal(`admission webhook ${JSON.stringify(webhook)} may not change the object's apiVersion or kind`);
  }
  // The object is stored under the request's name and namespace: a patch may not move it.
  const meta = next.metadata as KubeObject['metadata'];
  if (meta.namespace !== obj.metadata.namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (obj.metadata.name && meta.name !== obj.metadata.name) {
    throw errors.badRequest(`admission webhook ${JSON.stringify(webhook)} may not change metadata.name`);
  }
  def.defaults?.(next as KubeObject);
  if (deepEqual(next, obj)) return false;
  for (const k of Object.keys(obj)) delete (obj as Record<string, unknown>)[k];
  Object.assign(obj, next);
  return true;
}
