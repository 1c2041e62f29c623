import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createSchemaRegistry } from '../../../kinds/schema/schema';
import type { FieldSet } from './field-set';
import { decodeManaged, encodeManaged } from './managed-fields';
import { recordUpdate, type WriteContext } from './ownership';
import { fromSchemaNode } from './schema-adapters';

const type = fromSchemaNode(createSchemaRegistry().node('V1Pod'));

// field-manager.ts's endpoint rules: the top-level fields each keeps, and ignore dropping the rest.
const rules: Record<string, { subresource?: string; keeps: (el: string) => boolean }> = {
  '/status': { subresource: 'status', keeps: (el) => el === 'f:status' || el === 'f:metadata' },
  'main resource, status reset': { keeps: (el) => el !== 'f:status' },
};

function ctx(rule: (typeof rules)[string], withKeeps: boolean): WriteContext {
  const ignore = (set: FieldSet) => {
    const out = set.clone();
    for (const el of [...out.children.keys()]) if (!rule.keeps(el)) out.children.delete(el);
    return out;
  };
  return {
    type,
    manager: 'kubelet',
    apiVersion: 'v1',
    now: '2026-01-01T00:00:01Z',
    subresource: rule.subresource,
    ignore,
    ...(withKeeps ? { keeps: rule.keeps } : {}),
  };
}

const created = [
  {
    manager: 'kube-controller-manager',
    operation: 'Update',
    apiVersion: 'v1',
    time: '2026-01-01T00:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:name': {} } } },
    },
  },
];

const old = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image: 'x' }] },
  status: { phase: 'Pending' },
};

// Each write adds maps in every top-level field: those the endpoint keeps must still be owned.
const next = {
  ...old,
  metadata: { ...old.metadata, annotations: { a: 'b' } },
  spec: { ...old.spec, nodeSelector: { disk: 'ssd' }, containers: [{ name: 'app', image: 'y', resources: { limits: { cpu: '1' } } }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], hostIP: '10.0.0.1' },
};

describe('managedFields of an update, walking only the fields the endpoint keeps', () => {
  for (const [name, rule] of Object.entries(rules)) {
    test(`${name}: the bytes a walk of the whole object gives`, () => {
      const record = (withKeeps: boolean) =>
        JSON.stringify(
          encodeManaged(recordUpdate(ctx(rule, withKeeps), structuredClone(old), structuredClone(next), decodeManaged(created))),
        );
      const fast = record(true);
      assert.equal(fast, record(false));
      assert.match(fast, /"f:annotations":\{"\.":\{\}/, 'a map added to kept metadata is owned');
    });
  }

  test('entries that lose no field are written as read, the bytes of re-encoding them', () => {
    const entries = [
      ...created,
      {
        manager: 'kube-scheduler',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2026-01-01T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:status': { 'f:conditions': { '.': {}, 'k:{"type":"PodScheduled"}': { '.': {}, 'f:status': {}, 'f:type': {} } } } },
        subresource: 'status',
      },
      {
        manager: 'other',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2026-01-01T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:status': { 'f:phase': {} } },
        subresource: 'status',
      },
    ];
    // The same sets spelled with their keys reversed: decoded, but not as encoding writes them.
    const reversed = (v: unknown): unknown =>
      v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .reverse()
              .map((k) => [k, reversed((v as Record<string, unknown>)[k])]),
          )
        : v;
    const respelled = entries.map((e) => ({ ...e, fieldsV1: reversed(e.fieldsV1) }));
    for (const [name, rule] of Object.entries(rules)) {
      const record = (from: unknown[]) =>
        JSON.stringify(encodeManaged(recordUpdate(ctx(rule, true), structuredClone(old), structuredClone(next), decodeManaged(from))));
      const asRead = record(entries);
      assert.equal(asRead, record(respelled), name);
      assert.match(asRead, /"manager":"kube-scheduler"/, `${name}: an untouched entry is kept`);
      if (rule.subresource === 'status')
        assert.doesNotMatch(asRead, /"manager":"other"/, 'an entry whose only field changed hands is gone');
    }
  });

  test('what keeps drops is still left out of the entry', () => {
    const entry = (recordUpdate(ctx(rules['/status'], true), old, next, []) as { set: FieldSet }[])[0];
    assert.equal(entry.set.child('f:spec'), undefined);
    assert.ok(entry.set.child('f:status'));
  });
});
