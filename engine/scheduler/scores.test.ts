import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNodeCache, makePodInfo } from './node-cache';
import { buildPodContext } from './pod-context';
import { leastAllocated, pickBest, scoreNodes } from './scores';
import { createNodeFinder, feasibleNodesToFind, fitErrorMessage } from './find-node';
import { makeNode, makePod } from './testing/fixtures';

test('leastAllocated prefers the emptier node', () => {
  const cache = createNodeCache();
  cache.setNode(makeNode('busy', { cpu: '4', memory: '8Gi' }));
  cache.setNode(makeNode('idle', { cpu: '4', memory: '8Gi' }));
  cache.addPod(makePodInfo(makePod('x', { cpu: '3', memory: '6Gi', node: 'busy' }), 'busy', 0));
  const ctx = buildPodContext(makePod('p', { cpu: '500m' }), 0, { cache });
  assert.ok(leastAllocated(ctx, cache.get('idle')!) > leastAllocated(ctx, cache.get('busy')!));
});

test("spreading: a workload's next pod goes where it has fewest pods", () => {
  const cache = createNodeCache();
  for (const n of ['a', 'b', 'c']) cache.setNode(makeNode(n));
  cache.addPod(makePodInfo(makePod('r1', { owner: 'rs', node: 'a' }), 'a', 0));
  cache.addPod(makePodInfo(makePod('r2', { owner: 'rs', node: 'b' }), 'b', 0));
  // An unrelated heavy pod on c must not outweigh the spread.
  cache.addPod(makePodInfo(makePod('big', { cpu: '1', node: 'c' }), 'c', 0));
  const ctx = buildPodContext(makePod('r3', { owner: 'rs' }), 0, { cache });
  const nodes = cache.nodes();
  const s = scoreNodes(ctx, nodes);
  assert.equal(nodes[pickBest(s)].name, 'c');
});

test('preferred node affinity and PreferNoSchedule taints steer the choice', () => {
  const cache = createNodeCache();
  cache.setNode(makeNode('plain'));
  cache.setNode(makeNode('ssd', { labels: { disk: 'ssd' } }));
  cache.setNode(makeNode('soft', { labels: { disk: 'ssd' }, taints: [{ key: 'k', effect: 'PreferNoSchedule' }] }));
  const pod = makePod('p', {
    spec: {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 50, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
          ],
        },
      },
    },
  });
  const nodes = cache.nodes();
  assert.equal(nodes[pickBest(scoreNodes(buildPodContext(pod, 0, { cache }), nodes))].name, 'ssd');
});

test('preferred pod anti-affinity pushes a pod away from matching pods', () => {
  const cache = createNodeCache();
  cache.setNode(makeNode('a'));
  cache.setNode(makeNode('b'));
  cache.addPod(makePodInfo(makePod('db', { labels: { app: 'db' }, node: 'a' }), 'a', 0));
  const pod = makePod('p', {
    spec: {
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' } },
          ],
        },
      },
    },
  });
  const nodes = cache.nodes();
  for (let i = 0; i < 5; i++) assert.equal(nodes[pickBest(scoreNodes(buildPodContext(pod, 0, { cache }), nodes))].name, 'b');
});

test('pickBest breaks ties at random', () => {
  const seen = new Set<number>();
  let x = 0;
  const rnd = () => (x = (x * 9301 + 49297) % 233280) / 233280;
  for (let i = 0; i < 50; i++) seen.add(pickBest([5, 9, 9, 9, 1], rnd));
  assert.deepEqual([...seen].sort(), [1, 2, 3]);
});

test('feasibleNodesToFind follows the adaptive percentage', () => {
  assert.equal(feasibleNodesToFind(50), 50);
  assert.equal(feasibleNodesToFind(100), 100);
  assert.equal(feasibleNodesToFind(1000), 420);
  assert.equal(feasibleNodesToFind(5000), 500);
});

test('the finder evaluates only as many nodes as needed, round-robin', () => {
  const cache = createNodeCache();
  for (let i = 0; i < 1000; i++) cache.setNode(makeNode(`n${String(i).padStart(4, '0')}`));
  const finder = createNodeFinder(cache);
  const r = finder.find(buildPodContext(makePod('p'), 0, { cache }));
  assert.ok(r.node !== undefined && r.evaluated === 420 && r.feasible === 420);
});

test('fitErrorMessage aggregates and sorts reasons like kube-scheduler', () => {
  const msg = fitErrorMessage(3, [
    { reasons: ['Insufficient memory'] },
    { reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'] },
    { reasons: ['Insufficient memory'] },
  ]);
  assert.equal(
    msg,
    '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory.',
  );
  const cache = createNodeCache();
  for (const n of ['a', 'b', 'c']) cache.setNode(makeNode(n, { cpu: '1' }));
  const r = createNodeFinder(cache).find(buildPodContext(makePod('p', { cpu: '2' }), 0, { cache }));
  assert.ok(r.node === undefined);
  assert.equal(fitErrorMessage(r.numNodes, r.failures.values()), '0/3 nodes are available: 3 Insufficient cpu.');
});
