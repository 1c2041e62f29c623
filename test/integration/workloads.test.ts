// Acceptance: StatefulSets, DaemonSets, Jobs and CronJobs with real kubectl against a cluster of
// 3 simulated nodes (scheduler, controllers and simulated kubelets all running).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from './sim-cluster';
import { R } from '../../engine/client/types';
import type { KubeObject } from '../../engine/kinds/types';
import { waitFor as sharedWaitFor } from '../wait-for';

let c: SimCluster;
let cronCreatedAt = 0;
before(async () => {
  c = await startSimCluster({ nodes: 3 });
  // Created first so its every-minute schedule fires while the other tests run.
  await c.ok(['create', 'cronjob', 'tick', '--image=busybox', '--schedule=* * * * *', '--restart=Never']);
  cronCreatedAt = Date.now();
});
after(async () => {
  await c?.stop();
});

const until = <T>(check: () => Promise<T | false | undefined>, what: string, timeoutMs = 30_000) =>
  sharedWaitFor(what, check, timeoutMs, 100);

const isReady = (p: KubeObject) =>
  p.status?.phase === 'Running' && (p.status?.conditions ?? []).some((x: any) => x.type === 'Ready' && x.status === 'True');
const pods = async (selector: string) => (await c.client.list(R.pods, 'default', { labelSelector: selector })).items;
const live = async (selector: string) => (await pods(selector)).filter((p) => !p.metadata.deletionTimestamp);

const STS = `
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { clusterIP: None, selector: { app: web }, ports: [{ port: 80 }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: web }
spec:
  serviceName: web
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx }] }
  volumeClaimTemplates:
  - metadata: { name: data }
    spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
`;

test('statefulset: web-0, web-1, web-2 come up in order with bound claims, scale down in reverse', async () => {
  // Watch the pods come and go: when each is first seen, when it became Ready, when it started leaving.
  const seen = new Map<string, number>();
  const ready = new Map<string, number>();
  const leaving = new Map<string, number>();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const t = Date.now();
      const now = await pods('app=web');
      const names = new Set(now.map((p) => p.metadata.name!));
      for (const p of now) {
        const n = p.metadata.name!;
        if (!seen.has(n)) seen.set(n, t);
        if (isReady(p) && !ready.has(n)) ready.set(n, t);
        if (p.metadata.deletionTimestamp && !leaving.has(n)) leaving.set(n, t);
      }
      for (const n of seen.keys()) if (!names.has(n) && !leaving.has(n)) leaving.set(n, t);
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  try {
    await c.ok(['apply', '-f', '-'], STS);
    await c.ok(['rollout', 'status', 'statefulset/web', '--timeout=60s']);
    assert.deepEqual([...seen.keys()].sort(), ['web-0', 'web-1', 'web-2']);
    assert.ok(seen.get('web-1')! >= ready.get('web-0')!, 'web-1 only after web-0 is Ready');
    assert.ok(seen.get('web-2')! >= ready.get('web-1')!, 'web-2 only after web-1 is Ready');
    const web1 = await c.client.get(R.pods, 'default', 'web-1');
    assert.equal(web1.spec.hostname, 'web-1');
    assert.equal(web1.spec.subdomain, 'web');

    const claims = await until(async () => {
      const items = (await c.client.list(R.persistentvolumeclaims, 'default')).items;
      return items.length === 3 && items.every((x) => x.status?.phase === 'Bound') && items;
    }, '3 bound claims');
    assert.deepEqual(claims.map((x) => x.metadata.name).sort(), ['data-web-0', 'data-web-1', 'data-web-2']);
    const get = await c.ok(['get', 'sts', 'web']);
    assert.match(get, /^web\s+3\/3\s/m);

    await c.ok(['scale', 'statefulset/web', '--replicas=1']);
    await until(async () => (await pods('app=web')).map((p) => p.metadata.name).join() === 'web-0', 'only web-0 left', 60_000);
    // The order the controller deleted them in, from its own events (written one after another,
    // so their resourceVersions follow the deletes): polling pod lists under a loaded CI
    // machine proved too coarse for this.
    const deletes = await until(async () => {
      const ev = (await c.client.list(R.events, 'default')).items.filter(
        (e) => e.reason === 'SuccessfulDelete' && e.involvedObject?.name === 'web' && /^delete Pod web-[12] /.test(e.message),
      );
      return ev.length === 2 && ev;
    }, 'two SuccessfulDelete events');
    const of = (pod: string) => deletes.find((e) => e.message.split(' ')[2] === pod)!;
    const [d2, d1] = [of('web-2'), of('web-1')];
    assert.ok(Date.parse(d2.firstTimestamp) <= Date.parse(d1.firstTimestamp), 'web-2 is deleted before web-1');
    // A repeated delete updates its event (count, new resourceVersion); the first writes are ordered.
    if (d2.count === 1 && d1.count === 1)
      assert.ok(Number(d2.metadata.resourceVersion) < Number(d1.metadata.resourceVersion), 'web-2 is deleted before web-1');
    assert.ok(leaving.get('web-1') !== undefined && leaving.get('web-2') !== undefined);
    assert.equal((await c.client.list(R.persistentvolumeclaims, 'default')).items.length, 3, 'claims are kept on scale down');
  } finally {
    sampling = false;
    await sampler;
  }
  const history = await c.ok(['rollout', 'history', 'statefulset/web']);
  assert.match(history, /^1\s+<none>/m);
});

