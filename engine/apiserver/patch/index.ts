// Entry point for PATCH requests: picks the patch semantics from the Content-Type.
import type { SchemaNode } from '../../kinds/schema/schema-types';
import { PatchError, UnsupportedPatchError } from './errors';
import { applyJsonPatch } from './json-patch';
import { isObject } from './json-value';
import { applyMergePatch } from './merge-patch';
import { strategicMergePatch } from './strategic-merge';

export { GENERIC_INVALID_MESSAGE, PatchError, SUPPORTED_PATCH_TYPES, UnsupportedPatchError, type PatchErrorReason } from './errors';
export { applyJsonPatch, decodeJsonPatch, parseJsonPointer, MAX_JSON_PATCH_OPERATIONS, type JsonPatchOperation } from './json-patch';
export { applyMergePatch } from './merge-patch';
export { isDirectiveKey, strategicMergePatch } from './strategic-merge';

/** The media type without parameters, lower-cased (`application/merge-patch+json; charset=utf-8` → `application/merge-patch+json`). */
export function patchMediaType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

/**
 * Applies a PATCH body to `original` (not modified unless `owned`: the caller's private copy,
 * patched in place instead of copied, and not to be read after). `patchBody` may be parsed JSON
 * or the raw body (string / bytes). Throws PatchError (with the HTTP code to answer) or, for a
 * media type we do not apply (server-side apply included), UnsupportedPatchError (415).
 */
export function applyPatch(contentType: string, original: any, patchBody: any, schema?: SchemaNode, owned = false): any {
  const type = patchMediaType(contentType);
  switch (type) {
    case 'application/json-patch+json':
      return applyJsonPatch(original, decodeBody(patchBody), owned);
    case 'application/merge-patch+json': {
      const patch = decodeBody(patchBody);
      // RFC 7386 would let a non-object replace the whole object; for an API object that can only fail later.
      if (!isObject(patch)) throw PatchError.badRequest('Invalid JSON Patch');
      return applyMergePatch(original, patch, owned);
    }
    case 'application/strategic-merge-patch+json':
      return strategicMergePatch(original, decodeBody(patchBody), schema, owned);
    default:
      throw new UnsupportedPatchError(type);
  }
}

function decodeBody(body: unknown): unknown {
  let text: string | undefined;
  if (typeof body === 'string') text = body;
  else if (body instanceof Uint8Array) text = Buffer.from(body).toString('utf8');
  if (text === undefined) return body;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw PatchError.badRequest((err as Error).message);
  }
}
