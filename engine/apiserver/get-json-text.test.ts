import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore } from './testing/test-cluster';
import { R } from '../client/types';

test("a GET's JSON is the stored text with its resourceVersion; objects stored as another version are converted as before", async () => {
  const c = await startTestCore();
  try {
    const { kinds } = c.core;
    const resources = c.core.resources;
    await c.client.create(R.configmaps, 'default', { metadata: { name: 'cm', labels: { a: 'b' } }, data: { k: 'v' } });
    await c.client.patch(R.configmaps, 'default', 'cm', 'merge', { data: { k2: 'v2' } });
    const cm = kinds.byResource('', 'v1', 'configmaps')!;
    const text = await resources.getJsonText(cm, 'default', 'cm');
    const obj = await resources.get(cm, 'default', 'cm');
    assert.deepEqual(JSON.parse(text), obj);
    // Spliced, not printed: resourceVersion leads metadata, where only the splice puts it.
    assert.ok(
      text.startsWith(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"resourceVersion":"${obj.metadata.resourceVersion}",`),
      text,
    );

    // events.k8s.io/v1 Events are stored as core v1 Events: the stored text does not begin as the
    // requested version's, so the object is converted and printed.
    await c.client.create(R.events, 'default', {
      metadata: { name: 'ev' },
      involvedObject: { kind: 'ConfigMap', namespace: 'default', name: 'cm' },
      reason: 'Tested',
      message: 'hello',
      type: 'Normal',
    });
    const ev = kinds.byResource('events.k8s.io', 'v1', 'events')!;
    const evText = await resources.getJsonText(ev, 'default', 'ev');
    const evObj = await resources.get(ev, 'default', 'ev');
    assert.equal(evObj.apiVersion, 'events.k8s.io/v1');
    assert.equal(evObj.note, 'hello');
    assert.deepEqual(JSON.parse(evText), evObj);

    await assert.rejects(resources.getJsonText(cm, 'default', 'missing'), /not found/);
  } finally {
    await c.close();
  }
});