test('statefulset: rolling update, history and undo', async () => {
  await c.ok(['scale', 'statefulset/web', '--replicas=2']);
  await c.ok(['rollout', 'status', 'statefulset/web', '--timeout=60s']);
  await c.ok(['set', 'image', 'statefulset/web', 'web=nginx:2']);
  await c.ok(['rollout', 'status', 'statefulset/web', '--timeout=60s']);
  const image = async () =>
    (await live('app=web'))
      .map((p) => `${p.metadata.name}=${p.spec.containers[0].image}`)
      .sort()
      .join();
  await until(async () => (await image()) === 'web-0=nginx:2,web-1=nginx:2', 'pods on the new template');
  const history = await c.ok(['rollout', 'history', 'statefulset/web']);
  assert.match(history, /^1\s+/m);
  assert.match(history, /^2\s+/m);
  await c.ok(['rollout', 'undo', 'statefulset/web']);
  await c.ok(['rollout', 'status', 'statefulset/web', '--timeout=60s']);
  await until(async () => (await image()) === 'web-0=nginx,web-1=nginx', 'pods back on the first template');
  const sts = await c.client.get(R.statefulsets, 'default', 'web');
  assert.equal(sts.status.currentRevision, sts.status.updateRevision);
  assert.equal(sts.status.updatedReplicas, 2);
});

test('daemonset: one pod per node, following nodes joining and leaving', async () => {
  await c.ok(
    ['apply', '-f', '-'],
    `
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec: { containers: [{ name: agent, image: agent }] }
`,
  );
  const onNodes = async (n: number) => {
    const ps = await live('app=agent');
    const nodes = new Set(ps.filter(isReady).map((p) => p.spec.nodeName));
    return ps.length === n && nodes.size === n && ps;
  };
  await until(() => onNodes(3), '3 daemon pods on 3 nodes');
  await c.ok(['rollout', 'status', 'daemonset/agent', '--timeout=30s']);

  const added = await c.skiff(['node', 'add']);
  assert.equal(added.code, 0, added.stderr);
  const four = await until(() => onNodes(4), '4 daemon pods after adding a node');
  const nodeNames = (await c.client.list(R.nodes, undefined)).items.map((x) => x.metadata.name!).sort();
  assert.deepEqual([...new Set(four.map((p) => p.spec.nodeName))].sort(), nodeNames);

  const victim = nodeNames[nodeNames.length - 1];
  const removed = await c.skiff(['node', 'remove', victim]);
  assert.equal(removed.code, 0, removed.stderr);
  await until(() => onNodes(3), '3 daemon pods after removing a node');
  const ds = await c.ok(['get', 'ds', 'agent']);
  assert.match(ds, /^agent\s+3\s+3\s+3\s+3\s+3\s/m);
  await c.ok(['set', 'image', 'daemonset/agent', 'agent=agent:2']);
  await c.ok(['rollout', 'status', 'daemonset/agent', '--timeout=60s']);
  const images = async () => [...new Set((await live('app=agent')).map((p) => p.spec.containers[0].image))].join();
  await until(async () => (await images()) === 'agent:2' && (await onNodes(3)), 'daemon pods updated');
  await c.ok(['rollout', 'undo', 'daemonset/agent']);
  await c.ok(['rollout', 'status', 'daemonset/agent', '--timeout=60s']);
  await until(async () => (await images()) === 'agent' && (await onNodes(3)), 'daemon pods rolled back');
});

test('job: completions 5 / parallelism 2 completes, never more than 2 at once', async () => {
  let maxActive = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const active = (await pods('job-name=pi')).filter(
        (p) => !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase),
      );
      maxActive = Math.max(maxActive, active.length);
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  try {
    await c.ok(
      ['apply', '-f', '-'],
      `
apiVersion: batch/v1
kind: Job
metadata: { name: pi }
spec:
  completions: 5
  parallelism: 2
  template:
    spec: { restartPolicy: Never, containers: [{ name: pi, image: perl }] }
`,
    );
    await c.ok(['wait', '--for=condition=complete', 'job/pi', '--timeout=90s']);
  } finally {
    sampling = false;
    await sampler;
  }
  assert.ok(maxActive <= 2, `at most 2 pods at once (saw ${maxActive})`);
  const out = await c.ok(['get', 'job', 'pi']);
  assert.match(out, /^pi\s+Complete\s+5\/5\s/m);
  assert.equal((await pods('job-name=pi')).filter((p) => p.status?.phase === 'Succeeded').length, 5);
});

test('cronjob: the schedule creates Jobs; kubectl create job --from=cronjob works', async () => {
  await c.ok(['create', 'job', 'manual', '--from=cronjob/tick']);
  await c.ok(['wait', '--for=condition=complete', 'job/manual', '--timeout=60s']);
  const manual = await c.client.get(R.jobs, 'default', 'manual');
  assert.equal(manual.metadata.ownerReferences?.[0]?.kind, 'CronJob');

  // The every-minute schedule fires within a minute of the CronJob's creation.
  const left = Math.max(0, cronCreatedAt + 70_000 - Date.now());
  const scheduled = await until(
    async () => {
      const jobs = (await c.client.list(R.jobs, 'default')).items.filter((j) => /^tick-\d+$/.test(j.metadata.name!));
      return jobs.length > 0 && jobs[0];
    },
    'a scheduled job',
    left + 5_000,
  );
  assert.equal(
    Number(scheduled.metadata.name!.slice(5)) * 60_000,
    Date.parse(scheduled.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'] ?? ''),
  );
  await until(
    async () => {
      const cj = await c.client.get(R.cronjobs, 'default', 'tick');
      return !!cj.status?.lastScheduleTime && !!cj.status?.lastSuccessfulTime;
    },
    'lastScheduleTime and lastSuccessfulTime',
    60_000,
  );
  const out = await c.ok(['get', 'cronjob', 'tick']);
  assert.match(out, /^tick\s+\* \* \* \* \*\s+<none>\s+False\s+\d+\s+\d+s\s/m);
});
