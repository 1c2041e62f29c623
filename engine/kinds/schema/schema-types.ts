// A walkable view of a kind's schema, derived from @kubernetes/client-node's generated
// models (engine/kinds/schema/schema.ts). Strict decoding, strategic merge and OpenAPI read it.

export type SchemaNode =
  | { type: 'object'; model: string; fields: Record<string, SchemaField> }
  | { type: 'map'; values: SchemaNode }
  | { type: 'array'; items: SchemaNode }
  | { type: 'string' | 'integer' | 'number' | 'boolean' | 'int-or-string' | 'quantity' | 'date-time' | 'any' };

export interface SchemaField {
  /** Resolved lazily so recursive types (JSONSchemaProps) work. */
  node(): SchemaNode;
  /** Strategic-merge patch metadata (as x-kubernetes-patch-strategy / -merge-key). */
  patchStrategy?: 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace';
  patchMergeKey?: string;
  description?: string;
}
