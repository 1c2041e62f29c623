import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore, eventually } from './testing/test-cluster';
import { R } from '../client/types';
import type { KubeObject } from '../kinds/types';
import { openWatch, type EventType, type WatchRequest } from './watch';
import { labelMatcher } from './selector-matchers';

test('watchers of one event share its decoding and wire line; filters, Table-like encoders and leaving the selection stay per watcher', async () => {
  const c = await startTestCore();
  const stops: (() => void)[] = [];
  try {
    const def = c.core.kinds.byResource('', 'v1', 'configmaps')!;
    const rv = (await c.client.list(R.configmaps, 'default')).resourceVersion;
    let encodes = 0;
    const lines: string[][] = [];
    const own: { type: EventType; obj: KubeObject }[] = [];
    const labelled: { type: EventType; obj: KubeObject }[] = [];
    const base = (over: Partial<WatchRequest>): WatchRequest => ({
      def,
      namespace: 'default',
      resourceVersion: rv,
      encodeObject: (o) => (encodes++, o),
      ...over,
    });
    const deps = { store: c.core.deps.store, resources: c.core.resources };
    const noEvents = () => assert.fail('a shareable watcher with a line sink gets lines');
    // Three plain JSON watchers (as HTTP serves them): one line per event, made once.
    for (let i = 0; i < 3; i++) {
      const got: string[] = [];
      lines.push(got);
      stops.push(await openWatch(deps, base({ shareable: true }), { event: noEvents, line: (t) => got.push(t), end: () => {} }));
    }
    // One whose encoding is its own (a Table's first row differs): objects, not shared lines.
    stops.push(
      await openWatch(deps, base({ encodeObject: (o) => ({ row: o.metadata.name }) }), {
        event: (type, obj) => own.push({ type, obj: obj as KubeObject }),
        end: () => {},
      }),
    );
    // One with a label selector: the object leaves its selection on the update.
    const sel = labelMatcher('app=a');
    stops.push(
      await openWatch(deps, base({ shareable: true, filter: (o) => sel(o.metadata.labels) }), {
        event: (type, obj) => labelled.push({ type, obj: obj as KubeObject }),
        end: () => {},
      }),
    );

    const created = await c.client.create(R.configmaps, 'default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'shared', labels: { app: 'a' } },
      data: { k: 'v' },
    });
    const updated = await c.client.patch(R.configmaps, 'default', 'shared', 'merge', { metadata: { labels: { app: 'b' } } });
    await c.client.delete(R.configmaps, 'default', 'shared');
    await eventually(() => lines.every((l) => l.length === 3) && own.length === 3 && labelled.length === 2, 'every event delivered');

    assert.deepEqual(lines[1], lines[0]);
    assert.deepEqual(lines[2], lines[0]);
    const events = lines[0].map((l) => JSON.parse(l) as { type: string; object: KubeObject });
    assert.ok(
      lines[0].every((l) => l.endsWith('}\n') && !l.slice(0, -1).includes('\n')),
      'one JSON line per event',
    );
    assert.deepEqual(
      events.map((e) => [e.type, e.object.kind, e.object.metadata.labels?.app]),
      [
        ['ADDED', 'ConfigMap', 'a'],
        ['MODIFIED', 'ConfigMap', 'b'],
        ['DELETED', 'ConfigMap', 'b'],
      ],
    );
    assert.equal(events[0].object.metadata.resourceVersion, created.metadata.resourceVersion);
    assert.deepEqual(
      own.map((e) => [e.type, e.obj]),
      [
        ['ADDED', { row: 'shared' }],
        ['MODIFIED', { row: 'shared' }],
        ['DELETED', { row: 'shared' }],
      ],
    );
    // Leaving the selection: DELETED with the old labels and the update's resourceVersion.
    assert.deepEqual(
      labelled.map((e) => [e.type, e.obj.metadata.labels?.app, e.obj.metadata.resourceVersion]),
      [
        ['ADDED', 'a', created.metadata.resourceVersion],
        ['DELETED', 'a', updated.metadata.resourceVersion],
      ],
    );
    // One encoding per event for the three line watchers (unshared: 3 × 3), plus the labelled
    // watcher's two, which takes objects (the own-encoding watcher counts none).
    assert.equal(encodes, 3 + 2, 'each shared line encoded once for all its watchers');
  } finally {
    for (const s of stops) s();
    await c.close();
  }
});

test("a plain JSON watch's lines of new states are the stored text with its resourceVersion: the same objects, not printed again", async () => {
  const c = await startTestCore();
  const stops: (() => void)[] = [];
  try {
    const def = c.core.kinds.byResource('', 'v1', 'configmaps')!;
    const rv = (await c.client.list(R.configmaps, 'default')).resourceVersion;
    const deps = { store: c.core.deps.store, resources: c.core.resources };
    const printed: string[] = [];
    const stored: string[] = [];
    let storedEncodes = 0;
    const watch = (got: string[], over: Partial<WatchRequest>) =>
      openWatch(
        deps,
        { def, namespace: 'default', resourceVersion: rv, shareable: true, encodeObject: (o) => o, ...over },
        { event: () => assert.fail('lines only'), line: (t) => got.push(t), end: () => {} },
      );
    // The stored-text watcher first: it makes the lines both share (the DELETED one).
    stops.push(await watch(stored, { asStored: true, encodeObject: (o) => (storedEncodes++, o) }));
    stops.push(await watch(printed, {}));
    await c.client.create(R.configmaps, 'default', { metadata: { name: 'as-stored', labels: { app: 'a' } }, data: { k: 'v' } });
    await c.client.patch(R.configmaps, 'default', 'as-stored', 'merge', { data: { k2: 'v2' } });
    await c.client.create(R.configmaps, 'default', { metadata: { name: 'empty-meta' } });
    await c.client.delete(R.configmaps, 'default', 'as-stored');
    await eventually(() => printed.length === 4 && stored.length === 4, 'every event delivered');
    assert.deepEqual(
      stored.map((l) => JSON.parse(l) as unknown),
      printed.map((l) => JSON.parse(l) as unknown),
    );
    assert.ok(stored.every((l) => l.endsWith('}\n') && !l.slice(0, -1).includes('\n')));
    assert.equal(storedEncodes, 1, 'only the DELETED line (the state before) is printed from an object');
  } finally {
    for (const s of stops) s();
    await c.close();
  }
});
