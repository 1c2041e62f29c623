import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore, type TestCluster } from '../testing/test-cluster';
import { R } from '../../client/types';

let t: TestCluster;
before(async () => {
  t = await startTestCore();
  for (const name of ['quota', 'limits', 'prio']) await t.client.create(R.namespaces, undefined, { metadata: { name } });
});
after(() => t.close());

const pod = (name: string, resources: object = {}, extra: object = {}) => ({
  metadata: { name },
  spec: { containers: [{ name: 'app', image: 'x', resources }], ...extra },
});

async function rejects(p: Promise<unknown>, code: number, message: string) {
  await assert.rejects(p, (e: any) => {
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

test('ResourceQuota refuses the pod past the limit with the upstream message', async () => {
  const { client } = t;
  await client.create(R.resourcequotas, 'quota', { metadata: { name: 'q' }, spec: { hard: { pods: '2', 'requests.cpu': '1' } } });
  await client.create(R.pods, 'quota', pod('a', { requests: { cpu: '400m' } }));
  await client.create(R.pods, 'quota', pod('b', { requests: { cpu: '400m' } }));
  const q = await client.get(R.resourcequotas, 'quota', 'q');
  assert.deepEqual(q.status.used, { pods: '2', 'requests.cpu': '800m' });
  await rejects(
    client.create(R.pods, 'quota', pod('c', { requests: { cpu: '100m' } })),
    403,
    'pods "c" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2',
  );
  await rejects(
    client.create(R.pods, 'quota', pod('d')),
    403,
    'pods "d" is forbidden: failed quota: q: must specify requests.cpu for: app',
  );
  // Other kinds are not charged by a pods/cpu quota.
  await client.create(R.configmaps, 'quota', { metadata: { name: 'cm' }, data: {} });
});

test('ResourceQuota counts configmaps and object counts', async () => {
  const { client } = t;
  await client.create(R.resourcequotas, 'quota', {
    metadata: { name: 'objects' },
    spec: { hard: { configmaps: '2', 'count/secrets': '0' } },
  });
  await rejects(
    client.create(R.secrets, 'quota', { metadata: { name: 's' } }),
    403,
    'secrets "s" is forbidden: exceeded quota: objects, requested: count/secrets=1, used: count/secrets=0, limited: count/secrets=0',
  );
  // cm from the first test already counts: one more fits, the next does not.
  await client.create(R.configmaps, 'quota', { metadata: { name: 'cm2' }, data: {} });
  await rejects(
    client.create(R.configmaps, 'quota', { metadata: { name: 'cm3' }, data: {} }),
    403,
    'configmaps "cm3" is forbidden: exceeded quota: objects, requested: configmaps=1, used: configmaps=2, limited: configmaps=2',
  );
});

test('LimitRange fills default requests and limits and enforces max', async () => {
  const { client } = t;
  await client.create(R.limitranges, 'limits', {
    metadata: { name: 'lr' },
    spec: {
      limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' }, max: { cpu: '1' } }],
    },
  });
  const p = await client.create(R.pods, 'limits', pod('web'));
  assert.deepEqual(p.spec.containers[0].resources, {
    limits: { cpu: '500m', memory: '256Mi' },
    requests: { cpu: '100m', memory: '256Mi' },
  });
  assert.equal(
    p.metadata.annotations?.['kubernetes.io/limit-ranger'],
    'LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app',
  );
  assert.equal(p.status.qosClass, 'Burstable');
  await rejects(
    client.create(R.pods, 'limits', pod('big', { limits: { cpu: '2' } })),
    403,
    'pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2',
  );
});

test('PriorityClass admission resolves priority, the global default and system classes', async () => {
  const { client } = t;
  await client.create(R.priorityclasses, undefined, { metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'Never' });
  const hi = await client.create(R.pods, 'prio', pod('hi', {}, { priorityClassName: 'high' }));
  assert.deepEqual([hi.spec.priority, hi.spec.preemptionPolicy], [1000, 'Never']);
  const sys = await client.create(R.pods, 'prio', pod('sys', {}, { priorityClassName: 'system-node-critical' }));
  assert.equal(sys.spec.priority, 2000001000);
  await rejects(
    client.create(R.pods, 'prio', pod('x', {}, { priorityClassName: 'nope' })),
    403,
    'pods "x" is forbidden: no PriorityClass with name nope was found',
  );
  const plain = await client.create(R.pods, 'prio', pod('plain'));
  assert.equal(plain.spec.priority, 0);
  await client.create(R.priorityclasses, undefined, { metadata: { name: 'dflt' }, value: 50, globalDefault: true });
  const d = await client.create(R.pods, 'prio', pod('dflt'));
  assert.deepEqual([d.spec.priorityClassName, d.spec.priority], ['dflt', 50]);
});

test('admission follows deletes of policy objects and does not charge refused creates', async () => {
  const { client } = t;
  await client.create(R.namespaces, undefined, { metadata: { name: 'churn' } });
  await client.create(R.limitranges, 'churn', {
    metadata: { name: 'lr' },
    spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '50m' } }] },
  });
  assert.equal((await client.create(R.pods, 'churn', pod('one'))).spec.containers[0].resources.requests?.cpu, '50m');
  await client.delete(R.limitranges, 'churn', 'lr');
  assert.equal((await client.create(R.pods, 'churn', pod('two'))).spec.containers[0].resources.requests, undefined);

  await client.create(R.resourcequotas, 'churn', { metadata: { name: 'q' }, spec: { hard: { pods: '3' } } });
  await assert.rejects(client.create(R.pods, 'churn', pod('one')), (e: any) => e.code === 409);
  await assert.rejects(client.create(R.pods, 'churn', pod('bad name!')), (e: any) => e.code === 422);
  assert.equal((await client.get(R.resourcequotas, 'churn', 'q')).status.used, undefined, 'refused creates charge nothing');
  await client.create(R.pods, 'churn', pod('five'));
  assert.equal((await client.get(R.resourcequotas, 'churn', 'q')).status.used.pods, '3', 'two stored pods counted, plus the new one');
  await assert.rejects(client.create(R.pods, 'churn', pod('six')), (e: any) => e.code === 403);
  await client.delete(R.resourcequotas, 'churn', 'q');
  await client.create(R.pods, 'churn', pod('three'));
  await client.create(R.pods, 'churn', pod('four'));
});

