import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore, eventually, type TestCluster } from '../apiserver/testing/test-cluster';
import { createInformer } from './informer';
import { createWorkQueue } from './work-queue';
import { R, isStatus } from './types';

let c: TestCluster;
before(async () => {
  c = await startTestCore();
});
after(async () => {
  await c.close();
});

test("in-process client: a create copies the caller's object unless it is handed over", async () => {
  const kept = { metadata: { name: 'kept', labels: { y: '1' } }, data: { k: 'v' } };
  const created = await c.client.create(R.configmaps, 'default', kept);
  assert.notEqual(created.metadata, kept.metadata);
  assert.deepEqual(kept, { metadata: { name: 'kept', labels: { y: '1' } }, data: { k: 'v' } }, "the caller's object is left as it was");
  const given = { metadata: { name: 'given' }, data: { k: 'v' } };
  const stored = await c.client.create(R.configmaps, 'default', given, { handOver: true });
  assert.ok(stored.metadata.uid);
  assert.equal(stored.metadata, given.metadata, 'a handed-over object is written as it is, not copied');
  assert.deepEqual((await c.client.get(R.configmaps, 'default', 'given')).data, { k: 'v' });
});

test('in-process client: read-only metadata watchers share one view of the metadata, without managedFields', async () => {
  type Seen = { kind?: string; metadata: { name?: string; managedFields?: unknown }; data?: unknown };
  const got: { a?: Seen; b?: Seen } = {};
  const opts = { metadataOnly: true, readOnly: true };
  const seen = (k: 'a' | 'b') => (_t: string, o: Seen) => {
    if (o.metadata.name === 'meta-view') got[k] = o;
  };
  const wa = c.client.watch(R.configmaps, 'default', opts, seen('a'), () => {});
  const wb = c.client.watch(R.configmaps, 'default', opts, seen('b'), () => {});
  await new Promise((r) => setTimeout(r, 50));
  await c.client.create(R.configmaps, 'default', { metadata: { name: 'meta-view', labels: { v: '1' } }, data: { big: 'x' } });
  await eventually(() => got.a && got.b, 'both watchers see the create');
  wa.stop();
  wb.stop();
  const { a, b } = got as { a: Seen; b: Seen };
  assert.equal(a.metadata, b.metadata, 'one view for both');
  assert.equal(a.metadata.name, 'meta-view');
  assert.equal(a.kind, 'ConfigMap');
  assert.equal(a.metadata.managedFields, undefined);
  assert.equal(a.data, undefined);
});

test('in-process client: create, get, update conflict, patch, list with selectors, delete', async () => {
  const created = await c.client.create(R.configmaps, 'default', { metadata: { name: 'a', labels: { x: '1' } }, data: { k: 'v' } });
  assert.ok(created.metadata.uid);
  const got = await c.client.get(R.configmaps, 'default', 'a');
  got.data.k = 'changed';
  await c.client.update(R.configmaps, 'default', got);
  await assert.rejects(c.client.update(R.configmaps, 'default', { ...got, data: { k: 'stale' } }), (e) => isStatus(e, 409));
  await c.client.patch(R.configmaps, 'default', 'a', 'merge', { data: { k2: 'v2' } });
  await c.client.create(R.configmaps, 'default', { metadata: { name: 'b', labels: { x: '2' } } });
  const sel = await c.client.list(R.configmaps, 'default', { labelSelector: 'x=1' });
  assert.deepEqual(
    sel.items.map((o) => o.metadata.name),
    ['a'],
  );
  assert.deepEqual(sel.items[0].data, { k: 'changed', k2: 'v2' });
  // Listed objects are copies: mutating one does not change what others read.
  sel.items[0].data.k = 'mutated';
  assert.equal((await c.client.list(R.configmaps, 'default', { labelSelector: 'x=1' })).items[0].data.k, 'changed');
  await c.client.delete(R.configmaps, 'default', 'b');
  await assert.rejects(c.client.get(R.configmaps, 'default', 'b'), (e) => isStatus(e, 404));
  await assert.rejects(c.client.create(R.configmaps, 'nope', { metadata: { name: 'x' } }), (e) => isStatus(e, 404));
});

