import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore, eventually } from '../apiserver/testing/test-cluster';
import { createInformerFactory } from '../client/informer-factory';
import { R } from '../client/types';
import { createEventRecorder } from '../client/event-recorder';
import { createHpaController } from './hpa';
import type { MetricsSnapshot } from './types';
import { behaviorOf, emptyHistory, normalizeReplicas } from './hpa-behavior';
import { resourceReplicas } from './hpa-replicas';
import { storedResources } from '../apiserver/stored-resources';

const pod = (name: string, phase = 'Running', ready = true) => ({
  metadata: { name, namespace: 'default', labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
  status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

test('replica arithmetic: tolerance, scale up, unready pods ignored when scaling up', () => {
  const m = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } };
  const usage = new Map([
    ['a', 0.052],
    ['b', 0.05],
  ]);
  assert.equal(resourceReplicas(m, 2, [pod('a'), pod('b')], usage).replicas, 2, 'within 10%');
  usage.set('a', 0.2).set('b', 0.2);
  const r = resourceReplicas(m, 2, [pod('a'), pod('b')], usage);
  assert.equal(r.replicas, 8);
  assert.equal(r.status.resource?.current.averageUtilization, 200);
  assert.equal(r.status.resource?.current.averageValue, '200m');
  // An unready pod counts as idle on the way up: 2 pods at 200% + 1 at 0% → ratio 8/3 → 8.
  assert.equal(resourceReplicas(m, 3, [pod('a'), pod('b'), pod('c', 'Running', false)], usage).replicas, 8);
  const avg = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '32Mi' } } };
  assert.equal(resourceReplicas(avg, 1, [pod('a')], new Map([['a', 64 * 2 ** 20]])).replicas, 2);
  const cr = {
    type: 'ContainerResource',
    containerResource: { name: 'cpu', container: 'c', target: { type: 'Utilization', averageUtilization: 100 } },
  };
  const rc = resourceReplicas(cr, 1, [pod('a')], new Map([['a', 0.3]]));
  assert.deepEqual(
    [rc.replicas, rc.status.containerResource?.current.averageUtilization, rc.description],
    [3, 300, 'cpu container resource utilization (percentage of request)'],
  );
  // Missing metrics count as fully used when scaling down: 1 pod at 10% + 1 unknown → no change below 2.
  assert.equal(resourceReplicas(m, 2, [pod('a'), pod('b')], new Map([['a', 0.005]])).replicas, 2);
});

test('behavior: scale-down stabilization window holds the highest recent recommendation', () => {
  const h = emptyHistory();
  const b = behaviorOf({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } });
  assert.equal(normalizeReplicas(h, b, 4, 4, 1, 10, 0).replicas, 4);
  assert.equal(normalizeReplicas(h, b, 4, 1, 1, 10, 10_000).replicas, 4, 'within the window');
  assert.equal(normalizeReplicas(h, b, 4, 1, 1, 10, 70_000).replicas, 1, 'after the window');
  const up = normalizeReplicas(emptyHistory(), behaviorOf({}), 1, 20, 1, 10, 0);
  assert.deepEqual([up.replicas, up.limited.reason], [5, 'ScaleUpLimit'], '4 pods per 15 s from 1');
  const max = normalizeReplicas(emptyHistory(), behaviorOf({}), 4, 20, 1, 6, 0);
  assert.deepEqual([max.replicas, max.limited.reason], [6, 'TooManyReplicas']);
});

