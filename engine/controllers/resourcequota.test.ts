import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore, eventually } from '../apiserver/testing/test-cluster';
import { createInformerFactory } from '../client/informer-factory';
import { R } from '../client/types';
import { createEventRecorder } from '../client/event-recorder';
import { createResourceQuotaController } from './resourcequota';

test('quota status follows usage: hard mirrored, used recounted after deletes', async () => {
  const t = await startTestCore();
  const { client } = t;
  const informers = createInformerFactory(client);
  const events = createEventRecorder({ client, component: 'test' });
  const ctrl = createResourceQuotaController({ client, informers, events, log: () => {}, now: () => new Date() });
  try {
    await ctrl.start();
    await informers.start();
    const pod = (name: string) => ({
      metadata: { name },
      spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { memory: '64Mi' }, limits: { memory: '128Mi' } } }] },
    });
    await client.create(R.pods, 'default', pod('a'));
    await client.create(R.resourcequotas, 'default', {
      metadata: { name: 'q' },
      spec: { hard: { pods: '10', 'requests.memory': '1Gi', 'limits.memory': '1Gi', 'count/deployments.apps': '3' } },
    });
    const want = { pods: '1', 'requests.memory': '64Mi', 'limits.memory': '128Mi', 'count/deployments.apps': '0' };
    await eventually(
      async () => JSON.stringify((await client.get(R.resourcequotas, 'default', 'q')).status?.used) === JSON.stringify(want),
      'initial usage',
    );
    const q = await client.get(R.resourcequotas, 'default', 'q');
    assert.deepEqual(q.status.hard, q.spec.hard);
    await client.create(R.pods, 'default', pod('b'));
    await client.delete(R.pods, 'default', 'a');
    await client.delete(R.pods, 'default', 'b');
    await eventually(async () => (await client.get(R.resourcequotas, 'default', 'q')).status?.used?.pods === '0', 'usage after deletes');
  } finally {
    ctrl.stop();
    informers.stop();
    await t.close();
  }
});
