// A custom kind's OpenAPI components as kube-apiserver publishes them for a CRD: the version's
// schema with apiVersion, kind and metadata (ObjectMeta) added and the group-version-kind
// extension, plus its List, named by the reversed group (`dev.skiff.stable.v1.Widget`).
import type { KindDef } from '../types';
import type { Json } from '../openapi/openapi-schemas';
import { META_PREFIX } from '../openapi/openapi-names';

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

/** `stable.skiff.dev` + v1 + Widget → `dev.skiff.stable.v1.Widget`. */
export function customSchemaName(def: Pick<KindDef, 'group' | 'version' | 'kind'>, suffix = ''): string {
  return `${def.group.split('.').reverse().join('.')}.${def.version}.${def.kind}${suffix}`;
}

export function customComponents(def: KindDef): Record<string, Json> {
  const gvk = (kind: string) => [{ group: def.group, kind, version: def.version }];
  const schema = structuredClone(def.customSchema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }) as Json;
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  schema.properties = {
    ...properties,
    apiVersion: {
      description: 'APIVersion defines the versioned schema of this representation of an object.',
      type: 'string',
    },
    kind: { description: 'Kind is a string value representing the REST resource this object represents.', type: 'string' },
    metadata: { allOf: [ref(`${META_PREFIX}.ObjectMeta`)], description: "Standard object's metadata." },
  };
  schema['x-kubernetes-group-version-kind'] = gvk(def.kind);
  const list: Json = {
    description: `${def.kind}List is a list of ${def.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      items: { type: 'array', items: ref(customSchemaName(def)) },
      kind: { type: 'string' },
      metadata: { allOf: [ref(`${META_PREFIX}.ListMeta`)] },
    },
    'x-kubernetes-group-version-kind': gvk(`${def.kind}List`),
  };
  return { [customSchemaName(def)]: schema, [customSchemaName(def, 'List')]: list };
}
