import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore, eventually, type TestCluster } from '../apiserver/testing/test-cluster';
import { R } from '../client/types';
import type { KubeObject } from '../kinds/types';
import { createInformerFactory } from '../client/informer-factory';
import { createInformer } from '../client/informer';
import { createEventRecorder } from '../client/event-recorder';
import type { ControllerDeps } from './types';
import { createReplicaSetController } from './replicaset';
import { createDeploymentController } from './deployment';
import { fenceposts, templateHash } from './deployment-util';
import { isScalingEvent, scaleDeployment } from './deployment-rollout';

const deployment = (name: string, spec: Record<string, any> = {}, image = 'nginx:1') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
    ...spec,
  },
});

describe('deployment controller', () => {
  let tc: TestCluster;
  let stop: () => void;
  const samples: { ready: number; total: number }[] = [];

  before(async () => {
    tc = await startTestCore();
    const informers = createInformerFactory(tc.client);
    const events = createEventRecorder({ client: tc.client, component: 'test' });
    const deps: ControllerDeps = {
      client: tc.client,
      informers,
      events,
      log: (l) => process.env.LOG && console.error(l),
      now: () => new Date(),
    };
    const cs = [createReplicaSetController(deps), createDeploymentController(deps)];
    for (const c of cs) await c.start();
    await informers.start();
    // Stands in for a kubelet: pods become Running and Ready shortly after creation,
    // except those labelled stuck=true.
    const pods = createInformer(tc.client, R.pods);
    const sample = () => {
      const live = pods.list().filter((p) => p.metadata.labels?.app === 'roll' && !p.metadata.deletionTimestamp);
      samples.push({
        total: live.length,
        ready: live.filter((p) => p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')).length,
      });
    };
    pods.addHandlers({
      add(p) {
        sample();
        if (p.metadata.labels?.stuck === 'true') return;
        setTimeout(() => {
          const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
          tc.client
            .patch(
              R.pods,
              p.metadata.namespace,
              p.metadata.name!,
              'merge',
              {
                status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] },
              },
              { subresource: 'status' },
            )
            .catch(() => {});
        }, 20);
      },
      update: sample,
      delete: sample,
    });
    await pods.start();
    stop = () => {
      cs.forEach((c) => c.stop());
      informers.stop();
      pods.stop();
    };
  });
  after(async () => {
    stop();
    await tc.close();
  });

  const get = (name: string) => tc.client.get(R.deployments, 'default', name);
  const rsOf = async (name: string) => (await tc.client.list(R.replicasets, 'default', { labelSelector: `app=${name}` })).items;
  const podsOf = async (name: string) => (await tc.client.list(R.pods, 'default', { labelSelector: `app=${name}` })).items;
  const complete = async (name: string, replicas: number) => {
    const d = await get(name);
    const s = d.status ?? {};
    return (
      s.observedGeneration === d.metadata.generation &&
      s.updatedReplicas === replicas &&
      s.replicas === replicas &&
      s.availableReplicas === replicas &&
      s.conditions?.some((c: any) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable') &&
      d
    );
  };

  test('creates a ReplicaSet per revision and rolls within maxSurge/maxUnavailable', async () => {
    await tc.client.create(
      R.deployments,
      'default',
      deployment('roll', { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } }),
    );
    const d1 = await eventually(() => complete('roll', 4), 'revision 1 complete');
    assert.equal(d1.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    const avail = d1.status.conditions.find((c: any) => c.type === 'Available');
    assert.equal(avail.reason, 'MinimumReplicasAvailable');
    const [rs1] = await rsOf('roll');
    const hash = rs1.metadata.labels?.['pod-template-hash'];
    assert.equal(rs1.metadata.name, `roll-${hash}`);
    assert.equal(rs1.spec.selector.matchLabels['pod-template-hash'], hash);
    assert.equal(rs1.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.equal(rs1.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '4');
    assert.equal(rs1.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '5');
    assert.equal(rs1.metadata.ownerReferences?.[0].kind, 'Deployment');
    for (const p of await podsOf('roll')) assert.equal(p.metadata.labels?.['pod-template-hash'], hash);

    samples.length = 0;
    await tc.client.patch(R.deployments, 'default', 'roll', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } },
    });
    await eventually(async () => (await get('roll')).metadata.generation === 2 && complete('roll', 4), 'revision 2 complete');
    const rss = await rsOf('roll');
    assert.equal(rss.length, 2);
    const rs2 = rss.find((r) => r.metadata.name !== rs1.metadata.name)!;
    assert.equal(rs2.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    assert.equal(rss.find((r) => r.metadata.name === rs1.metadata.name)!.spec.replicas, 0);
    assert.ok(samples.length > 4, 'observed the rollout');
    for (const s of samples) {
      assert.ok(s.total <= 5, `never more than replicas+maxSurge pods (saw ${s.total})`);
      assert.ok(s.ready >= 3, `never fewer than replicas-maxUnavailable ready (saw ${s.ready})`);
    }
    const events = (await tc.client.list(R.events, 'default')).items.filter(
      (e) => e.involvedObject.name === 'roll' && e.reason === 'ScalingReplicaSet',
    );
    assert.ok(
      events.some((e) => e.message === `Scaled up replica set ${rs1.metadata.name} to 4 from 0`),
      'creation event',
    );
    assert.ok(
      events.some((e) => e.message.startsWith(`Scaled down replica set ${rs1.metadata.name} to `)),
      'scale-down event',
    );

    // Back to revision 1's template (what `kubectl rollout undo` patches): the old RS is reused as revision 3.
    await tc.client.patch(R.deployments, 'default', 'roll', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } },
    });
    await eventually(async () => (await get('roll')).metadata.generation === 3 && complete('roll', 4), 'rolled back');
    const back = (await rsOf('roll')).find((r) => r.metadata.name === rs1.metadata.name)!;
    assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal((await get('roll')).metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal((await rsOf('roll')).length, 2);
  });

  test('scales up and down', async () => {
    await tc.client.create(R.deployments, 'default', deployment('scale', { replicas: 2 }));
    await eventually(() => complete('scale', 2), 'initial');
    await tc.client.patch(R.deployments, 'default', 'scale', 'merge', { spec: { replicas: 5 } });
    await eventually(() => complete('scale', 5), 'scaled up');
    await tc.client.patch(R.deployments, 'default', 'scale', 'merge', { spec: { replicas: 1 } });
    await eventually(async () => (await complete('scale', 1)) && (await podsOf('scale')).length === 1, 'scaled down');
    const [rs] = await rsOf('scale');
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '1');
  });

  test('paused deployments do not roll out until resumed', async () => {
    await tc.client.create(R.deployments, 'default', deployment('pause', { replicas: 1 }));
    await eventually(() => complete('pause', 1), 'initial');
    await tc.client.patch(R.deployments, 'default', 'pause', 'merge', { spec: { paused: true } });
    await eventually(
      async () =>
        (await get('pause')).status.conditions?.some(
          (c: any) => c.type === 'Progressing' && c.reason === 'DeploymentPaused' && c.status === 'Unknown',
        ),
      'paused condition',
    );
    await tc.client.patch(R.deployments, 'default', 'pause', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } },
    });
    await eventually(async () => (await get('pause')).status.observedGeneration === 3, 'observed');
    await new Promise((r) => setTimeout(r, 150));
    assert.equal((await rsOf('pause')).length, 1, 'no new ReplicaSet while paused');
    await tc.client.patch(R.deployments, 'default', 'pause', 'merge', { spec: { paused: false } });
    await eventually(async () => (await rsOf('pause')).length === 2 && complete('pause', 1), 'rolled out after resume');
  });

  test('Recreate scales old pods away before creating new ones', async () => {
    await tc.client.create(R.deployments, 'default', deployment('recreate', { replicas: 2, strategy: { type: 'Recreate' } }));
    await eventually(() => complete('recreate', 2), 'initial');
    const [old] = await rsOf('recreate');
    await tc.client.patch(R.deployments, 'default', 'recreate', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } },
    });
    await eventually(async () => (await get('recreate')).metadata.generation === 2 && complete('recreate', 2), 'recreated');
    const rss = await rsOf('recreate');
    const newRS = rss.find((r) => r.metadata.name !== old.metadata.name)!;
    const oldRS = rss.find((r) => r.metadata.name === old.metadata.name)!;
    assert.equal(oldRS.spec.replicas, 0);
    // The new RS was created only after the old one's pods were gone.
    assert.ok(Date.parse(newRS.metadata.creationTimestamp!) >= Date.parse(oldRS.metadata.creationTimestamp!));
    assert.equal(
      (await podsOf('recreate')).filter((p) => p.metadata.labels?.['pod-template-hash'] === old.metadata.labels?.['pod-template-hash'])
        .length,
      0,
    );
  });

  test('revisionHistoryLimit deletes the oldest idle ReplicaSets', async () => {
    await tc.client.create(R.deployments, 'default', deployment('hist', { replicas: 1, revisionHistoryLimit: 1 }));
    for (const img of ['nginx:2', 'nginx:3', 'nginx:4']) {
      await eventually(() => complete('hist', 1), `complete before ${img}`);
      await tc.client.patch(R.deployments, 'default', 'hist', 'strategic', {
        spec: { template: { spec: { containers: [{ name: 'c', image: img }] } } },
      });
    }
    await eventually(async () => (await get('hist')).metadata.generation === 4 && complete('hist', 1), 'last revision');
    const revs = await eventually(async () => {
      const rss = await rsOf('hist');
      return rss.length === 2 && rss.map((r) => r.metadata.annotations?.['deployment.kubernetes.io/revision']).sort();
    }, 'history trimmed to 1 old RS');
    assert.deepEqual(revs, ['3', '4']);
  });

  test('a foreign ReplicaSet holding the hash name bumps collisionCount', async () => {
    await tc.client.create(R.deployments, 'default', deployment('col', { replicas: 1, paused: true }));
    await eventually(async () => (await get('col')).status?.observedGeneration === 1, 'paused deployment observed');
    const d = await get('col');
    const squatter = `col-${templateHash(d.spec.template)}`;
    await tc.client.create(R.replicasets, 'default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: squatter, labels: { app: 'other' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'other' } },
        template: { metadata: { labels: { app: 'other' } }, spec: d.spec.template.spec },
      },
    });
    await tc.client.patch(R.deployments, 'default', 'col', 'merge', { spec: { paused: false } });
    await eventually(() => complete('col', 1), 'rolled out despite the collision');
    assert.equal((await get('col')).status.collisionCount, 1);
    const [rs] = await rsOf('col');
    assert.notEqual(rs.metadata.name, squatter);
    assert.equal(rs.metadata.name, `col-${templateHash(d.spec.template, 1)}`);
  });

  test('pods the API refuses show as ReplicaFailure on the ReplicaSet and the Deployment', async () => {
    const d = deployment('refused', { replicas: 1 });
    (d.spec.template.spec as any).priorityClassName = 'no-such-class';
    await tc.client.create(R.deployments, 'default', d);
    const cond = await eventually(
      async () => (await get('refused')).status?.conditions?.find((c: any) => c.type === 'ReplicaFailure'),
      'ReplicaFailure',
    );
    assert.equal(cond.status, 'True');
    assert.equal(cond.reason, 'FailedCreate');
    const [rs] = await rsOf('refused');
    assert.equal(rs.status.conditions?.[0]?.reason, 'FailedCreate');
  });

  test('progressDeadlineSeconds marks a stuck rollout ProgressDeadlineExceeded', async () => {
    const d = deployment('stuck', { replicas: 1, progressDeadlineSeconds: 1 });
    d.spec.template.metadata.labels = { app: 'stuck', stuck: 'true' } as any;
    await tc.client.create(R.deployments, 'default', d);
    const cond = await eventually(
      async () =>
        (await get('stuck')).status.conditions?.find((c: any) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded'),
      'deadline exceeded',
      5000,
    );
    assert.equal(cond.status, 'False');
    const s = (await get('stuck')).status;
    assert.equal(s.unavailableReplicas, 1);
    assert.equal(s.conditions.find((c: any) => c.type === 'Available').reason, 'MinimumReplicasUnavailable');
  });
});

