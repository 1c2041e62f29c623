// @kubernetes/client-node against Skiff: an informer lists, watches, survives a dropped
// connection and a 410 (compacted history), and ends up having seen every change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startApiFixture, type ApiFixture } from './api-fixture';
import { waitFor as sharedWaitFor } from '../wait-for';

let f: ApiFixture;
before(async () => {
  f = await startApiFixture();
});
after(async () => {
  await f?.close();
});

const until = (cond: () => boolean, what: string, timeoutMs = 15_000) => sharedWaitFor(what, () => Promise.resolve(cond()), timeoutMs, 50);

test('informer sees every change across a dropped connection and a 410', async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(f.kubeconfigYaml);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const seen = new Map<string, string>(); // name -> data.v
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () =>
    core.listNamespacedConfigMap({ namespace: 'default' }),
  );
  const record = (cm: k8s.V1ConfigMap) => seen.set(cm.metadata!.name!, cm.data?.v ?? '');
  informer.on('add', record);
  informer.on('update', record);
  informer.on('delete', (cm) => seen.delete(cm.metadata!.name!));
  let stopped = false;
  // What client-node users do: restart the informer after an error (it stops itself on one).
  informer.on('error', () => {
    if (!stopped)
      setTimeout(() => {
        if (!stopped) informer.start().catch(() => {});
      }, 200);
  });
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'before' }, data: { v: '0' } } });
  await informer.start();
  try {
    await until(() => seen.get('before') === '0', 'initial list');
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'live' }, data: { v: '1' } } });
    await until(() => seen.get('live') === '1', 'watch ADDED');

    // Dropped connection: the server goes away and comes back; writes happen meanwhile.
    await f.restartServer(async () => {
      await new Promise((r) => setTimeout(r, 300));
    });
    await core.patchNamespacedConfigMap(
      { namespace: 'default', name: 'live', body: { data: { v: '2' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await until(() => seen.get('live') === '2', 'update after reconnect');

    // 410: while the server is down, history the informer needs is compacted away.
    await f.restartServer(async () => {
      const store = f.store;
      const cur = await store.currentRevision();
      // Writes straight to the store stand in for changes made while this client was away.
      const kv = await store.get('/registry/configmaps/default/before');
      assert.ok(kv);
      await store.delete(kv.key);
      await store.compact(await store.currentRevision());
      assert.ok((await store.compactedRevision()) > cur - 1);
    });
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'after' }, data: { v: '3' } } });
    await until(() => seen.get('after') === '3' && !seen.has('before'), 'relist after 410');
    assert.deepEqual([...seen.keys()].sort(), ['after', 'live']);
  } finally {
    stopped = true;
    await informer.stop();
  }
});
