import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinKinds, createKindRegistry } from '../../kinds/defs/registry';
import type { KindDef } from '../../kinds/types';
import { R } from '../../client/types';
import { ApiError } from '../status';
import { findSubresource } from './subresource-table';
import { startTestCore } from '../testing/test-cluster';

const kinds = createKindRegistry(builtinKinds());
const def = (group: string, version: string, plural: string): KindDef => kinds.byResource(group, version, plural)!;

test('subresources are found by group/resource/subresource, not by kind name', () => {
  const pods = def('', 'v1', 'pods');
  for (const sub of ['binding', 'eviction', 'ephemeralcontainers', 'log', 'exec', 'attach', 'portforward', 'status']) {
    assert.ok(findSubresource(pods, sub), `pods/${sub}`);
  }
  assert.equal(findSubresource(pods, 'scale'), undefined);
  assert.equal(findSubresource(pods, 'finalize'), undefined);
  assert.ok(findSubresource(def('', 'v1', 'namespaces'), 'finalize'));
  assert.ok(findSubresource(def('', 'v1', 'serviceaccounts'), 'token'));
  assert.equal(findSubresource(def('', 'v1', 'configmaps'), 'token'), undefined);
  // A custom resource that calls its kind Pod gets none of the core pod's subresources.
  const fakePod: KindDef = { ...pods, group: 'example.com', customResource: true, subresources: {} };
  assert.equal(findSubresource(fakePod, 'binding'), undefined);
  assert.equal(findSubresource(fakePod, 'status'), undefined);
});

test('status and scale belong to any kind that declares them', () => {
  const deployments = def('apps', 'v1', 'deployments');
  assert.ok(findSubresource(deployments, 'scale'));
  assert.ok(findSubresource(deployments, 'status'));
  assert.equal(findSubresource(def('', 'v1', 'configmaps'), 'status'), undefined);
  // Only write methods that take a body reach the in-process client.
  assert.equal(findSubresource(deployments, 'scale')?.create, undefined);
  assert.ok(findSubresource(def('', 'v1', 'pods'), 'binding')?.create);
});

test('the in-process client binds through the same pods/binding handler, and refuses what has no such handler', async (t) => {
  const c = await startTestCore();
  t.after(() => c.close());
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
  await c.client.create(R.pods, 'default', pod);
  // A node name that is not a DNS subdomain is refused (422), and the pod stays unbound.
  await assert.rejects(
    c.client.createSubresource(R.pods, 'default', 'p', 'binding', { target: { name: '../Node_A' } }),
    (err: unknown) => err instanceof ApiError && err.code === 422 && /target\.name/.test(err.message),
  );
  assert.equal(((await c.client.get(R.pods, 'default', 'p')).spec as { nodeName?: string }).nodeName, undefined);
  await c.client.createSubresource(R.pods, 'default', 'p', 'binding', { target: { name: 'node-a' } });
  const bound = await c.client.get(R.pods, 'default', 'p');
  assert.equal((bound.spec as { nodeName?: string }).nodeName, 'node-a');
  // Bound once: the handler's own 409.
  await assert.rejects(
    c.client.createSubresource(R.pods, 'default', 'p', 'binding', { target: { name: 'node-b' } }),
    (err: unknown) => err instanceof ApiError && err.code === 409,
  );
  for (const [res, sub] of [
    [R.pods, 'status'],
    [R.configmaps, 'binding'],
  ] as const) {
    await assert.rejects(
      c.client.createSubresource(res, 'default', 'p', sub, {}),
      (err: unknown) => err instanceof ApiError && err.code === 404,
      `${res.plural}/${sub}`,
    );
  }
});
