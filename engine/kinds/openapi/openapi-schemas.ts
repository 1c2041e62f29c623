// components.schemas for one OpenAPI v3 document: every type reachable from the document's
// roots, shaped as kube-apiserver publishes them (properties with `allOf: [{$ref}]` when a
// reference has siblings, x-kubernetes-patch-* for strategic merge, GVK extensions on kinds).
import type { SchemaNode } from '../schema/schema-types';
import type { ModelField, SchemaRegistry } from '../schema/schema';
import { META_PREFIX, type SchemaNamer } from './openapi-names';

export type Json = Record<string, unknown>;
export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export const REF_PREFIX = '#/components/schemas/';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const TIME = `${META_PREFIX}.Time`;
const MICRO_TIME = `${META_PREFIX}.MicroTime`;
export const PATCH = `${META_PREFIX}.Patch`;

// Types that have no client-node model (the generator inlines them); described here in our words.
const FIXED_SCHEMAS: Record<string, Json> = {
  [INT_OR_STRING]: {
    description: 'IntOrString holds either a 32-bit integer or a string, e.g. a port number or a port name, or "25%".',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
  },
  [QUANTITY]: {
    description:
      'Quantity is a fixed-point number with an optional SI or binary suffix, e.g. "100m" (0.1), "1.5", "128Mi" or "2G". In JSON it is written as a string; plain numbers are also accepted.',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  [TIME]: {
    description: 'Time is a timestamp in RFC 3339 form with second precision, written as a string such as "2024-05-01T12:00:00Z".',
    type: 'string',
    format: 'date-time',
  },
  [MICRO_TIME]: {
    description: 'MicroTime is a timestamp in RFC 3339 form with microsecond precision.',
    type: 'string',
    format: 'date-time',
  },
  [PATCH]: {
    description:
      'Patch is the body of a PATCH request; its form depends on the Content-Type (JSON patch, merge patch, strategic merge patch or apply configuration).',
    type: 'object',
  },
};

export const ref = (name: string): Json => ({ $ref: `${REF_PREFIX}${name}` });

export interface SchemaCollector {
  /** A `$ref` to the model's component, adding it (and what it reaches) to the document. */
  refTo(model: string): Json;
  /** A `$ref` to one of the fixed components (e.g. PATCH). */
  refFixed(name: string): Json;
  /** Every component added so far, sorted by name. */
  components(): Record<string, Json>;
}

export function createSchemaCollector(reg: SchemaRegistry, namer: SchemaNamer, gvkOf: (model: string) => Gvk[]): SchemaCollector {
  const out = new Map<string, Json>();
  const pending: string[] = [];
  const queued = new Set<string>();

  function fixedRef(name: string): Json {
    if (!out.has(name)) out.set(name, FIXED_SCHEMAS[name]);
    return ref(name);
  }

  function modelRef(model: string): Json {
    if (!queued.has(model)) (queued.add(model), pending.push(model));
    return ref(namer.name(model));
  }

  // The schema of a value with no siblings: refs stay bare.
  function valueSchema(node: SchemaNode, format: string): Json {
    switch (node.type) {
      case 'object':
        return modelRef(node.model);
      case 'array':
        return { type: 'array', items: valueSchema(node.items, format) };
      case 'map':
        return { type: 'object', additionalProperties: valueSchema(node.values, format) };
      case 'string':
        return format === 'byte' ? { type: 'string', format: 'byte' } : { type: 'string' };
      case 'integer':
        return { type: 'integer', format: format === 'int64' ? 'int64' : 'int32' };
      case 'number':
        return { type: 'number', format: 'double' };
      case 'boolean':
        return { type: 'boolean' };
      case 'int-or-string':
        return fixedRef(INT_OR_STRING);
      case 'quantity':
        return fixedRef(QUANTITY);
      case 'date-time':
        return fixedRef(format === 'date-time-micro' ? MICRO_TIME : TIME);
      case 'any':
        return { 'x-kubernetes-preserve-unknown-fields': true };
    }
  }

  function property(f: ModelField): Json {
    const node = f.node();
    const value = valueSchema(node, f.format);
    const extras: Json = {};
    // The generated models keep no description for fields of a model type; the type's own
    // description is the closest text (explain would otherwise print "<no description>").
    const description = f.description ?? (node.type === 'object' ? reg.description(node.model) : undefined);
    if (description) extras.description = description;
    if (f.patchMergeKey) extras['x-kubernetes-patch-merge-key'] = f.patchMergeKey;
    if (f.patchStrategy) extras['x-kubernetes-patch-strategy'] = f.patchStrategy;
    if (node.type === 'int-or-string') extras['x-kubernetes-int-or-string'] = true;
    if (!Object.keys(extras).length) return value;
    // kube-openapi's v3 convention: a reference with siblings is wrapped in allOf.
    return '$ref' in value ? { allOf: [value], ...extras } : { ...value, ...extras };
  }

  function modelSchema(model: string): Json {
    const fields = reg.fields(model);
    const schema: Json = {};
    const description = reg.description(model);
    if (description) schema.description = description;
    schema.type = 'object';
    const required = Object.values(fields)
      .filter((f) => f.required)
      .map((f) => f.name)
      .sort();
    if (required.length) schema.required = required;
    schema.properties = Object.fromEntries(
      Object.keys(fields)
        .sort()
        .map((k) => [k, property(fields[k])]),
    );
    const gvks = gvkOf(model);
    if (gvks.length) schema['x-kubernetes-group-version-kind'] = gvks;
    return schema;
  }

  function drain() {
    while (pending.length) {
      const model = pending.shift()!;
      out.set(namer.name(model), modelSchema(model));
    }
  }

  return {
    refTo: modelRef,
    refFixed: fixedRef,
    components() {
      drain();
      return Object.fromEntries([...out.keys()].sort().map((k) => [k, out.get(k)!]));
    },
  };
}
