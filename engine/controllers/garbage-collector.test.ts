// The garbage collector and namespace deletion as the controller manager runs them (over the
// in-process client, fed the stored resources): the three propagation policies and namespace
// deletion, through a test core whose fixture starts both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, startTestCore } from '../apiserver/testing/test-cluster';
import { R, isStatus, type KubeClient } from '../client/types';
import type { KubeObject } from '../kinds/types';
import { storedResources } from '../apiserver/stored-resources';
import { createInformerFactory } from '../client/informer-factory';
import { createEventRecorder } from '../client/event-recorder';
import { createGarbageCollector } from './garbage-collector';

const cm = (name: string, extra: Partial<KubeObject['metadata']> = {}, ns = 'default'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, ...extra },
});

const gone = (client: KubeClient, res: typeof R.configmaps, ns: string | undefined, name: string) =>
  client.get(res, ns, name).then(
    () => false,
    (e) => isStatus(e, 404),
  );

async function ownerWithDependent(client: KubeClient, owner: string, dep: string, finalizers?: string[]) {
  const o = await client.create(R.configmaps, 'default', cm(owner));
  const ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner, uid: o.metadata.uid! }];
  await client.create(R.configmaps, 'default', cm(dep, { ownerReferences, ...(finalizers ? { finalizers } : {}) }));
}

void test('background: a dependent whose owner is gone is deleted', async () => {
  const tc = await startTestCore();
  try {
    await ownerWithDependent(tc.client, 'bg-owner', 'bg-dep');
    await tc.client.delete(R.configmaps, 'default', 'bg-owner', { propagationPolicy: 'Background' });
    await eventually(() => gone(tc.client, R.configmaps, 'default', 'bg-dep'), 'dependent collected');
  } finally {
    await tc.close();
  }
});

void test('a dependent whose owner exists is kept, even when the owner is of a kind the collector found late', async () => {
  const tc = await startTestCore();
  try {
    await ownerWithDependent(tc.client, 'live-owner', 'live-dep');
    // A dependent naming an owner uid that never existed goes; one with a live owner stays.
    const ghost = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'live-owner', uid: 'not-the-uid' }];
    await tc.client.create(R.configmaps, 'default', cm('ghost-dep', { ownerReferences: ghost }));
    await eventually(() => gone(tc.client, R.configmaps, 'default', 'ghost-dep'), 'dependent of a replaced owner collected');
    assert.equal(await gone(tc.client, R.configmaps, 'default', 'live-dep'), false);
  } finally {
    await tc.close();
  }
});

void test('orphan: the owner goes, dependents stay without the owner reference', async () => {
  const tc = await startTestCore();
  try {
    await ownerWithDependent(tc.client, 'or-owner', 'or-dep');
    await tc.client.delete(R.configmaps, 'default', 'or-owner', { propagationPolicy: 'Orphan' });
    await eventually(() => gone(tc.client, R.configmaps, 'default', 'or-owner'), 'owner goes');
    const dep = await tc.client.get(R.configmaps, 'default', 'or-dep');
    assert.equal(dep.metadata.ownerReferences, undefined);
  } finally {
    await tc.close();
  }
});

void test('foreground: the owner waits with foregroundDeletion until its dependents are gone', async () => {
  const tc = await startTestCore();
  try {
    await ownerWithDependent(tc.client, 'fg-owner', 'fg-dep', ['example.com/slow']);
    await tc.client.delete(R.configmaps, 'default', 'fg-owner', { propagationPolicy: 'Foreground' });
    await eventually(async () => (await tc.client.get(R.configmaps, 'default', 'fg-dep')).metadata.deletionTimestamp, 'dependent deleting');
    await new Promise((r) => setTimeout(r, 200)); // give the collector every chance to (wrongly) drop the owner
    const owner = await tc.client.get(R.configmaps, 'default', 'fg-owner');
    assert.deepEqual(owner.metadata.finalizers, ['foregroundDeletion']);
    await tc.client.patch(R.configmaps, 'default', 'fg-dep', 'merge', { metadata: { finalizers: null } });
    await eventually(() => gone(tc.client, R.configmaps, 'default', 'fg-owner'), 'owner goes after its dependent');
  } finally {
    await tc.close();
  }
});

void test('namespace deletion deletes everything in it, then the namespace', async () => {
  const tc = await startTestCore();
  try {
    await tc.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
    await tc.client.create(R.configmaps, 'doomed', cm('a', {}, 'doomed'));
    await tc.client.create(R.configmaps, 'doomed', cm('held', { finalizers: ['example.com/slow'] }, 'doomed'));
    await tc.client.delete(R.namespaces, undefined, 'doomed');
    await eventually(() => gone(tc.client, R.configmaps, 'doomed', 'a'), 'content deleted');
    const ns = await tc.client.get(R.namespaces, undefined, 'doomed');
    assert.deepEqual((ns.spec as { finalizers?: string[] } | undefined)?.finalizers, ['kubernetes'], 'held while content remains');
    await tc.client.patch(R.configmaps, 'doomed', 'held', 'merge', { metadata: { finalizers: null } });
    await eventually(() => gone(tc.client, R.namespaces, undefined, 'doomed'), 'namespace goes', 8000);
  } finally {
    await tc.close();
  }
});

void test('Events are not watched (upstream ignores them): a pod start writes three, each would be a graph node', async () => {
  const tc = await startTestCore();
  const watched: string[] = [];
  const client: KubeClient = {
    ...tc.client,
    watch: (res, ns, opts, onEvent, onClose) => {
      watched.push(`${res.group}/${res.plural}`);
      return tc.client.watch(res, ns, opts, onEvent, onClose);
    },
  };
  const gc = createGarbageCollector({
    client,
    informers: createInformerFactory(client),
    events: createEventRecorder({ client, component: 'test' }),
    log: () => {},
    now: () => new Date(),
    resources: storedResources(tc.core),
  });
  try {
    await gc.start();
    assert.ok(watched.includes('/configmaps'), watched.join(' '));
    assert.ok(watched.includes('apps/replicasets'), watched.join(' '));
    assert.ok(!watched.includes('/events') && !watched.includes('events.k8s.io/events'), watched.join(' '));
  } finally {
    gc.stop();
    await tc.close();
  }
});
