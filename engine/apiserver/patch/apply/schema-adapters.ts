// ApplyTypes from the schemas Skiff has: built-in kinds' SchemaNodes (list types from their
// strategic-merge metadata, as upstream's OpenAPI derives x-kubernetes-list-type from the same
// struct tags) and CRDs' structural schemas (x-kubernetes-list-type / -map-keys / -map-type).
import type { SchemaNode } from '../../../kinds/schema/schema-types';
import type { StructuralSchema } from '../../../kinds/custom/structural-schema';
import { type ApplyType, DEDUCED, SCALAR } from './apply-type';

// Structs upstream marks `+structType=atomic`: owned and replaced whole.
const ATOMIC_MODELS = new Set([
  'V1LabelSelector',
  'V1LocalObjectReference',
  'V1ObjectReference',
  'V1NodeSelector',
  'V1NodeSelectorTerm',
  'V1ConfigMapKeySelector',
  'V1SecretKeySelector',
  'V1ObjectFieldSelector',
  'V1ResourceFieldSelector',
  'V1TypedLocalObjectReference',
]);

// Lists upstream keys by more fields than their strategic-merge key, with the key defaults
// upstream's schema declares (a port without a protocol is TCP).
const MULTI_KEY_LISTS: Record<string, { keys: string[]; keyDefaults?: Record<string, unknown> }> = {
  'V1Container.ports': { keys: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } },
  'V1EphemeralContainer.ports': { keys: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } },
  'V1ServiceSpec.ports': { keys: ['port', 'protocol'], keyDefaults: { protocol: 'TCP' } },
  'V1PodSpec.topologySpreadConstraints': { keys: ['topologyKey', 'whenUnsatisfiable'] },
};

/** The ApplyType of a built-in schema node (memoized per node: schemas are recursive). */
export function fromSchemaNode(node: SchemaNode | undefined, memo = new WeakMap<object, ApplyType>()): ApplyType {
  if (!node) return DEDUCED;
  const known = memo.get(node);
  if (known) return known;
  let t: ApplyType;
  switch (node.type) {
    case 'object': {
      const cache = new Map<string, ApplyType | undefined>();
      t = {
        kind: 'struct',
        atomic: ATOMIC_MODELS.has(node.model),
        field(name) {
          if (cache.has(name)) return cache.get(name);
          const f = Object.prototype.hasOwnProperty.call(node.fields, name) ? node.fields[name] : undefined;
          let ft: ApplyType | undefined;
          if (f) {
            const child = f.node();
            ft = fromSchemaNode(child, memo);
            if (child.type === 'array' && ft.kind === 'list') {
              const merge = (f.patchStrategy ?? '').split(',').includes('merge');
              const listType = merge ? (f.patchMergeKey ? 'map' : 'set') : 'atomic';
              const multi = MULTI_KEY_LISTS[`${node.model}.${name}`];
              ft = { ...ft, listType, keys: f.patchMergeKey ? [f.patchMergeKey] : [] };
              if (multi && listType === 'map') ft = { ...ft, ...multi };
            }
          }
          cache.set(name, ft);
          return ft;
        },
      };
      break;
    }
    case 'map':
      t = { kind: 'map', values: fromSchemaNode(node.values, memo) };
      break;
    case 'array':
      t = { kind: 'list', listType: 'atomic', keys: [], items: fromSchemaNode(node.items, memo) };
      break;
    case 'any':
      t = DEDUCED;
      break;
    default:
      t = SCALAR;
  }
  memo.set(node, t);
  return t;
}

type Schema = StructuralSchema & { 'x-kubernetes-map-type'?: string };

/** The ApplyType of a custom resource: its CRD schema, with ObjectMeta's built-in type for metadata. */
export function fromCustomSchema(schema: StructuralSchema | undefined, objectMeta: ApplyType): ApplyType {
  const root = fromStructural(schema);
  const embedded = (name: string) => (name === 'metadata' ? objectMeta : name === 'apiVersion' || name === 'kind' ? SCALAR : undefined);
  if (root.kind !== 'struct') return { kind: 'struct', field: (name) => embedded(name) };
  return { kind: 'struct', field: (name) => embedded(name) ?? root.field(name) };
}

function fromStructural(s: Schema | undefined): ApplyType {
  if (!s) return DEDUCED;
  if (s['x-kubernetes-int-or-string']) return SCALAR;
  if (s.type === 'array') {
    const listType = s['x-kubernetes-list-type'] ?? 'atomic';
    return { kind: 'list', listType, keys: s['x-kubernetes-list-map-keys'] ?? [], items: fromStructural(s.items) };
  }
  if (s.type === 'object' || s.properties || s.additionalProperties) {
    const atomic = s['x-kubernetes-map-type'] === 'atomic';
    if (s.properties) {
      const props = s.properties;
      const cache = new Map<string, ApplyType | undefined>();
      return {
        kind: 'struct',
        atomic,
        field(name) {
          if (!cache.has(name)) {
            cache.set(name, Object.prototype.hasOwnProperty.call(props, name) ? fromStructural(props[name]) : undefined);
          }
          return cache.get(name);
        },
      };
    }
    if (typeof s.additionalProperties === 'object') return { kind: 'map', values: fromStructural(s.additionalProperties), atomic };
    return atomic ? { kind: 'map', values: DEDUCED, atomic } : DEDUCED;
  }
  return s.type ? SCALAR : DEDUCED;
}