test('HPA scales a deployment up on high cpu and back down, with status and events', async () => {
  const t = await startTestCore();
  const { client } = t;
  const informers = createInformerFactory(client);
  const events = createEventRecorder({ client, component: 'test' });
  let cpu = 0.2; // cores per pod
  const metrics = (): MetricsSnapshot => ({
    nodes: [],
    pods: [
      {
        namespace: 'default',
        name: 'web-1',
        timestamp: new Date().toISOString(),
        containers: [{ name: 'c', cpuNanoCores: cpu * 1e9, memoryBytes: 1 << 20 }],
      },
    ],
  });
  const ctrl = createHpaController({ client, informers, events, log: () => {}, now: () => new Date() }, { syncPeriodMs: 100, metrics });
  try {
    await client.create(R.deployments, 'default', {
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
      },
    });
    const p = pod('web-1');
    const created = await client.create(R.pods, 'default', { metadata: p.metadata, spec: p.spec });
    await client.update(R.pods, 'default', { ...created, status: p.status }, { subresource: 'status' });
    await ctrl.start();
    await informers.start();
    await client.create(R.hpas, 'default', {
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
      },
    });
    await eventually(async () => (await client.get(R.deployments, 'default', 'web')).spec.replicas === 4, 'scale up to 4');
    const hpa = (await eventually(async () => {
      const h = await client.get(R.hpas, 'default', 'web');
      return h.status?.desiredReplicas === 4 && h.status.currentMetrics?.[0] ? h : undefined;
    }, 'status'))!;
    assert.equal(hpa.status.currentMetrics[0].resource.current.averageUtilization, 200);
    assert.ok(hpa.status.lastScaleTime);
    assert.deepEqual(
      hpa.status.conditions.map((c: any) => c.type),
      ['AbleToScale', 'ScalingActive', 'ScalingLimited'],
    );
    await events.flush();
    const evs = (await client.list(R.events, 'default')).items.filter((e) => e.reason === 'SuccessfulRescale');
    assert.equal(evs[0]?.message, 'New size: 4; reason: cpu resource utilization (percentage of request) above target');

    cpu = 0.01;
    await eventually(async () => (await client.get(R.deployments, 'default', 'web')).spec.replicas === 1, 'scale down to 1');
    await events.flush();
    const down = (await client.list(R.events, 'default')).items.find((e) => e.message === 'New size: 1; reason: All metrics below target');
    assert.ok(down, 'scale-down event');
  } finally {
    ctrl.stop();
    informers.stop();
    await t.close();
  }
});

test('HPA scales a custom resource through its /scale subresource', async () => {
  const t = await startTestCore();
  const { client } = t;
  const informers = createInformerFactory(client);
  const events = createEventRecorder({ client, component: 'test' });
  const metrics = (): MetricsSnapshot => ({
    nodes: [],
    pods: [
      {
        namespace: 'default',
        name: 'web-1',
        timestamp: new Date().toISOString(),
        containers: [{ name: 'c', cpuNanoCores: 0.2e9, memoryBytes: 1 << 20 }],
      },
    ],
  });
  const ctrl = createHpaController(
    { client, informers, events, log: () => {}, now: () => new Date(), resources: storedResources(t.core) },
    { syncPeriodMs: 100, metrics },
  );
  const apps = { group: 'hpa.skiff.test', version: 'v1', plural: 'apps' };
  await t.core.crds.start();
  try {
    await client.create({ group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' }, undefined, {
      metadata: { name: 'apps.hpa.skiff.test' },
      spec: {
        group: 'hpa.skiff.test',
        scope: 'Namespaced',
        names: { plural: 'apps', singular: 'app', kind: 'App' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
            subresources: {
              status: {},
              scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
            },
          },
        ],
      },
    });
    const app = (await eventually(async () => {
      try {
        return await client.create(apps, 'default', { metadata: { name: 'web' }, spec: { replicas: 1 } });
      } catch {
        return undefined; // not served yet
      }
    }, 'the CRD served'))!;
    await client.update(apps, 'default', { ...app, status: { replicas: 1, selector: 'app=web' } }, { subresource: 'status' });
    const p = pod('web-1');
    const created = await client.create(R.pods, 'default', { metadata: p.metadata, spec: p.spec });
    await client.update(R.pods, 'default', { ...created, status: p.status }, { subresource: 'status' });
    await ctrl.start();
    await informers.start();
    await client.create(R.hpas, 'default', {
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { apiVersion: 'hpa.skiff.test/v1', kind: 'App', name: 'web' },
        minReplicas: 1,
        maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      },
    });
    const replicas = async () => ((await client.get(apps, 'default', 'web')).spec as { replicas?: number }).replicas;
    await eventually(async () => (await replicas()) === 4, 'custom resource scaled to 4');
    const scale = (await client.getScale!(apps, 'default', 'web')) as unknown as {
      kind: string;
      spec: { replicas: number };
      status: { selector: string };
    };
    assert.deepEqual([scale.kind, scale.spec.replicas, scale.status.selector], ['Scale', 4, 'app=web']);
  } finally {
    ctrl.stop();
    informers.stop();
    await t.close();
  }
});
