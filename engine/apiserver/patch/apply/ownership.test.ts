import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ApplyType } from './apply-type';
import { DEDUCED, SCALAR } from './apply-type';
import { toFieldsV1 } from './field-set';
import { ApplyConflictError, applyConfig, recordUpdate, type WriteContext } from './ownership';
import type { Managed } from './managed-fields';

// A pod-like type: containers merge by name, finalizers are a set, args atomic.
const container: ApplyType = {
  kind: 'struct',
  field: (n) =>
    n === 'args' ? { kind: 'list', listType: 'atomic', keys: [], items: SCALAR } : n === 'name' || n === 'image' ? SCALAR : undefined,
};
const type: ApplyType = {
  kind: 'struct',
  field: (n) => {
    if (n === 'metadata') {
      return {
        kind: 'struct',
        field: (m) =>
          m === 'labels'
            ? { kind: 'map', values: SCALAR }
            : m === 'finalizers'
              ? { kind: 'list', listType: 'set', keys: [], items: SCALAR }
              : SCALAR,
      };
    }
    if (n === 'spec') {
      return {
        kind: 'struct',
        field: (s) =>
          s === 'containers' ? { kind: 'list', listType: 'map', keys: ['name'], items: container } : s === 'extra' ? DEDUCED : SCALAR,
      };
    }
    return n === 'status' ? DEDUCED : SCALAR;
  },
};
const ctx = (manager: string): WriteContext => ({ type, manager, apiVersion: 'v1', ignore: (s) => s, now: '2026-01-01T00:00:00Z' });
const obj = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Thing',
  metadata: { name: 't', ...metadata },
  spec,
});
const v1 = (m: Managed[], manager: string) => toFieldsV1(m.find((x) => x.manager === manager)!.set);

describe('apply', () => {
  test('the applied set leaves out identity fields and owns list items by key', () => {
    const r = applyConfig(ctx('a'), {}, obj({ containers: [{ name: 'c', image: 'x' }] }), [], false);
    assert.deepEqual(v1(r.managed, 'a'), { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } });
    assert.equal(r.managed[0].operation, 'Apply');
  });

  test('lists merge by key and sets by value; atomic lists are replaced', () => {
    const live = obj({ containers: [{ name: 'a', image: 'x', args: ['1', '2'] }] }, { finalizers: ['f1'] });
    const config = obj(
      {
        containers: [
          { name: 'a', args: ['3'] },
          { name: 'b', image: 'y' },
        ],
      },
      { finalizers: ['f2'] },
    );
    const r = applyConfig(ctx('m'), live, config, [], false);
    assert.deepEqual((r.object.spec as Record<string, unknown>).containers, [
      { name: 'a', image: 'x', args: ['3'] },
      { name: 'b', image: 'y' },
    ]);
    assert.deepEqual((r.object.metadata as Record<string, unknown>).finalizers, ['f1', 'f2']);
  });

  test('changing another manager’s field conflicts; the same value is shared; force takes it', () => {
    const first = applyConfig(ctx('a'), {}, obj({ replicas: 1, image: 'x' }), [], false);
    const shared = applyConfig(ctx('b'), first.object, obj({ replicas: 1 }), first.managed, false);
    assert.ok(shared.managed.find((m) => m.manager === 'a')!.set.has(['f:spec', 'f:replicas']));
    assert.ok(shared.managed.find((m) => m.manager === 'b')!.set.has(['f:spec', 'f:replicas']));
    assert.throws(
      () => applyConfig(ctx('b'), first.object, obj({ replicas: 2, image: 'y' }), first.managed, false),
      (e: unknown) =>
        e instanceof ApplyConflictError &&
        e.message === 'Apply failed with 2 conflicts: conflicts with "a":\n- .spec.image\n- .spec.replicas' &&
        e.causes()[0].message === 'conflict with "a"',
    );
    const forced = applyConfig(ctx('b'), first.object, obj({ replicas: 2 }), first.managed, true);
    assert.equal((forced.object.spec as Record<string, unknown>).replicas, 2);
    assert.ok(!forced.managed.find((m) => m.manager === 'a')!.set.has(['f:spec', 'f:replicas']));
  });

  test('fields a manager stops applying are removed unless someone else owns them', () => {
    const first = applyConfig(ctx('a'), {}, obj({ replicas: 1, image: 'x', extra: { k: 1 } }, { labels: { x: '1', y: '2' } }), [], false);
    const other = applyConfig(ctx('b'), first.object, obj({ image: 'x' }), first.managed, false);
    const r = applyConfig(ctx('a'), other.object, obj({ replicas: 1 }, { labels: { x: '1' } }), other.managed, false);
    assert.deepEqual(r.object.spec, { replicas: 1, image: 'x' });
    assert.deepEqual((r.object.metadata as Record<string, unknown>).labels, { x: '1' });
  });

  test('an Update conflicts with a later apply of a different value, naming the manager as upstream', () => {
    const first = applyConfig(ctx('a'), {}, obj({ replicas: 1 }), [], false);
    const edited = { ...first.object, spec: { replicas: 5 } };
    const managed = recordUpdate({ ...ctx('kubectl-edit'), now: 't2' }, first.object, edited, first.managed);
    assert.ok(!managed.find((m) => m.manager === 'a'), 'a lost its only field');
    assert.throws(
      () => applyConfig(ctx('a'), edited, obj({ replicas: 1 }), managed, false),
      /Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: \.spec\.replicas/,
    );
  });

  test('an unchanged object keeps its ownership (and time) as it was', () => {
    const first = applyConfig(ctx('a'), {}, obj({ replicas: 1 }), [], false);
    const again = applyConfig({ ...ctx('a'), now: 'later' }, first.object, obj({ replicas: 1 }), first.managed, false);
    assert.equal(again.managed[0].time, '2026-01-01T00:00:00Z');
    assert.equal(recordUpdate(ctx('x'), first.object, first.object, first.managed), first.managed);
  });

  test('a list item without its key is a 400 naming the element', () => {
    assert.throws(
      () => applyConfig(ctx('a'), {}, obj({ containers: [{ image: 'x' }] }), [], false),
      /\.spec\.containers: element 0: associative list with keys has an element that omits key field "name"/,
    );
  });
});
