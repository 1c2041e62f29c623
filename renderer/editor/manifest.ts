// From editor text to a request: which resource the object belongs to, and its YAML form.
import { parseDocument, stringify } from 'yaml';
import { findByKind } from '../k8s/resources';
import type { ApiResource, KubeObject } from '../k8s/types';

export interface Target {
  resource: ApiResource;
  namespace: string;
  name: string;
}

export class ManifestError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Where an object goes: its kind from discovery, its namespace (or the default one). */
export function targetOf(obj: Record<string, any>, resources: ApiResource[], defaultNamespace: string): Target {
  if (typeof obj.apiVersion !== 'string' || !obj.apiVersion) throw new ManifestError('apiVersion is missing (e.g. apps/v1).', 'apiVersion');
  if (typeof obj.kind !== 'string' || !obj.kind) throw new ManifestError('kind is missing (e.g. Deployment).', 'kind');
  const resource = findByKind(resources, obj.apiVersion, obj.kind);
  if (!resource)
    throw new ManifestError(
      `This cluster does not serve kind ${obj.kind} in ${obj.apiVersion}. Check apiVersion and kind (All kinds in the sidebar lists what it serves).`,
      'kind',
    );
  const name = obj.metadata?.name;
  if (typeof name !== 'string' || !name) throw new ManifestError('metadata.name is missing.', 'metadata');
  const namespace = resource.namespaced ? obj.metadata?.namespace || defaultNamespace || 'default' : '';
  return { resource, namespace, name };
}

/** YAML of a live object, without the noise kubectl edit hides too (managedFields). */
export function toYaml(obj: KubeObject | undefined): string {
  if (!obj) return '';
  const copy = structuredClone(obj);
  delete copy.metadata?.managedFields;
  return stringify(copy, { lineWidth: 0 });
}

/** Sets metadata.resourceVersion in the user's text, keeping the rest (comments, order). */
export function withResourceVersion(text: string, rv: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length) return text;
  doc.setIn(['metadata', 'resourceVersion'], rv);
  return doc.toString({ lineWidth: 0 });
}
