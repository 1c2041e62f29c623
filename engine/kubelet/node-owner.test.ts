import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore } from '../apiserver/testing/test-cluster';
import { R } from '../client/types';
import { claimNode, createOwnedNodes, ownerOf } from './node-owner';
import { simulatedNode } from './simulated-node';

test('instances own their nodes: new ones take free names and pod CIDRs, and an unowned node goes to exactly one claimer', async () => {
  const tc = await startTestCore();
  try {
    // A node from before owners (an older cluster) is claimed, not doubled.
    await tc.client.create(R.nodes, undefined, simulatedNode('c-node-1', 0, true));
    assert.deepEqual(await createOwnedNodes(tc.client, 'c', 2, 'host_a', 'simulated'), ['c-node-1', 'c-node-2']);
    assert.equal(ownerOf(await tc.client.get(R.nodes, undefined, 'c-node-1')), 'host_a');
    assert.deepEqual(await createOwnedNodes(tc.client, 'c', 1, 'host_b', 'simulated'), ['c-node-3']);
    assert.deepEqual(await createOwnedNodes(tc.client, 'c', 2, 'host_a', 'simulated'), ['c-node-1', 'c-node-2'], 'kept, not made again');
    const nodes = (await tc.client.list(R.nodes, undefined)).items;
    assert.equal(new Set(nodes.map((n) => (n.spec as { podCIDR: string }).podCIDR)).size, 3, 'no pod CIDR twice');

    const free = await tc.client.create(R.nodes, undefined, simulatedNode('added', 9));
    const wins = await Promise.all([claimNode(tc.client, free, 'host_a'), claimNode(tc.client, free, 'host_b')]);
    assert.deepEqual(wins.sort(), [false, true]);
    const owner = ownerOf(await tc.client.get(R.nodes, undefined, 'added'));
    assert.ok(owner === 'host_a' || owner === 'host_b');
  } finally {
    await tc.close();
  }
});
