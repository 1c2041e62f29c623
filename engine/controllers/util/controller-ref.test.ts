import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore } from '../../apiserver/testing/test-cluster';
import { R, type KubeClient } from '../../client/types';
import type { KubeObject } from '../../kinds/types';
import { claimObjects, controllerRefOf, ownerRefFor } from './controller-ref';

const configMap = (name: string, labels: Record<string, string>, ownerReferences?: KubeObject['metadata']['ownerReferences']) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', labels, ...(ownerReferences ? { ownerReferences } : {}) },
});

async function setup(client: KubeClient) {
  const owner = await client.create(R.configmaps, 'default', configMap('owner', {}));
  const other = await client.create(R.configmaps, 'default', configMap('other', {}));
  const mk = (name: string, app: string, ref?: KubeObject) =>
    client.create(R.configmaps, 'default', configMap(name, { app }, ref ? [ownerRefFor(ref, 'v1', 'ConfigMap')] : undefined));
  return {
    owner,
    candidates: [
      await mk('orphan-match', 'web'),
      await mk('orphan-nomatch', 'db'),
      await mk('ours-match', 'web', owner),
      await mk('ours-nomatch', 'db', owner),
      await mk('theirs', 'web', other),
    ],
  };
}

const opts = (client: KubeClient, owner: KubeObject) => ({
  client,
  owner,
  ownerRes: R.configmaps,
  res: R.configmaps,
  ref: ownerRefFor(owner, 'v1', 'ConfigMap'),
  matches: (o: KubeObject) => o.metadata.labels?.app === 'web',
});

const refUid = async (client: KubeClient, name: string) => controllerRefOf(await client.get(R.configmaps, 'default', name))?.uid;

void test('claim keeps, releases and adopts as upstream; another controller`s objects are left alone', async () => {
  const tc = await startTestCore();
  try {
    const { owner, candidates } = await setup(tc.client);
    const claimed = await claimObjects(opts(tc.client, owner), candidates);
    assert.deepEqual(claimed.map((o) => o.metadata.name).sort(), ['orphan-match', 'ours-match']);
    assert.equal(await refUid(tc.client, 'orphan-match'), owner.metadata.uid);
    assert.equal(await refUid(tc.client, 'ours-nomatch'), undefined, 'released');
    assert.notEqual(await refUid(tc.client, 'theirs'), owner.metadata.uid);
    assert.equal(await refUid(tc.client, 'orphan-nomatch'), undefined);
  } finally {
    await tc.close();
  }
});

void test('no adoption when the live controller is gone or is another of that name (re-check before adopting)', async () => {
  const tc = await startTestCore();
  try {
    const { owner, candidates } = await setup(tc.client);
    await tc.client.delete(R.configmaps, 'default', 'owner');
    await tc.client.create(R.configmaps, 'default', configMap('owner', {})); // a namesake with a new uid
    const claimed = await claimObjects(opts(tc.client, owner), candidates);
    assert.deepEqual(
      claimed.map((o) => o.metadata.name),
      ['ours-match'],
    );
    assert.equal(await refUid(tc.client, 'orphan-match'), undefined);
  } finally {
    await tc.close();
  }
});

void test('a controller being deleted neither adopts nor releases; objects already gone (404) are skipped', async () => {
  const tc = await startTestCore();
  try {
    const { owner, candidates } = await setup(tc.client);
    const deleting = { ...owner, metadata: { ...owner.metadata, deletionTimestamp: new Date().toISOString() } };
    const claimed = await claimObjects(opts(tc.client, deleting), candidates);
    assert.deepEqual(
      claimed.map((o) => o.metadata.name),
      ['ours-match'],
    );
    assert.equal(await refUid(tc.client, 'ours-nomatch'), owner.metadata.uid, 'not released');
    await tc.client.delete(R.configmaps, 'default', 'orphan-match');
    await tc.client.delete(R.configmaps, 'default', 'ours-nomatch');
    const after = await claimObjects(opts(tc.client, owner), candidates);
    assert.deepEqual(
      after.map((o) => o.metadata.name),
      ['ours-match'],
    );
  } finally {
    await tc.close();
  }
});
