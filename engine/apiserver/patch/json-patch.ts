// RFC 6902 JSON Patch. Error texts follow the JSON patch library the Kubernetes API server
// uses, since kubectl users compare them with what a real cluster prints.
import { PatchError } from './errors';
import { cloneJson, goJsonType, hasKey, isObject, jsonEqual, setKey, type JsonObject } from './json-value';

export interface JsonPatchOperation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

/** Upstream refuses longer patches with 413 (they are expensive to apply). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** Splits an RFC 6901 pointer into unescaped tokens; undefined when it is not a pointer. */
export function parseJsonPointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  // ~1 first, so that "~01" decodes to "~1" and not "/".
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = JsonObject | unknown[];

/** Where a pointer lands: its parent container (if it exists) and the last token. */
interface Location {
  parent: Container | undefined;
  key: string;
}

function arrayIndex(key: string, length: number, allowEnd: boolean): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(key)) return undefined;
  const i = Number(key);
  return i < length || (allowEnd && i === length) ? i : undefined;
}

function child(container: unknown, key: string): unknown {
  if (Array.isArray(container)) {
    const i = arrayIndex(key, container.length, false);
    return i === undefined ? undefined : container[i];
  }
  if (isObject(container)) return hasKey(container, key) ? container[key] : undefined;
  return undefined;
}

/**
 * Applies a JSON patch to a copy of `doc`; throws PatchError. `doc` is not modified, unless
 * `owned` says it is the caller's private copy (dropped when the patch fails): then it is
 * patched in place rather than copied again.
 */
export function applyJsonPatch(doc: unknown, patch: unknown, owned = false): unknown {
  const ops = decodeJsonPatch(patch);
  const holder: { root: unknown } = { root: owned ? doc : cloneJson(doc) };

  const locate = (path: string): Location | undefined => {
    const tokens = parseJsonPointer(path);
    if (!tokens || tokens.length === 0) return undefined;
    let node: unknown = holder.root;
    for (const t of tokens.slice(0, -1)) {
      node = child(node, t);
      if (node === undefined) return undefined;
    }
    const parent = Array.isArray(node) || isObject(node) ? node : undefined;
    return { parent, key: tokens[tokens.length - 1] };
  };

  const get = (path: string): { found: boolean; value?: unknown } => {
    if (path === '') return { found: true, value: holder.root };
    const loc = locate(path);
    if (!loc?.parent) return { found: false };
    const value = child(loc.parent, loc.key);
    return value === undefined ? { found: false } : { found: true, value };
  };

  // Inserts (arrays) or sets (objects); false when the destination does not exist.
  const add = (path: string, value: unknown): boolean => {
    if (path === '') {
      holder.root = value;
      return true;
    }
    const loc = locate(path);
    if (!loc?.parent) return false;
    if (Array.isArray(loc.parent)) {
      const i = loc.key === '-' ? loc.parent.length : arrayIndex(loc.key, loc.parent.length, true);
      if (i === undefined) throw invalidIndex(loc.key);
      loc.parent.splice(i, 0, value);
    } else {
      setKey(loc.parent, loc.key, value);
    }
    return true;
  };

  const remove = (path: string, opName: string): unknown => {
    const loc = locate(path);
    if (!loc?.parent) {
      throw PatchError.unprocessable(`${opName} operation does not apply: doc is missing path: "${path}": missing value`);
    }
    if (Array.isArray(loc.parent)) {
      const i = arrayIndex(loc.key, loc.parent.length, false);
      if (i === undefined) throw PatchError.unprocessable(`error in ${opName} for path: '${path}': ${invalidIndex(loc.key).message}`);
      return loc.parent.splice(i, 1)[0];
    }
    if (!hasKey(loc.parent, loc.key)) {
      throw PatchError.unprocessable(`error in ${opName} for path: '${path}': Unable to remove nonexistent key: ${loc.key}: missing value`);
    }
    const old = loc.parent[loc.key];
    delete loc.parent[loc.key];
    return old;
  };

  for (const op of ops) {
    switch (op.op) {
      case 'add':
        if (!add(op.path, cloneJson(op.value))) {
          throw PatchError.unprocessable(`add operation does not apply: doc is missing path: "${op.path}": missing value`);
        }
        break;
      case 'remove':
        if (op.path === '') throw PatchError.unprocessable('remove operation does not apply: doc is missing path: "": missing value');
        remove(op.path, 'remove');
        break;
      case 'replace': {
        if (op.path === '') {
          holder.root = cloneJson(op.value);
          break;
        }
        const loc = locate(op.path);
        if (!loc?.parent) {
          throw PatchError.unprocessable(`replace operation does not apply: doc is missing path: ${op.path}: missing value`);
        }
        if (child(loc.parent, loc.key) === undefined) {
          throw PatchError.unprocessable(`replace operation does not apply: doc is missing key: ${op.path}: missing value`);
        }
        if (Array.isArray(loc.parent)) loc.parent[Number(loc.key)] = cloneJson(op.value);
        else setKey(loc.parent, loc.key, cloneJson(op.value));
        break;
      }
      case 'move':
      case 'copy': {
        const from = op.from as string;
        const src = get(from);
        if (!src.found) {
          throw PatchError.unprocessable(`${op.op} operation does not apply: doc is missing from path: ${from}: missing value`);
        }
        if (op.op === 'move' && op.path !== from && op.path.startsWith(`${from}/`)) {
          throw PatchError.unprocessable(`move operation does not apply: cannot move ${from} into its own child ${op.path}`);
        }
        if (op.op === 'move' && op.path === from) break;
        const value = op.op === 'move' ? remove(from, 'move') : cloneJson(src.value);
        if (!add(op.path, value)) {
          throw PatchError.unprocessable(`${op.op} operation does not apply: doc is missing destination path: ${op.path}: missing value`);
        }
        break;
      }
      case 'test': {
        const cur = get(op.path);
        const expected = op.value ?? null;
        const ok = cur.found ? jsonEqual(cur.value, expected) : expected === null;
        if (!ok) throw PatchError.unprocessable(`testing value ${op.path} failed: test failed`);
        break;
      }
      default:
        throw PatchError.unprocessable(`Unexpected kind: ${op.op}`);
    }
  }
  return holder.root;
}

