// Upstream's local-path rules for paths inside volumes (kube-apiserver's core validation):
// ConfigMap/Secret/projected `items[].path`, downward API paths and token paths must be relative
// and contain no `..` element (nor start with `..`); `subPath`/`subPathExpr` must be relative
// without `..` elements; a hostPath may not contain `..` elements.
import type { FieldError } from '../types';
import { child, index, invalid, required } from './field-errors';
import type { Volume, VolumeMount, VolumeProjection } from '../../apimachinery/pod-types';

/** An item of a volume's items list as written: its fields are checked here. */
type PathItem = { key?: unknown; path?: unknown } | null;

/** No `..` element when split on '/'. One error is enough even for `../../..`. */
export function validatePathNoBacksteps(target: string, path: string): FieldError[] {
  return target.split('/').includes('..') ? [invalid(path, target, "must not contain '..'")] : [];
}

/** Relative, without `..` elements (subPath, subPathExpr). */
export function validateLocalDescendingPath(target: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(invalid(path, target, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(target, path));
  return errs;
}

/** As above and not starting with `..` either (the atomic writer keeps its own `..data` there). */
export function validateLocalNonReservedPath(target: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith('..') && !target.startsWith('../')) errs.push(invalid(path, target, "must not start with '..'"));
  return errs;
}

function keyToPaths(items: unknown, path: string): FieldError[] {
  if (!Array.isArray(items)) return [];
  const errs: FieldError[] = [];
  items.forEach((kp: PathItem, i) => {
    const p = index(path, i);
    if (!kp || typeof kp !== 'object') return;
    if (!kp.key) errs.push(required(child(p, 'key')));
    if (!kp.path) errs.push(required(child(p, 'path')));
    else if (typeof kp.path === 'string') errs.push(...validateLocalNonReservedPath(kp.path, child(p, 'path')));
  });
  return errs;
}

function downwardApiFiles(items: unknown, path: string): FieldError[] {
  if (!Array.isArray(items)) return [];
  const errs: FieldError[] = [];
  items.forEach((f: PathItem, i) => {
    const p = index(path, i);
    if (!f || typeof f !== 'object') return;
    if (!f.path) errs.push(required(child(p, 'path')));
    else if (typeof f.path === 'string') errs.push(...validateLocalNonReservedPath(f.path, child(p, 'path')));
  });
  return errs;
}

/** The paths inside one volume's source; `path` is the volume's own (e.g. spec.volumes[0]). */
export function validateVolumePaths(v: Volume, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (v.configMap) errs.push(...keyToPaths(v.configMap.items, child(child(path, 'configMap'), 'items')));
  if (v.secret) errs.push(...keyToPaths(v.secret.items, child(child(path, 'secret'), 'items')));
  if (v.downwardAPI) errs.push(...downwardApiFiles(v.downwardAPI.items, child(child(path, 'downwardAPI'), 'items')));
  if (typeof v.hostPath?.path === 'string') errs.push(...validatePathNoBacksteps(v.hostPath.path, child(child(path, 'hostPath'), 'path')));
  const sources = v.projected?.sources;
  if (Array.isArray(sources)) {
    sources.forEach((s: VolumeProjection | null, i) => {
      if (!s || typeof s !== 'object') return;
      const p = index(child(child(path, 'projected'), 'sources'), i);
      if (s.configMap) errs.push(...keyToPaths(s.configMap.items, child(child(p, 'configMap'), 'items')));
      if (s.secret) errs.push(...keyToPaths(s.secret.items, child(child(p, 'secret'), 'items')));
      if (s.downwardAPI) errs.push(...downwardApiFiles(s.downwardAPI.items, child(child(p, 'downwardAPI'), 'items')));
      for (const k of ['serviceAccountToken', 'clusterTrustBundle'] as const) {
        const tp = s[k]?.path;
        if (s[k] && !tp) errs.push(required(child(child(p, k), 'path')));
        else if (typeof tp === 'string') errs.push(...validateLocalNonReservedPath(tp, child(child(p, k), 'path')));
      }
    });
  }
  return errs;
}

/** subPath and subPathExpr of one volume mount at `p` (volumeMounts[i]); `list` is volumeMounts. */
export function validateMountSubPaths(m: VolumeMount, p: string, list: string): FieldError[] {
  const errs: FieldError[] = [];
  // Upstream names these fields on the list (`volumeMounts.subPath`), not on the item.
  if (typeof m.subPath === 'string' && m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, child(list, 'subPath')));
  if (typeof m.subPathExpr === 'string' && m.subPathExpr) {
    if (m.subPath) errs.push(invalid(child(p, 'subPathExpr'), m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
    errs.push(...validateLocalDescendingPath(m.subPathExpr, child(list, 'subPathExpr')));
  }
  return errs;
}
