import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { strategicMergePatch } from './strategic-merge';
import { deploy, patchError, podPatch, smp } from './testing/strategic-merge-fixture';

describe('strategicMergePatch: maps and scalars', () => {
  test('maps merge recursively, scalars replace and null deletes', () => {
    const out = smp(deploy({ containers: [] }), {
      metadata: { labels: { tier: 'fe', app: null }, annotations: { a: 'b' } },
      spec: { replicas: 3 },
    });
    assert.deepEqual(out.metadata, { name: 'web', labels: { tier: 'fe' }, annotations: { a: 'b' } });
    assert.equal(out.spec.replicas, 3);
    assert.deepEqual(out.spec.template.metadata, { labels: { app: 'web' } });
  });

  test('the original and the patch are left untouched and share nothing with the result', () => {
    const original = deploy({ containers: [{ name: 'app', image: 'nginx:1', env: [{ name: 'A', value: '1' }] }] });
    const patch = podPatch({ containers: [{ name: 'app', image: 'nginx:2', env: [{ name: 'B', value: '2' }] }] });
    const [o, p] = [structuredClone(original), structuredClone(patch)];
    const out = smp(original, patch);
    assert.deepEqual(original, o);
    assert.deepEqual(patch, p);
    out.spec.template.spec.containers[0].env[0].value = 'changed';
    out.metadata.labels.x = 'y';
    assert.deepEqual(original, o);
    assert.deepEqual(patch, p);
  });

  test('null values inside a newly added map are dropped', () => {
    const out = smp(deploy({ containers: [] }), { spec: { paused: { a: null, b: { c: null, d: 1 } } } });
    assert.deepEqual(out.spec.paused, { b: { d: 1 } });
  });

  test('$patch: replace on a map replaces it; $patch: delete empties it', () => {
    const original = deploy({ containers: [], nodeSelector: { a: '1', b: '2' } });
    const replaced = smp(original, podPatch({ nodeSelector: { $patch: 'replace', c: '3' } }));
    assert.deepEqual(replaced.spec.template.spec.nodeSelector, { c: '3' });
    const deleted = smp(original, podPatch({ nodeSelector: { $patch: 'delete' } }));
    assert.deepEqual(deleted.spec.template.spec.nodeSelector, {});
    const merged = smp(original, podPatch({ nodeSelector: { $patch: 'merge', c: '3' } }));
    assert.deepEqual(merged.spec.template.spec.nodeSelector, { a: '1', b: '2', c: '3' });
    assert.throws(() => smp(original, podPatch({ nodeSelector: { $patch: 'explode' } })), /unknown patch type: explode in map/);
  });

  test('fields without schema merge like a JSON merge patch', () => {
    const out = strategicMergePatch({ a: { b: [1, 2], c: { d: 1 } }, $ref: 'kept' }, { a: { b: [3], c: { e: 2 } }, f: null }, undefined);
    assert.deepEqual(out, { a: { b: [3], c: { d: 1, e: 2 } }, $ref: 'kept' });
  });

  test('a patch that is not an object is a 400', () => {
    const err = patchError(() => smp({}, [1]));
    assert.equal(err.code, 400);
    assert.match(err.message, /cannot unmarshal array/);
  });

  test('a "__proto__" key is kept as data and Object.prototype stays clean', () => {
    const out = strategicMergePatch({}, JSON.parse('{"__proto__": {"polluted": true}, "a": {"__proto__": {"x": 1}}}'), undefined);
    assert.equal(({} as any).polluted, undefined);
    assert.equal(({} as any).x, undefined);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out).sort(), ['__proto__', 'a']);
  });
});

describe('strategicMergePatch: primitive lists and retainKeys', () => {
  const withFinalizers = (f: string[]) => deploy({ containers: [] }, { metadata: { finalizers: f } });

  test('a primitive merge list is a union without duplicates', () => {
    const out = smp(withFinalizers(['a', 'b']), { metadata: { finalizers: ['b', 'c'] } });
    assert.deepEqual(out.metadata.finalizers, ['a', 'b', 'c']);
  });

  test('$deleteFromPrimitiveList removes values and wins over additions', () => {
    const out = smp(withFinalizers(['a', 'b', 'c']), {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a', 'x'], finalizers: ['d'] },
    });
    assert.deepEqual(out.metadata.finalizers.slice().sort(), ['b', 'c', 'd']);
    const gone = smp(withFinalizers(['a']), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'], finalizers: ['a'] } });
    assert.deepEqual(gone.metadata.finalizers, []);
  });

  test('$setElementOrder orders a primitive list by raw values', () => {
    const out = smp(withFinalizers(['a', 'b']), {
      metadata: { '$setElementOrder/finalizers': ['c', 'b', 'a'], finalizers: ['c'] },
    });
    assert.deepEqual(out.metadata.finalizers, ['c', 'b', 'a']);
  });

  test('$retainKeys on the deployment strategy drops rollingUpdate when switching to Recreate', () => {
    const live = deploy({ containers: [] }, { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } } });
    const out = smp(live, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } });
    assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
  });

  test('$retainKeys on a volume (merge,retainKeys) swaps the volume source', () => {
    const live = deploy({
      containers: [],
      volumes: [
        { name: 'data', emptyDir: { medium: 'Memory' } },
        { name: 'keep', emptyDir: {} },
      ],
    });
    const out = smp(
      live,
      podPatch({
        '$setElementOrder/volumes': [{ name: 'data' }, { name: 'keep' }],
        volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' }, name: 'data' }],
      }),
    );
    assert.deepEqual(out.spec.template.spec.volumes, [
      { name: 'data', configMap: { name: 'cm' } },
      { name: 'keep', emptyDir: {} },
    ]);
  });

  test('a patch key missing from $retainKeys is a 400', () => {
    const err = patchError(() => smp(deploy({ containers: [] }), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }));
    assert.equal(err.code, 400);
    assert.equal(err.message, 'invalid patch format of retainKeys');
  });

  test('directive keys never reach the result', () => {
    const out = smp(withFinalizers(['a']), {
      metadata: { '$setElementOrder/finalizers': ['a'], labels: { $patch: 'replace', x: 'y' } },
      spec: { newThing: { $retainKeys: ['k'], k: 1, '$deleteFromPrimitiveList/l': ['z'] }, tolerations: [{ $patch: 'delete', key: 'q' }] },
    });
    const text = JSON.stringify(out);
    assert.doesNotMatch(text, /\$patch|\$retainKeys|\$setElementOrder|\$deleteFromPrimitiveList/);
    assert.deepEqual(out.metadata.labels, { x: 'y' });
    assert.deepEqual(out.spec.newThing, { k: 1 });
  });
});
