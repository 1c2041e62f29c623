import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PATCH_METADATA, patchMetaFor } from './patch-metadata';
import { QUANTITY_FIELDS } from './schema/schema-quantities';
import { createSchemaRegistry } from './schema/schema';

const reg = createSchemaRegistry();

describe('patch metadata', () => {
  test('looks up the merge keys kubectl relies on', () => {
    assert.deepEqual(patchMetaFor('V1PodSpec', 'containers'), { patchStrategy: 'merge', patchMergeKey: 'name' });
    assert.deepEqual(patchMetaFor('V1PodSpec', 'ephemeralContainers'), { patchStrategy: 'merge', patchMergeKey: 'name' });
    assert.deepEqual(patchMetaFor('V1Container', 'ports'), { patchStrategy: 'merge', patchMergeKey: 'containerPort' });
    assert.deepEqual(patchMetaFor('V1Container', 'env'), { patchStrategy: 'merge', patchMergeKey: 'name' });
    assert.deepEqual(patchMetaFor('V1Container', 'volumeMounts'), { patchStrategy: 'merge', patchMergeKey: 'mountPath' });
    assert.deepEqual(patchMetaFor('V1Container', 'volumeDevices'), { patchStrategy: 'merge', patchMergeKey: 'devicePath' });
    assert.deepEqual(patchMetaFor('V1ServiceSpec', 'ports'), { patchStrategy: 'merge', patchMergeKey: 'port' });
    assert.deepEqual(patchMetaFor('V1ObjectMeta', 'ownerReferences'), { patchStrategy: 'merge', patchMergeKey: 'uid' });
    assert.deepEqual(patchMetaFor('V1PodStatus', 'conditions'), { patchStrategy: 'merge', patchMergeKey: 'type' });
    assert.deepEqual(patchMetaFor('V1NodeStatus', 'addresses'), { patchStrategy: 'merge', patchMergeKey: 'type' });
  });

  test('knows primitive merge lists, retainKeys and merge,retainKeys', () => {
    assert.deepEqual(patchMetaFor('V1ObjectMeta', 'finalizers'), { patchStrategy: 'merge' });
    assert.deepEqual(patchMetaFor('V1DeploymentSpec', 'strategy'), { patchStrategy: 'retainKeys' });
    assert.deepEqual(patchMetaFor('V1PodSpec', 'volumes'), { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' });
  });

  test('lists Kubernetes does not mark replace as a whole', () => {
    assert.equal(patchMetaFor('V1PodSpec', 'tolerations'), undefined);
    assert.equal(patchMetaFor('V1NodeSpec', 'taints'), undefined);
    assert.equal(patchMetaFor('V1Container', 'args'), undefined);
  });

  test('every entry names a real list or object field of a client-node model', () => {
    for (const key of Object.keys(PATCH_METADATA)) {
      const [model, field] = key.split('.');
      assert.ok(reg.has(model), `${key}: no model ${model}`);
      const f = reg.fields(model)[field];
      assert.ok(f, `${key}: no field ${field}`);
      const meta = PATCH_METADATA[key];
      const type = f.node().type;
      if (meta.patchMergeKey) {
        const node = f.node();
        assert.equal(node.type, 'array', key);
        const items = node.type === 'array' ? node.items : node;
        assert.ok(
          items.type === 'object' && reg.fields(items.model)[meta.patchMergeKey],
          `${key}: merge key ${meta.patchMergeKey} missing`,
        );
      } else {
        assert.ok(type === 'array' || type === 'object', `${key}: ${type}`);
      }
    }
  });

  test('every quantity entry names a real string or map field', () => {
    for (const key of QUANTITY_FIELDS) {
      const [model, field] = key.split('.');
      const node = reg.fields(model)[field]?.node();
      assert.ok(node, key);
      assert.ok(node.type === 'quantity' || (node.type === 'map' && node.values.type === 'quantity'), key);
    }
  });
});
