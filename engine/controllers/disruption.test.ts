import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore, eventually } from '../apiserver/testing/test-cluster';
import { R, type KubeClient } from '../client/types';
import { startControllerManager } from './manager';
import { computeBudget } from './disruption';

const ready = (name: string, ok = true) =>
  ({ metadata: { name }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: ok ? 'True' : 'False' }] } }) as any;

test('computeBudget: minAvailable int/percent and maxUnavailable against controller scale', () => {
  const pods = [ready('a'), ready('b'), ready('c', false)];
  assert.deepEqual(
    computeBudget({ minAvailable: 1 }, pods, () => 3),
    { expectedPods: 3, currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 },
  );
  assert.deepEqual(
    computeBudget({ minAvailable: '50%' }, pods, () => 4),
    { expectedPods: 4, currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 },
  );
  assert.deepEqual(
    computeBudget({ maxUnavailable: 1 }, pods, () => 3),
    { expectedPods: 3, currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 },
  );
  assert.deepEqual(
    computeBudget({ maxUnavailable: '100%' }, pods, () => 3),
    { expectedPods: 3, currentHealthy: 2, desiredHealthy: 0, disruptionsAllowed: 2 },
  );
  // An eviction recorded in disruptedPods stops counting the pod as healthy.
  assert.equal(computeBudget({ minAvailable: 1 }, pods, () => 3, { a: '2026-01-01T00:00:00Z' }).disruptionsAllowed, 0);
});

async function readyPod(c: KubeClient, name: string) {
  await c.create(R.pods, 'default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'db' } },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] },
  });
  const p = await c.get(R.pods, 'default', name);
  p.status = { ...p.status, phase: 'Running', podIP: '10.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] };
  await c.update(R.pods, 'default', p, { subresource: 'status' });
}

test('PDB status follows pods and gates the eviction API', async () => {
  const tc = await startTestCore();
  const cm = await startControllerManager({ client: tc.client, only: ['disruption'] });
  const c = tc.client;
  try {
    await c.create(R.pdbs, 'default', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'db' },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'db' } } },
    });
    await readyPod(c, 'db-0');
    await readyPod(c, 'db-1');
    const status = async () => (await c.get(R.pdbs, 'default', 'db')).status;
    await eventually(async () => (await status()).currentHealthy === 2, 'two healthy');
    const s = await status();
    assert.equal(s.disruptionsAllowed, 0);
    assert.equal(s.observedGeneration, 1);
    assert.equal(s.conditions[0].type, 'DisruptionAllowed');
    assert.equal(s.conditions[0].status, 'False');
    const evict = () =>
      c.createSubresource(R.pods, 'default', 'db-0', 'eviction', {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: 'db-0', namespace: 'default' },
      });
    await assert.rejects(evict(), (e: any) => e.code === 429);

    await readyPod(c, 'db-2');
    await eventually(async () => (await status()).disruptionsAllowed === 1, 'one disruption allowed');
    assert.equal((await status()).conditions[0].reason, 'SufficientPods');
    await evict();
    await eventually(async () => (await status()).disruptionsAllowed === 0, 'budget used');
  } finally {
    cm.stop();
    await tc.close();
  }
});
