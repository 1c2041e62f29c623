import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sClient, RequestOptions } from './client';
import { createCrdCache } from './crd-cache';
import { K8sError } from './errors';
import type { KubeObject } from './types';

const NAME = 'widgets.example.com';

/** A server holding CRDs by name; counts full reads and one-row Table probes. */
function fakeServer(profile: string) {
  const crds = new Map<string, KubeObject>();
  const reads: string[] = [];
  const probes: string[] = [];
  const put = (name: string, rv: string, description = 'A widget') =>
    crds.set(name, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name, resourceVersion: rv },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', description } } }],
      },
    });
  const client = {
    profile,
    getJson(path: string, opts?: RequestOptions) {
      const name = path.split('/').pop()!;
      const crd = crds.get(name);
      if (!crd) return Promise.reject(new K8sError(`customresourcedefinitions "${name}" not found`, 404, 'NotFound', ''));
      if (opts?.accept?.includes('as=Table')) {
        probes.push(path);
        return Promise.resolve({ kind: 'Table', metadata: { resourceVersion: crd.metadata.resourceVersion }, rows: [{ cells: [name] }] });
      }
      reads.push(path);
      // A copy, as a fresh response body would be.
      return Promise.resolve(JSON.parse(JSON.stringify(crd)));
    },
  } as unknown as K8sClient;
  return { client, put, crds, reads, probes };
}

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('two opens of the same CR kind read the CRD once, and parse its version once', async () => {
  const s = fakeServer('a');
  s.put(NAME, '5');
  const c = clock();
  const cache = createCrdCache({ client: s.client, now: c.now, freshMs: 10_000 });
  const first = await cache.get(NAME);
  const second = await cache.get(NAME);
  assert.equal(s.reads.length, 1);
  assert.equal(s.probes.length, 0, 'a fresh entry asks nothing');
  assert.equal(second, first, 'the same parsed CRD');
  assert.equal(first.version('v1'), second.version('v1'), 'the version entry is looked up once');
  assert.equal(first.version('v1')?.schema?.openAPIV3Schema?.description, 'A widget');
  // Opened at the same moment: one read between them.
  cache.forget();
  await Promise.all([cache.get(NAME), cache.get(NAME)]);
  assert.equal(s.reads.length, 2);
});

test('after the fresh window an unchanged resourceVersion costs a probe, not a read', async () => {
  const s = fakeServer('a');
  s.put(NAME, '5');
  const c = clock();
  const cache = createCrdCache({ client: s.client, now: c.now, freshMs: 10_000 });
  const first = await cache.get(NAME);
  c.advance(11_000);
  assert.equal(await cache.get(NAME), first);
  assert.deepEqual([s.reads.length, s.probes.length], [1, 1]);
  // The probe renewed the entry: the next open within the window asks nothing.
  await cache.get(NAME);
  assert.deepEqual([s.reads.length, s.probes.length], [1, 1]);
});

test('a changed resourceVersion makes the next open read the CRD again', async () => {
  const s = fakeServer('a');
  s.put(NAME, '5');
  const c = clock();
  const cache = createCrdCache({ client: s.client, now: c.now, freshMs: 10_000 });
  await cache.get(NAME);
  s.put(NAME, '9', 'A widget, now documented');
  c.advance(11_000);
  const next = await cache.get(NAME);
  assert.equal(s.reads.length, 2);
  assert.equal(next.crd.metadata.resourceVersion, '9');
  assert.equal(next.version('v1')?.schema?.openAPIV3Schema?.description, 'A widget, now documented');
});

test('forget makes the next open read again, even while a read was out', async () => {
  const s = fakeServer('a');
  s.put(NAME, '5');
  const cache = createCrdCache({ client: s.client, now: clock().now });
  await cache.get(NAME);
  cache.forget(NAME);
  await cache.get(NAME);
  assert.equal(s.reads.length, 2);
  // A read begun before forget() answers its caller but is not kept.
  s.put('other.example.com', '1');
  const out = cache.get('other.example.com');
  cache.forget();
  assert.equal((await out).crd.metadata.name, 'other.example.com');
  await cache.get('other.example.com');
  assert.equal(s.reads.length, 4);
});

test('a deleted CRD is not served from the cache once its probe says so', async () => {
  const s = fakeServer('a');
  s.put(NAME, '5');
  const c = clock();
  const cache = createCrdCache({ client: s.client, now: c.now, freshMs: 10_000 });
  await cache.get(NAME);
  s.crds.delete(NAME);
  c.advance(11_000);
  await assert.rejects(cache.get(NAME), (e: K8sError) => e.code === 404);
  s.put(NAME, '12');
  const back = await cache.get(NAME);
  assert.equal(back.crd.metadata.resourceVersion, '12');
});

test('caches of different profiles never share entries', async () => {
  const a = fakeServer('a');
  const b = fakeServer('b');
  a.put(NAME, '5', 'from a');
  b.put(NAME, '5', 'from b');
  const c = clock();
  const cacheA = createCrdCache({ client: a.client, now: c.now });
  const cacheB = createCrdCache({ client: b.client, now: c.now });
  const fromA = await cacheA.get(NAME);
  const fromB = await cacheB.get(NAME);
  assert.equal(fromA.version('v1')?.schema?.openAPIV3Schema?.description, 'from a');
  assert.equal(fromB.version('v1')?.schema?.openAPIV3Schema?.description, 'from b');
  assert.deepEqual([a.reads.length, b.reads.length], [1, 1]);
});

test('retain drops the CRDs the polled list no longer has, and keeps the others', async () => {
  const s = fakeServer('a');
  s.put(NAME, '5');
  s.put('gadgets.example.com', '6');
  const cache = createCrdCache({ client: s.client, now: clock().now });
  await cache.get(NAME);
  await cache.get('gadgets.example.com');
  cache.retain(new Set(['gadgets.example.com']));
  await cache.get('gadgets.example.com');
  assert.equal(s.reads.length, 2, 'a listed CRD stays cached');
  await cache.get(NAME);
  assert.equal(s.reads.length, 3, 'an unlisted one is read again');
});