test('templateHash is stable, order-independent and changes with the template or collisions', () => {
  const a = { metadata: { labels: { app: 'x', tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  const b = { spec: { containers: [{ image: 'i', name: 'c' }] }, metadata: { labels: { tier: 'web', app: 'x' } } };
  assert.equal(templateHash(a), templateHash(b));
  assert.match(templateHash(a), /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  assert.notEqual(templateHash(a), templateHash({ ...a, spec: { containers: [{ name: 'c', image: 'j' }] } }));
  assert.notEqual(templateHash(a), templateHash(a, 1));
});

test('fenceposts round surge up and unavailable down', () => {
  const d = (replicas: number, maxSurge: unknown, maxUnavailable: unknown) => ({
    metadata: {},
    spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } },
  });
  assert.deepEqual(fenceposts(d(10, '25%', '25%')), { surge: 3, unavailable: 2 });
  assert.deepEqual(fenceposts(d(1, '25%', '25%')), { surge: 1, unavailable: 0 });
  assert.deepEqual(fenceposts(d(3, 0, '10%')), { surge: 0, unavailable: 1 });
});

test('a resize mid-rollout is spread proportionally (upstream numbers)', async () => {
  const rs = (name: string, replicas: number, created: string, available: number): KubeObject => ({
    metadata: {
      name,
      uid: name,
      creationTimestamp: created,
      annotations: { 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '13' },
    },
    spec: { replicas },
    status: { replicas, availableReplicas: available },
  });
  const d: KubeObject = {
    metadata: { name: 'prop' },
    spec: { replicas: 20, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } },
  };
  const sets = { newRS: rs('new', 5, '2024-01-02T00:00:00Z', 0), oldRSs: [rs('old', 8, '2024-01-01T00:00:00Z', 8)] };
  const ctx = {
    async scale(_d: KubeObject, r: KubeObject, replicas: number) {
      return { ...r, spec: { replicas } };
    },
    async deleteRS() {},
    podsOf: () => [],
  };
  assert.equal(isScalingEvent(d, sets), true);
  await scaleDeployment(ctx, d, sets);
  assert.equal(sets.oldRSs[0].spec.replicas, 15);
  assert.equal(sets.newRS.spec.replicas, 10);
});
