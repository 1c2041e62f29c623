import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNodeCache, makePodInfo } from './node-cache';
import { makeNode, makePod } from './testing/fixtures';

test('the cache accounts pods incrementally: add, replace an assumed pod, remove', () => {
  const cache = createNodeCache();
  cache.setNode(makeNode('n1', { cpu: '4', memory: '8Gi' }));
  const pod = makePod('a', { cpu: '500m', memory: '1Gi', labels: { app: 'x' } });
  pod.spec.containers[0].ports = [{ containerPort: 80, hostPort: 8080 }];
  cache.addPod(makePodInfo(pod, 'n1', 0, true));
  const n = cache.get('n1')!;
  assert.equal(n.reqCpu, 500);
  assert.equal(n.podCount, 1);
  assert.equal(n.ports.get('TCP/0.0.0.0/8080'), 1);
  const wid = cache.workloadId('labels:default:app=x');
  assert.ok(wid >= 0);
  assert.equal(n.workloads.get(wid), 1);
  // The confirmed (bound) version replaces the assumed one without double counting.
  cache.addPod(makePodInfo(pod, 'n1', 0, false));
  assert.equal(n.reqCpu, 500);
  assert.equal(n.podCount, 1);
  assert.equal(cache.getPod('default/a')?.assumed, false);
  cache.removePod('default/a');
  assert.equal(n.reqCpu, 0);
  assert.equal(n.podCount, 0);
  assert.equal(n.ports.size, 0);
  assert.equal(cache.workloadId('labels:default:app=x'), -1);
});

test('pods bound to an unknown node are kept until the node appears; removed nodes leave the list', () => {
  const cache = createNodeCache();
  cache.addPod(makePodInfo(makePod('early', { cpu: '1' }), 'later', 0));
  assert.equal(cache.nodes().length, 0);
  cache.setNode(makeNode('later'));
  assert.equal(cache.nodes().length, 1);
  assert.equal(cache.get('later')!.reqCpu, 1000);
  cache.removeNode('later');
  assert.equal(cache.nodes().length, 0);
  cache.removePod('default/early');
  assert.equal(cache.get('later'), undefined);
});

test('cordon, taints and readiness are read from the node object', () => {
  const cache = createNodeCache();
  const n = cache.setNode(makeNode('n', { unschedulable: true, ready: false, taints: [{ key: 'a', effect: 'NoSchedule' }] }));
  assert.equal(n.unschedulable, true);
  assert.deepEqual(
    n.taints.map((t) => t.key),
    ['a', 'node.kubernetes.io/not-ready'],
  );
  const again = cache.setNode(makeNode('n'));
  assert.equal(again.unschedulable, false);
  assert.deepEqual(again.taints, []);
});
