// What the editor's Apply buttons need RBAC to allow: Apply replaces (update) an existing object
// and creates (create) a new one; server-side apply patches (create for a new object). Refused,
// the button is disabled with the reason instead of failing with a 403 after the user's edit.
import { accessQuery, type AccessQuery } from '../k8s/access';
import type { ApiResource } from '../k8s/types';
import { targetOf, type Target } from './manifest';
import { parseManifest } from './yaml-errors';
import type { EditorMode } from './submit';

/** [Apply's check, server-side apply's check], or none while the target is unknown. */
export function editorAccessQueries(mode: EditorMode, target: Target | undefined): AccessQuery[] {
  if (!target) return [];
  const { resource, namespace, name } = target;
  if (mode === 'create') {
    const create = accessQuery(resource, 'create', namespace);
    return [create, create];
  }
  return [accessQuery(resource, 'update', namespace, name), accessQuery(resource, 'patch', namespace, name)];
}

/** The object a create-mode text names (kind, namespace), or undefined while it names none. */
export function createTarget(text: string, resources: ApiResource[], defaultNs: string): Target | undefined {
  const parsed = parseManifest(text);
  if (parsed.errors.length || !parsed.value || typeof parsed.value !== 'object') return undefined;
  try {
    return targetOf(parsed.value as Record<string, unknown>, resources, defaultNs);
  } catch {
    return undefined; // the editor's own check reports what is wrong with the text
  }
}
