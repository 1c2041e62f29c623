// Upstream OpenAPI names for client-node models: V1Pod → io.k8s.api.core.v1.Pod,
// V1ObjectMeta → io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta. A model name carries
// its version but not its group, so a type is given the group of the first served kind
// that reaches it (core kinds first), unless it is a meta type or its name says its group.
import type { KindDef } from '../types';
import type { SchemaNode } from '../schema/schema-types';
import type { SchemaRegistry } from '../schema/schema';
import { goStructName } from '../schema/strict-decode';

const META_TYPES = new Set([
  'ObjectMeta',
  'ListMeta',
  'LabelSelector',
  'LabelSelectorRequirement',
  'OwnerReference',
  'ManagedFieldsEntry',
  'Status',
  'StatusDetails',
  'StatusCause',
  'DeleteOptions',
  'Preconditions',
  'Condition',
  'APIResource',
  'APIResourceList',
  'APIGroup',
  'APIGroupList',
  'APIVersions',
  'GroupVersionForDiscovery',
  'ServerAddressByClientCIDR',
  'WatchEvent',
  'FieldSelectorRequirement',
]);

// Models the generator prefixed because two groups define a type of that name.
const PREFIX_GROUPS: Record<string, string> = {
  Admissionregistration: 'admissionregistration.k8s.io',
  Apiextensions: 'apiextensions.k8s.io',
  Apiregistration: 'apiregistration.k8s.io',
  Authentication: 'authentication.k8s.io',
  Core: '',
  Discovery: 'discovery.k8s.io',
  Events: 'events.k8s.io',
  Flowcontrol: 'flowcontrol.apiserver.k8s.io',
  Rbac: 'rbac.authorization.k8s.io',
  Storage: 'storage.k8s.io',
};

// Roots walked besides the served kinds, so shared types get their home group even when
// that group's kind is not served (PodTemplateSpec in apps) or is a subresource (Scale).
const EXTRA_ROOTS: { model: string; group: string }[] = [
  { model: 'V1PodTemplate', group: '' },
  { model: 'V1PersistentVolumeClaim', group: '' },
  { model: 'V1ObjectReference', group: '' },
  { model: 'V1Binding', group: '' },
  { model: 'V1Scale', group: 'autoscaling' },
  { model: 'V1Eviction', group: 'policy' },
];

const MODEL_NAME = /^([A-Z][a-z]+)?(V\d+(?:(?:alpha|beta)\d+)?)([A-Z]\w*)$/;

export const META_PREFIX = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** The version part of a model name: V1beta1Foo → v1beta1. */
export function modelVersion(model: string): string {
  const m = MODEL_NAME.exec(model);
  return m ? m[2].toLowerCase() : 'v1';
}

/** The package prefix upstream uses for an API group's types (without the version). */
export function groupPackage(group: string): string {
  if (group === '') return 'io.k8s.api.core';
  if (group === 'apiextensions.k8s.io') return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions';
  if (group === 'apiregistration.k8s.io') return 'io.k8s.kube-aggregator.pkg.apis.apiregistration';
  if (group === 'internal.apiserver.k8s.io') return 'io.k8s.api.apiserverinternal';
  if (!group.includes('.')) return `io.k8s.api.${group}`;
  if (group.endsWith('.k8s.io')) return `io.k8s.api.${group.split('.')[0]}`;
  // Custom groups: reversed domain, as kube-apiserver names CRD schemas.
  return group.split('.').reverse().join('.');
}

export interface SchemaNamer {
  /** Full component name of a model, e.g. io.k8s.api.apps.v1.Deployment. */
  name(model: string): string;
}

export function createSchemaNamer(reg: SchemaRegistry, kinds: KindDef[]): SchemaNamer {
  let owners: Map<string, string> | undefined;

  // Breadth-first from each kind's model; the first group to reach a type owns it.
  function computeOwners(): Map<string, string> {
    const map = new Map<string, string>();
    const all = [...kinds, ...EXTRA_ROOTS];
    const ordered = [...all.filter((k) => k.group === ''), ...all.filter((k) => k.group !== '')];
    for (const k of ordered) {
      const queue = [k.model, `${k.model}List`].filter((m) => reg.has(m));
      const seen = new Set(queue);
      while (queue.length) {
        const model = queue.shift()!;
        if (!map.has(model)) map.set(model, k.group);
        for (const f of Object.values(reg.fields(model))) {
          for (const m of modelsIn(f.node())) if (!seen.has(m)) (seen.add(m), queue.push(m));
        }
      }
    }
    return map;
  }

  return {
    name(model) {
      if (model === 'VersionInfo') return 'io.k8s.apimachinery.pkg.version.Info';
      const m = MODEL_NAME.exec(model);
      if (!m) return `io.k8s.api.core.v1.${model}`;
      const [, prefix, version, rest] = m;
      const type = goStructName(model);
      if (prefix && prefix in PREFIX_GROUPS) return `${groupPackage(PREFIX_GROUPS[prefix])}.${version.toLowerCase()}.${rest}`;
      if (version === 'V1' && META_TYPES.has(type)) return `${META_PREFIX}.${type}`;
      owners ??= computeOwners();
      const group = owners.get(model) ?? '';
      return `${groupPackage(group)}.${version.toLowerCase()}.${type}`;
    },
  };
}

/** Models referenced directly by a node (through arrays and maps). */
export function modelsIn(node: SchemaNode): string[] {
  if (node.type === 'object') return [node.model];
  if (node.type === 'array') return modelsIn(node.items);
  if (node.type === 'map') return modelsIn(node.values);
  return [];
}