test('LimitRange min, ratio and Pod totals; several violations are listed together', async () => {
  const { client } = t;
  await client.create(R.namespaces, undefined, { metadata: { name: 'lr2' } });
  await client.create(R.limitranges, 'lr2', {
    metadata: { name: 'lr' },
    spec: {
      limits: [
        { type: 'Container', min: { memory: '32Mi' }, maxLimitRequestRatio: { cpu: '2' } },
        { type: 'Pod', max: { memory: '100Mi' } },
      ],
    },
  });
  await rejects(
    client.create(R.pods, 'lr2', pod('ratio', { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '400m', memory: '64Mi' } })),
    403,
    'pods "ratio" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000',
  );
  await rejects(
    client.create(R.pods, 'lr2', pod('small', { requests: { cpu: '100m', memory: '16Mi' }, limits: { cpu: '100m', memory: '128Mi' } })),
    403,
    'pods "small" is forbidden: [minimum memory usage per Container is 32Mi, but request is 16Mi, maximum memory usage per Pod is 100Mi, but limit is 128Mi]',
  );
  await client.create(R.pods, 'lr2', pod('fine', { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '150m', memory: '64Mi' } }));
});

test('scoped quotas only count the pods in scope', async () => {
  const { client } = t;
  await client.create(R.namespaces, undefined, { metadata: { name: 'scoped' } });
  await client.create(R.resourcequotas, 'scoped', { metadata: { name: 'be' }, spec: { hard: { pods: '1' }, scopes: ['BestEffort'] } });
  await client.create(R.pods, 'scoped', pod('be1'));
  await rejects(
    client.create(R.pods, 'scoped', pod('be2')),
    403,
    'pods "be2" is forbidden: exceeded quota: be, requested: pods=1, used: pods=1, limited: pods=1',
  );
  await client.create(R.pods, 'scoped', pod('burstable', { requests: { cpu: '10m' } }));
  await client.create(R.configmaps, 'scoped', { metadata: { name: 'not-tracked' } });
});
