import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNodeCache, makePodInfo } from './node-cache';
import { buildPodContext } from './pod-context';
import { createNodeFinder } from './find-node';
import { planPreemption } from './preemption';
import { makeNode, makePod } from './testing/fixtures';

function cluster() {
  const cache = createNodeCache();
  cache.setNode(makeNode('a', { cpu: '2' }));
  cache.setNode(makeNode('b', { cpu: '2' }));
  cache.setNode(makeNode('c', { cpu: '2', taints: [{ key: 'dedicated', effect: 'NoSchedule' }] }));
  const bind = (name: string, node: string, cpu: string, priority: number) =>
    cache.addPod(makePodInfo(makePod(name, { cpu, node, priority }), node, priority));
  bind('a-low', 'a', '1', 0);
  bind('a-mid', 'a', '1', 100);
  bind('b-low1', 'b', '1', 0);
  bind('b-low2', 'b', '1', 0);
  return cache;
}

function plan(cache: ReturnType<typeof cluster>, cpu: string, priority: number, spec: any = {}) {
  const ctx = buildPodContext(makePod('hi', { cpu, priority, spec }), priority, { cache });
  const r = createNodeFinder(cache).find(ctx);
  assert.ok(r.node === undefined);
  return planPreemption(ctx, cache.nodes(), r.failures);
}

test('preemption picks the node whose victims have the lowest priority, with minimal victims', () => {
  const p = plan(cluster(), '1', 1000);
  assert.ok(p.plan);
  // On a, evicting a-low (priority 0) suffices; on b, one of the two priority-0 pods: tie on
  // max priority and sum, same count; a comes first. Either way exactly one victim of priority 0.
  assert.equal(p.plan.victims.length, 1);
  assert.equal(p.plan.victims[0].priority, 0);
});

test('preemption evicts several pods when one is not enough, and spares higher ones', () => {
  const p = plan(cluster(), '2', 50);
  assert.ok(p.plan);
  assert.equal(p.plan.node, 'b');
  assert.deepEqual(p.plan.victims.map((v) => v.key).sort(), ['default/b-low1', 'default/b-low2']);
});

test('no victims: the message says why per node', () => {
  const p = plan(cluster(), '1', 0);
  assert.ok(!p.plan);
  assert.equal(
    p.message,
    'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
  );
  const never = plan(cluster(), '1', 1000, { preemptionPolicy: 'Never' });
  assert.ok(!never.plan);
  assert.equal(never.message, 'preemption: not eligible due to preemptionPolicy=Never.');
});