test('informer caches, sees adds/updates/deletes, and the work queue dedupes keys', async () => {
  const synced: string[] = [];
  const seen: string[] = [];
  const q = createWorkQueue({
    sync: async (key) => {
      synced.push(key);
    },
  });
  const inf = createInformer(c.client, R.secrets, { namespace: 'default' });
  inf.addHandlers({
    add: (o) => {
      seen.push(`add ${o.metadata.name}`);
      q.add(o.metadata.name!);
    },
    update: (_a, b) => {
      seen.push(`update ${b.metadata.name}`);
      q.add(b.metadata.name!);
    },
    delete: (o) => {
      seen.push(`delete ${o.metadata.name}`);
      q.add(o.metadata.name!);
    },
  });
  await c.client.create(R.secrets, 'default', { metadata: { name: 's1' } });
  await inf.start();
  assert.ok(inf.hasSynced());
  assert.equal(inf.get('default', 's1')?.metadata.name, 's1');
  await c.client.create(R.secrets, 'default', { metadata: { name: 's2' } });
  await c.client.patch(R.secrets, 'default', 's2', 'merge', { stringData: { a: 'b' } });
  await c.client.delete(R.secrets, 'default', 's1');
  await eventually(() => seen.includes('delete s1') && seen.includes('update s2'), 'informer events');
  assert.deepEqual(seen.slice(0, 2), ['add s1', 'add s2']);
  assert.equal(inf.get('default', 's1'), undefined);
  await q.idle();
  assert.ok(synced.includes('s1') && synced.includes('s2'));
  inf.stop();
  q.stop();
});

test('work queue retries failures with back-off and never runs a key twice at once', async () => {
  let running = 0;
  let maxRunning = 0;
  let attempts = 0;
  const q = createWorkQueue({
    concurrency: 4,
    baseDelayMs: 1,
    sync: async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (++attempts < 3) throw new Error('transient');
    },
  });
  q.add('k');
  q.add('k');
  await eventually(() => attempts >= 3, 'three attempts');
  assert.equal(maxRunning, 1);
  q.stop();
});

test('the work queue syncs a key only after the call that added it has returned: an index fed add by add is seen whole', async () => {
  const index = new Set<string>();
  const seen: number[] = [];
  const q = createWorkQueue({
    sync: () => {
      seen.push(index.size);
      return Promise.resolve();
    },
  });
  // An informer's list handed to a handler one add at a time, each add enqueueing the owner.
  for (const pod of ['a', 'b', 'c']) {
    index.add(pod);
    q.add('owner');
  }
  assert.deepEqual(seen, []);
  await q.idle();
  assert.deepEqual(seen, [3]);
  q.stop();
});

void test('an informer with a transform caches and hands out only what the transform keeps', async () => {
  await c.client.create(R.configmaps, 'default', { metadata: { name: 'transformed' }, data: { big: 'x'.repeat(1000) } });
  const inf = createInformer(c.client, R.configmaps, { namespace: 'default', transform: (o) => ({ metadata: o.metadata }) });
  const seen: unknown[] = [];
  inf.addHandlers({ add: (o) => seen.push(o.data) });
  await inf.start();
  try {
    assert.equal(inf.get('default', 'transformed')?.data, undefined);
    assert.ok(inf.get('default', 'transformed')?.metadata.uid);
    assert.ok(seen.length > 0 && seen.every((d) => d === undefined));
  } finally {
    inf.stop();
  }
});

void test('read-only watchers of one event share one view (without managedFields), frozen under tests; other watchers get their own copy', async () => {
  const seen: Record<
    string,
    { type: string; obj: { metadata: { name?: string; managedFields?: unknown }; data?: Record<string, string> } }[]
  > = {
    ro1: [],
    ro2: [],
    own: [],
  };
  const watch = (name: string, readOnly: boolean) =>
    c.client.watch(
      R.configmaps,
      'default',
      { readOnly, fieldSelector: 'metadata.name=shared-copy' },
      (type, obj) => seen[name].push({ type, obj }),
      () => {},
    );
  const handles = [watch('ro1', true), watch('ro2', true), watch('own', false)];
  try {
    await new Promise((r) => setTimeout(r, 50));
    await c.client.create(R.configmaps, 'default', { metadata: { name: 'shared-copy' }, data: { k: 'v' } });
    await eventually(() => seen.ro1.length && seen.ro2.length && seen.own.length, 'all three watchers saw the add');
    assert.equal(seen.ro1[0].obj, seen.ro2[0].obj);
    assert.notEqual(seen.own[0].obj, seen.ro1[0].obj);
    assert.equal(seen.ro1[0].obj.metadata.managedFields, undefined);
    // scripts/test.mjs sets SKIFF_FREEZE_SHARED=1: a reader breaking the rule fails at once.
    assert.throws(() => (seen.ro1[0].obj.data!.k = 'changed'), TypeError);
    assert.throws(() => (seen.ro1[0].obj.metadata.name = 'renamed'), TypeError);
    seen.own[0].obj.data!.k = 'mine';
    const stored = (await c.client.get(R.configmaps, 'default', 'shared-copy')) as { data?: Record<string, string> };
    assert.equal(stored.data?.k, 'v');
    assert.equal(seen.ro2[0].obj.data!.k, 'v');
  } finally {
    handles.forEach((h) => h.stop());
  }
});