function invalidIndex(key: string): PatchError {
  return PatchError.unprocessable(`Unable to access invalid index: ${key}: invalid index referenced`);
}

/** Checks the patch document's shape (400 when malformed, 413 when too long). */
export function decodeJsonPatch(patch: unknown): JsonPatchOperation[] {
  if (!Array.isArray(patch)) {
    throw PatchError.badRequest(`json: cannot unmarshal ${goJsonType(patch)} into Go value of type jsonpatch.Patch`);
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got: ${patch.length}`,
      413,
      'RequestEntityTooLarge',
    );
  }
  return patch.map((raw): JsonPatchOperation => {
    if (!isObject(raw)) {
      throw PatchError.badRequest(`json: cannot unmarshal ${goJsonType(raw)} into Go value of type jsonpatch.Operation`);
    }
    const op = typeof raw.op === 'string' ? raw.op : 'unknown';
    if (typeof raw.path !== 'string') {
      throw PatchError.unprocessable(`${op} operation failed to decode path: operation missing path field: missing value`);
    }
    if ((op === 'move' || op === 'copy') && typeof raw.from !== 'string') {
      throw PatchError.unprocessable(`${op} operation failed to decode from: operation, missing from field: missing value`);
    }
    if ((op === 'add' || op === 'replace') && !hasKey(raw, 'value')) {
      throw PatchError.unprocessable(`${op} operation, missing value field: missing value`);
    }
    const paths = [raw.path, ...(typeof raw.from === 'string' ? [raw.from] : [])];
    for (const p of paths) {
      if (parseJsonPointer(p) === undefined) {
        throw PatchError.unprocessable(`${op} operation does not apply: doc is missing path: "${p}": missing value`);
      }
    }
    return { op, path: raw.path, value: raw.value, from: raw.from as string | undefined };
  });
}
