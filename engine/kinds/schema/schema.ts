// Walkable schemas for every built-in type, derived from @kubernetes/client-node's generated
// models (see schema-source.ts), plus what the models lack: strategic-merge metadata
// (patch-metadata.ts) and which strings are quantities (schema-quantities.ts).
// Nodes are built on first use and cached, so start-up only pays for what is asked.
import type { SchemaField, SchemaNode } from './schema-types';
import { fileModelSource, type ModelSource } from './schema-source';
import { patchMetaFor } from '../patch-metadata';
import { isQuantityField } from './schema-quantities';

export type ObjectNode = Extract<SchemaNode, { type: 'object' }>;
export type ScalarType = Exclude<SchemaNode['type'], 'object' | 'map' | 'array'>;

/** A field as the registry resolves it: SchemaField plus what OpenAPI and decoding need. */
export interface ModelField extends SchemaField {
  /** JSON name. */
  readonly name: string;
  /** The model that declares the field. */
  readonly model: string;
  /** The generated model's type text, e.g. `Array<V1Container>`. */
  readonly tsType: string;
  /** OpenAPI format of the innermost value: int32, int64, double, byte, date-time, date-time-micro, int-or-string or ''. */
  readonly format: string;
  /** Declared required in the upstream spec. */
  readonly required: boolean;
}

export interface SchemaRegistry {
  /** The schema of a model such as 'V1Pod'; throws for an unknown model. */
  node(model: string): SchemaNode;
  has(model: string): boolean;
  /** The same fields as node(model).fields, with their ModelField extras. */
  fields(model: string): Record<string, ModelField>;
  /** The model's own description (what `kubectl explain` prints first). */
  description(model: string): string | undefined;
}

const scalars = new Map<ScalarType, SchemaNode>(
  (['string', 'integer', 'number', 'boolean', 'int-or-string', 'quantity', 'date-time', 'any'] as const).map((t) => [t, { type: t }]),
);
const scalar = (t: ScalarType): SchemaNode => scalars.get(t)!;

const ARRAY_TYPE = /^Array<(.+)>$/;
const MAP_TYPE = /^\{ \[key: string\]: (.+); \}$/;

export function createSchemaRegistry(opts: { source?: ModelSource } = {}): SchemaRegistry {
  const source = opts.source ?? fileModelSource();
  const nodes = new Map<string, ObjectNode>();

  function typeNode(tsType: string, format: string, quantity: boolean): SchemaNode {
    const arr = ARRAY_TYPE.exec(tsType);
    if (arr) return { type: 'array', items: typeNode(arr[1], format, quantity) };
    const map = MAP_TYPE.exec(tsType);
    if (map) return { type: 'map', values: typeNode(map[1], format, quantity) };
    switch (tsType) {
      case 'string':
        return scalar(quantity ? 'quantity' : 'string');
      case 'number':
        return scalar(format === 'int32' || format === 'int64' ? 'integer' : 'number');
      case 'boolean':
        return scalar('boolean');
      case 'Date':
        return scalar('date-time');
      case 'IntOrString':
        return scalar('int-or-string');
      case 'any':
      case 'object':
        return scalar('any');
    }
    return source.has(tsType) ? node(tsType) : scalar('any');
  }

  function makeField(model: string, attr: { name: string; baseName: string; type: string; format: string }): ModelField {
    let resolved: SchemaNode | undefined;
    const meta = patchMetaFor(model, attr.baseName);
    const field: ModelField = {
      name: attr.baseName,
      model,
      tsType: attr.type,
      format: attr.format,
      node: () => (resolved ??= typeNode(attr.type, attr.format, isQuantityField(model, attr.baseName))),
      ...(meta ? { patchStrategy: meta.patchStrategy } : {}),
      ...(meta?.patchMergeKey ? { patchMergeKey: meta.patchMergeKey } : {}),
      // Descriptions and required-ness come from the .d.ts, read only when someone asks.
      get description() {
        return source.docs(model)?.fields[attr.name];
      },
      get required() {
        return source.docs(model)?.required.has(attr.name) ?? false;
      },
    };
    return field;
  }

  function node(model: string): ObjectNode {
    let n = nodes.get(model);
    if (n) return n;
    const attrs = source.attributes(model);
    if (!attrs) throw new Error(`unknown schema model ${model}`);
    const fields: Record<string, ModelField> = {};
    for (const a of attrs) fields[a.baseName] = makeField(model, a);
    n = { type: 'object', model, fields };
    nodes.set(model, n);
    return n;
  }

  return {
    node,
    has: (model) => nodes.has(model) || source.has(model),
    fields: (model) => node(model).fields as Record<string, ModelField>,
    description: (model) => source.docs(model)?.description,
  };
}
