import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStepTracker, splitDetail } from './cluster-steps';

test('child steps tick rows off in order and report the runtime', () => {
  let now = 0;
  const t = createStepTracker('c', 2, () => now);
  assert.deepEqual(
    t.steps().map((s) => [s.id, s.state]),
    [
      ['certificates', 'running'],
      ['store', 'pending'],
      ['apiserver', 'pending'],
      ['controllers', 'pending'],
      ['kubeconfig', 'pending'],
      ['node:c-node-1', 'pending'],
      ['node:c-node-2', 'pending'],
    ],
  );
  t.childStep('pki', '/d/pki (40 ms)');
  assert.deepEqual(t.steps()[0], { id: 'certificates', label: 'Certificates', state: 'done', detail: '/d/pki', ms: 40 });
  assert.equal(t.steps()[1].state, 'running');
  t.childStep('store', 'sqlite /d/state.db (3 ms)');
  t.childStep('apiserver', 'https://127.0.0.1:1 (9 ms)');
  assert.deepEqual(t.childStep('nodes', '2 docker node(s), scheduler, controllers (5 ms)'), { runtime: 'docker' });
  t.childStep('kubeconfig', '/d/kubeconfig (1 ms)');
  assert.equal(t.progress(), 5 / 7);
  assert.equal(t.steps()[5].state, 'running');
  now = 100;
  t.nodes([
    { name: 'c-node-2', ready: true },
    { name: 'c-node-1', ready: false },
  ]);
  assert.deepEqual(
    t
      .steps()
      .slice(5)
      .map((s) => [s.label, s.state]),
    [
      ['Node c-node-1 ready', 'running'],
      ['Node c-node-2 ready', 'done'],
    ],
  );
  t.nodes([
    { name: 'c-node-1', ready: true },
    { name: 'c-node-2', ready: true },
    { name: 'c-node-3', ready: true },
  ]);
  assert.equal(t.steps().length, 8, 'a node the cluster already had gets a row too');
  assert.equal(t.progress(), 1);
});

test('a failure marks the running row', () => {
  const t = createStepTracker('c', 1);
  t.childStep('pki', 'x (1 ms)');
  t.fail('Docker is not reachable');
  const failed = t.steps().filter((s) => s.state === 'failed');
  assert.deepEqual(
    failed.map((s) => [s.id, s.detail]),
    [['store', 'Docker is not reachable']],
  );
});

test('splitDetail', () => {
  assert.deepEqual(splitDetail('sqlite /x (12 ms)'), { text: 'sqlite /x', ms: 12 });
  assert.deepEqual(splitDetail('plain'), { text: 'plain' });
  assert.deepEqual(splitDetail(undefined), {});
});

test('a Docker cluster reports its network first: a row of its own', () => {
  const t = createStepTracker('c', 1);
  t.childStep('network', 'pods 10.200.0.0/17, services 10.200.128.0/17, dns 10.200.128.10 (30 ms)');
  assert.deepEqual(
    t
      .steps()
      .slice(0, 2)
      .map((s) => [s.id, s.state]),
    [
      ['network', 'done'],
      ['certificates', 'running'],
    ],
  );
  assert.equal(t.steps()[0].detail, 'pods 10.200.0.0/17, services 10.200.128.0/17, dns 10.200.128.10');
});
