import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deploy, patchError, podPatch, smp } from './testing/strategic-merge-fixture';

describe('strategicMergePatch: lists with a merge key', () => {
  const original = () =>
    deploy({
      containers: [
        {
          name: 'app',
          image: 'nginx:1',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
            { name: 'C', value: '3' },
          ],
          ports: [
            { containerPort: 80, name: 'http' },
            { containerPort: 443, name: 'https' },
          ],
        },
        { name: 'sidecar', image: 'busybox' },
      ],
    });

  test('kubectl apply: changed image and a removed env var ($patch: delete + $setElementOrder)', () => {
    // What kubectl 1.3x sends after editing the manifest: image bumped, env B dropped.
    const patch = podPatch({
      '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
      containers: [
        {
          '$setElementOrder/env': [{ name: 'A' }, { name: 'C' }],
          env: [{ $patch: 'delete', name: 'B' }],
          image: 'nginx:2',
          name: 'app',
        },
      ],
    });
    const out = smp(original(), patch);
    assert.deepEqual(out.spec.template.spec.containers, [
      {
        name: 'app',
        image: 'nginx:2',
        env: [
          { name: 'A', value: '1' },
          { name: 'C', value: '3' },
        ],
        ports: [
          { containerPort: 80, name: 'http' },
          { containerPort: 443, name: 'https' },
        ],
      },
      { name: 'sidecar', image: 'busybox' },
    ]);
  });

  test('an item field set to null is removed from the matching item', () => {
    const out = smp(original(), podPatch({ containers: [{ name: 'app', env: null, ports: [{ containerPort: 80, name: null }] }] }));
    const app = out.spec.template.spec.containers[0];
    assert.equal(app.env, undefined);
    assert.deepEqual(app.ports, [{ containerPort: 80 }, { containerPort: 443, name: 'https' }]);
  });

  test('ports merge by containerPort: one changed, one added, one deleted', () => {
    const out = smp(
      original(),
      podPatch({
        '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
        containers: [
          {
            name: 'app',
            '$setElementOrder/ports': [{ containerPort: 80 }, { containerPort: 8080 }],
            ports: [
              { containerPort: 80, protocol: 'TCP' },
              { containerPort: 8080, name: 'alt' },
              { containerPort: 443, $patch: 'delete' },
            ],
          },
        ],
      }),
    );
    assert.deepEqual(out.spec.template.spec.containers[0].ports, [
      { containerPort: 80, name: 'http', protocol: 'TCP' },
      { containerPort: 8080, name: 'alt' },
    ]);
  });

  test('$setElementOrder puts a new container where the manifest has it', () => {
    const out = smp(
      original(),
      podPatch({
        '$setElementOrder/containers': [{ name: 'init' }, { name: 'app' }, { name: 'sidecar' }],
        containers: [{ name: 'init', image: 'alpine' }],
      }),
    );
    assert.deepEqual(
      out.spec.template.spec.containers.map((c: any) => c.name),
      ['init', 'app', 'sidecar'],
    );
  });

  test('$setElementOrder alone reorders the live list', () => {
    const out = smp(original(), podPatch({ '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }] }));
    assert.deepEqual(
      out.spec.template.spec.containers.map((c: any) => c.name),
      ['sidecar', 'app'],
    );
  });

  test('$setElementOrder accepts bare key values too', () => {
    const out = smp(original(), podPatch({ '$setElementOrder/containers': ['sidecar', 'app'] }));
    assert.deepEqual(
      out.spec.template.spec.containers.map((c: any) => c.name),
      ['sidecar', 'app'],
    );
  });

  test('server-only items keep their place relative to the items the patch names', () => {
    const live = deploy({ containers: [{ name: 'a' }, { name: 'injected' }, { name: 'b' }] });
    const out = smp(
      live,
      podPatch({ '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }, { name: 'c' }], containers: [{ name: 'c' }] }),
    );
    assert.deepEqual(
      out.spec.template.spec.containers.map((c: any) => c.name),
      ['a', 'injected', 'b', 'c'],
    );
  });

  test('without $setElementOrder, items follow the patch order and only-new items go first (as upstream)', () => {
    const reordered = smp(original(), podPatch({ containers: [{ name: 'sidecar', image: 'b2' }, { name: 'app' }] }));
    assert.deepEqual(
      reordered.spec.template.spec.containers.map((c: any) => c.name),
      ['sidecar', 'app'],
    );
    const added = smp(original(), podPatch({ containers: [{ name: 'new', image: 'x' }] }));
    assert.deepEqual(
      added.spec.template.spec.containers.map((c: any) => c.name),
      ['new', 'app', 'sidecar'],
    );
    const mixed = smp(original(), podPatch({ containers: [{ name: 'sidecar', image: 'b2' }, { name: 'new' }] }));
    assert.deepEqual(
      mixed.spec.template.spec.containers.map((c: any) => c.name),
      ['app', 'sidecar', 'new'],
    );
  });

  test('$patch: replace inside a list replaces the whole list', () => {
    const out = smp(
      original(),
      podPatch({ containers: [{ name: 'only', image: 'x', env: [{ name: 'Z', value: null }] }, { $patch: 'replace' }] }),
    );
    assert.deepEqual(out.spec.template.spec.containers, [{ name: 'only', image: 'x', env: [{ name: 'Z' }] }]);
  });

  test('ownerReferences merge by uid', () => {
    const live = deploy({ containers: [] }, { metadata: { ownerReferences: [{ uid: 'u1', name: 'a' }] } });
    const out = smp(live, {
      metadata: {
        ownerReferences: [
          { uid: 'u2', name: 'b' },
          { uid: 'u1', name: 'a2' },
        ],
      },
    });
    assert.deepEqual(out.metadata.ownerReferences, [
      { uid: 'u2', name: 'b' },
      { uid: 'u1', name: 'a2' },
    ]);
  });

  test('a list that is not a merge list is replaced', () => {
    const live = deploy({ containers: [{ name: 'app', args: ['a', 'b'] }], tolerations: [{ key: 'k', effect: 'NoSchedule' }] });
    const out = smp(live, podPatch({ tolerations: [{ key: 'j' }], containers: [{ name: 'app', args: ['c'] }] }));
    assert.deepEqual(out.spec.template.spec.tolerations, [{ key: 'j' }]);
    assert.deepEqual(out.spec.template.spec.containers[0].args, ['c']);
  });

  test('a patch item without the merge key is rejected like upstream (500)', () => {
    const err = patchError(() => smp(original(), podPatch({ containers: [{ image: 'x' }] })));
    assert.equal(err.code, 500);
    assert.equal(err.message, 'map: map[image:x] does not contain declared merge key: name');
  });

  test('a patch list that contradicts $setElementOrder is rejected', () => {
    const patch = podPatch({
      '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
      containers: [{ name: 'sidecar' }, { name: 'app' }],
    });
    assert.throws(() => smp(original(), patch), /doesn't match \$setElementOrder list/);
  });

  test('bad list directives are rejected', () => {
    assert.throws(() => smp(original(), podPatch({ containers: [{ $patch: 'merge' }] })), /merging lists cannot yet be specified/);
    assert.throws(() => smp(original(), podPatch({ containers: [{ $patch: 'delete' }] })), /does not contain declared merge key/);
    const lol = patchError(() => smp(original(), podPatch({ containers: [[1]] })));
    assert.equal(lol.code, 422);
    assert.equal(lol.message, 'lists of lists are not supported');
  });
});
