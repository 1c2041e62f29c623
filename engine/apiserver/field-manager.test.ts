import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSchemaRegistry } from '../kinds/schema/schema';
import { eventKind } from '../kinds/defs/kinds-core-event';
import type { KubeObject } from '../kinds/types';
import { createFieldManager } from './field-manager';

const schemas = createSchemaRegistry();
const schemaOf = (model: string) => (schemas.has(model) ? schemas.node(model) : undefined);

const event = (i: number, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: `p-${i}.17f`, namespace: 'default', uid: `u-${i}`, creationTimestamp: '2026-01-01T00:00:00Z' },
  involvedObject: { apiVersion: 'v1', kind: 'Pod', name: `p-${i}`, namespace: 'default', uid: `pu-${i}`, resourceVersion: String(i) },
  reason: 'Started',
  message: `Started container app ${i}`,
  type: 'Normal',
  source: { component: 'kubelet', host: `node-${i % 3}` },
  firstTimestamp: '2026-01-01T00:00:00Z',
  lastTimestamp: '2026-01-01T00:00:00Z',
  count: 1,
  reportingComponent: 'kubelet',
  reportingInstance: `node-${i % 3}`,
  ...extra,
});

test("a create shaped as an earlier one records the bytes a fresh field manager would, with the create's own time", () => {
  let t = Date.parse('2026-01-01T00:00:00Z');
  const now = () => new Date(t);
  const warm = createFieldManager({ schemaOf, now });
  const objects = [event(0), event(1), event(2, { series: { count: 2, lastObservedTime: '2026-01-01T00:00:01.000000Z' } }), event(3)];
  for (const [i, obj] of objects.entries()) {
    t += 1500;
    warm.track(eventKind, undefined, obj, { manager: 'kubelet' });
    const fresh = structuredClone(objects[i]);
    delete fresh.metadata.managedFields;
    createFieldManager({ schemaOf, now }).track(eventKind, undefined, fresh, { manager: 'kubelet' });
    assert.ok(obj.metadata.managedFields?.length, `object ${i} has managedFields`);
    assert.equal(JSON.stringify(obj.metadata.managedFields), JSON.stringify(fresh.metadata.managedFields), `object ${i}`);
  }
  const first = (o: KubeObject) => (o.metadata.managedFields as { manager: string; time: string; fieldsV1: unknown }[])[0];
  assert.notEqual(first(objects[3]).time, first(objects[0]).time);
  assert.equal(first(objects[3]).fieldsV1, first(objects[0]).fieldsV1, "one shape: the first create's entries serve");
  assert.notEqual(first(objects[2]).fieldsV1, first(objects[0]).fieldsV1, 'another shape');
  // Another writer of the same shape is its own entry.
  const other = event(4);
  warm.track(eventKind, undefined, other, { manager: 'scheduler' });
  assert.equal(first(other).manager, 'scheduler');
});
