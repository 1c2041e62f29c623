import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore, eventually, type TestCluster } from '../apiserver/testing/test-cluster';
import { R } from '../client/types';
import type { KubeObject } from '../kinds/types';
import { startNodeManager, createSimulatedNodes, NODE_RUNTIME_ANNOTATION, NODE_STOPPED_ANNOTATION, type NodeManager } from './index';

const pod = (
  name: string,
  extra: { restartPolicy?: string; annotations?: Record<string, string>; node?: string; init?: boolean } = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', annotations: extra.annotations },
  spec: {
    nodeName: extra.node ?? 't-node-1',
    restartPolicy: extra.restartPolicy ?? 'Always',
    terminationGracePeriodSeconds: 1,
    ...(extra.init ? { initContainers: [{ name: 'setup', image: 'busybox' }] } : {}),
    containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '100m' } } }],
  },
});

/** eventually() whose result type drops the falsy cases. */
const until = async <T>(check: () => Promise<T | false | undefined> | T | false | undefined, what: string, ms = 5000): Promise<T> =>
  (await eventually(check, what, ms)) as T;

describe('simulated kubelet', () => {
  let c: TestCluster;
  let nm: NodeManager;
  const deletedNodes: string[] = [];
  const getPod = (name: string) => c.client.get(R.pods, 'default', name);
  const cond = (p: KubeObject, type: string) => p.status?.conditions?.find((x: any) => x.type === type)?.status;

  before(async () => {
    c = await startTestCore();
    nm = await startNodeManager({
      client: c.client,
      leaseIntervalMs: 100,
      simulated: { startDelayMs: 50, completeAfterMs: 200, backoffBaseMs: 200 },
      onNodeDeleted: (name, removed) => deletedNodes.push(`${name}: ${removed.pods} pod(s)`),
    });
    await createSimulatedNodes(c.client, 't', 2);
  });
  after(async () => {
    nm.stop();
    await c.close();
  });

  test('nodes register Ready with capacity, nodeInfo and a renewed lease', async () => {
    const node = await until(async () => {
      const n = await c.client.get(R.nodes, undefined, 't-node-1');
      return cond(n, 'Ready') === 'True' && n;
    }, 'node Ready');
    assert.equal(node.status.capacity.pods, '110');
    assert.equal(node.status.allocatable.cpu, '4');
    assert.equal(node.status.nodeInfo.kubeletVersion, 'v1.33.0');
    assert.equal(node.status.nodeInfo.containerRuntimeVersion, 'skiff-simulated://0.1');
    assert.equal(node.metadata.labels?.['kubernetes.io/hostname'], 't-node-1');
    assert.equal(node.spec.podCIDR, '10.244.0.0/24');
    assert.deepEqual(nm.kubelets().sort(), ['t-node-1', 't-node-2']);
    const l1 = await until(() => c.client.get(R.leases, 'kube-node-lease', 't-node-1').catch(() => undefined), 'lease');
    await until(
      async () => (await c.client.get(R.leases, 'kube-node-lease', 't-node-1')).spec.renewTime !== l1.spec.renewTime,
      'lease renewed',
    );
  });

  test('a pod goes Pending → Running with statuses, IPs and conditions', async () => {
    await c.client.create(R.pods, 'default', pod('web', { init: true }));
    const p = await until(
      async () => {
        const p = await getPod('web');
        return p.status.phase === 'Running' && cond(p, 'Ready') === 'True' && p;
      },
      'web Running',
      5000,
    );
    const cs = p.status.containerStatuses[0];
    assert.equal(cs.ready, true);
    assert.equal(cs.started, true);
    assert.equal(cs.restartCount, 0);
    assert.equal(cs.image, 'nginx:1.27');
    assert.match(cs.containerID, /^skiff-simulated:\/\/[0-9a-f]{64}$/);
    assert.match(cs.imageID, /^sha256:/);
    assert.ok(cs.state.running.startedAt);
    assert.equal(p.status.initContainerStatuses[0].state.terminated.reason, 'Completed');
    assert.match(p.status.podIP, /^10\.244\.0\.\d+$/);
    assert.equal(p.status.hostIP, '172.18.0.2');
    assert.equal(p.status.qosClass, 'Burstable');
    assert.ok(p.status.startTime);
    for (const t of ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready', 'PodReadyToStartContainers'])
      assert.equal(cond(p, t), 'True', t);
    const events = await until(async () => {
      const { items } = await c.client.list(R.events, 'default');
      const reasons = items.filter((e) => e.involvedObject.name === 'web').map((e) => e.reason);
      return reasons.includes('Started') && reasons;
    }, 'events');
    for (const r of ['Pulling', 'Pulled', 'Created', 'Started']) assert.ok(events.includes(r), r);
    const m = nm.metrics();
    const usage = m.pods.find((x) => x.name === 'web');
    assert.equal(usage?.containers[0].cpuNanoCores, 1_000_000);
    assert.ok(m.nodes.find((n) => n.name === 't-node-1')!.cpuNanoCores > 1_000_000);
  });

  test('a Never pod completes: Succeeded, terminated Completed exit 0', async () => {
    await c.client.create(R.pods, 'default', pod('job', { restartPolicy: 'Never' }));
    const p = await until(
      async () => {
        const p = await getPod('job');
        return p.status.phase === 'Succeeded' && p;
      },
      'job Succeeded',
      5000,
    );
    const t = p.status.containerStatuses[0].state.terminated;
    assert.equal(t.exitCode, 0);
    assert.equal(t.reason, 'Completed');
    assert.equal(cond(p, 'Ready'), 'False');
  });

  test('the simulate annotation fails a Never pod and reports usage', async () => {
    await c.client.create(
      R.pods,
      'default',
      pod('bad', {
        restartPolicy: 'Never',
        annotations: { 'skiff.dev/simulate': '{"exitCode":3,"after":"100ms","cpu":"250m","memory":"64Mi"}' },
      }),
    );
    const p = await until(
      async () => {
        const p = await getPod('bad');
        return p.status.phase === 'Failed' && p;
      },
      'bad Failed',
      5000,
    );
    assert.equal(p.status.containerStatuses[0].state.terminated.exitCode, 3);
    assert.equal(p.status.containerStatuses[0].state.terminated.reason, 'Error');
  });

  test('ready:false keeps a running pod unready; cpu/memory from the annotation', async () => {
    await c.client.create(
      R.pods,
      'default',
      pod('unready', { annotations: { 'skiff.dev/simulate': '{"ready":false,"cpu":"250m","memory":"64Mi"}' } }),
    );
    const p = await until(
      async () => {
        const p = await getPod('unready');
        return p.status.phase === 'Running' && p;
      },
      'unready Running',
      5000,
    );
    assert.equal(cond(p, 'Ready'), 'False');
    assert.equal(p.status.containerStatuses[0].ready, false);
    const u = nm.metrics().pods.find((x) => x.name === 'unready')!;
    assert.equal(u.containers[0].cpuNanoCores, 250_000_000);
    assert.equal(u.containers[0].memoryBytes, 64 * 1024 * 1024);
  });

  test('a readiness probe delays Ready by its initialDelaySeconds', async () => {
    const p = pod('probed');
    p.spec.containers[0].readinessProbe = { initialDelaySeconds: 1, httpGet: { path: '/', port: 80 } };
    await c.client.create(R.pods, 'default', p);
    const running = await until(async () => {
      const x = await getPod('probed');
      return x.status.phase === 'Running' && x;
    }, 'probed Running');
    assert.equal(running.status.containerStatuses[0].ready, false);
    const ready = await until(
      async () => {
        const x = await getPod('probed');
        return cond(x, 'Ready') === 'True' && x;
      },
      'probed Ready',
      4000,
    );
    const started = Date.parse(ready.status.containerStatuses[0].state.running.startedAt);
    const readyAt = Date.parse(ready.status.conditions.find((x: any) => x.type === 'Ready').lastTransitionTime);
    assert.ok(readyAt - started >= 1000, 'ready no sooner than the initial delay');
  });

  test('a crashing container restarts with back-off (CrashLoopBackOff, restartCount grows)', async () => {
    await c.client.create(R.pods, 'default', pod('crash', { annotations: { 'skiff.dev/simulate': '{"exitCode":1,"after":"50ms"}' } }));
    const p = await until(
      async () => {
        const p = await getPod('crash');
        const cs = p.status.containerStatuses?.[0];
        return cs?.restartCount >= 2 && cs.state.waiting?.reason === 'CrashLoopBackOff' && p;
      },
      'CrashLoopBackOff',
      8000,
    );
    const cs = p.status.containerStatuses[0];
    assert.equal(cs.lastState.terminated.exitCode, 1);
    assert.match(cs.state.waiting.message, /^back-off \d+s restarting failed container=app pod=crash_default/);
    assert.equal(p.status.phase, 'Running');
    await until(async () => {
      const { items } = await c.client.list(R.events, 'default');
      return items.some((e) => e.involvedObject.name === 'crash' && e.reason === 'BackOff' && e.type === 'Warning');
    }, 'BackOff event');
  });

  test('deleting a pod stops its containers and removes it', async () => {
    await until(async () => (await getPod('web')).status.phase === 'Running', 'web Running');
    const marked = await c.client.delete(R.pods, 'default', 'web');
    assert.ok(marked.metadata.deletionTimestamp, 'graceful deletion marks the pod first');
    await until(
      () =>
        getPod('web').then(
          () => false,
          () => true,
        ),
      'web gone',
    );
    await until(async () => {
      const { items } = await c.client.list(R.events, 'default');
      return items.some((e) => e.involvedObject.name === 'web' && e.reason === 'Killing');
    }, 'Killing event');
  });

  test('a stopped node stops renewing its lease and updating pods; start resumes', async () => {
    await c.client.patch(R.nodes, undefined, 't-node-2', 'merge', { metadata: { annotations: { [NODE_STOPPED_ANNOTATION]: 'true' } } });
    await new Promise((r) => setTimeout(r, 150));
    const before = (await c.client.get(R.leases, 'kube-node-lease', 't-node-2')).spec.renewTime;
    await c.client.create(R.pods, 'default', pod('on-dead', { node: 't-node-2' }));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await c.client.get(R.leases, 'kube-node-lease', 't-node-2')).spec.renewTime, before);
    assert.equal((await getPod('on-dead')).status.phase, 'Pending');
    assert.equal(
      nm.metrics().nodes.some((n) => n.name === 't-node-2'),
      false,
    );
    await c.client.patch(R.nodes, undefined, 't-node-2', 'merge', { metadata: { annotations: { [NODE_STOPPED_ANNOTATION]: null } } });
    await until(async () => (await getPod('on-dead')).status.phase === 'Running', 'on-dead Running after start');
  });

  test('init containers run in order before the app container', async () => {
    const p = pod('ordered');
    p.spec.initContainers = [
      { name: 'first', image: 'busybox' },
      { name: 'second', image: 'busybox' },
    ];
    await c.client.create(R.pods, 'default', p);
    const seen = await until(async () => {
      const s = (await getPod('ordered')).status;
      const [a, b] = s.initContainerStatuses ?? [];
      return (
        a?.state.running &&
        b?.state.waiting?.reason === 'PodInitializing' &&
        s.containerStatuses[0].state.waiting?.reason === 'PodInitializing' &&
        s
      );
    }, 'first init running, second waiting');
    assert.equal(seen.phase, 'Pending');
    assert.equal(seen.conditions.find((x: any) => x.type === 'Initialized').status, 'False');
    const done = await until(async () => {
      const s = (await getPod('ordered')).status;
      return s.phase === 'Running' && s;
    }, 'ordered Running');
    const [a, b] = done.initContainerStatuses;
    assert.ok(Date.parse(a.state.terminated.finishedAt) <= Date.parse(b.state.terminated.startedAt));
  });

  test('a restarted node manager adopts running pods (same IP and container, no restart)', async () => {
    const before = await until(async () => {
      const p = await getPod('ordered');
      return p.status.phase === 'Running' && p;
    }, 'ordered Running');
    nm.stop();
    nm = await startNodeManager({
      client: c.client,
      leaseIntervalMs: 100,
      simulated: { startDelayMs: 50, completeAfterMs: 200, backoffBaseMs: 200 },
      onNodeDeleted: (name, removed) => deletedNodes.push(`${name}: ${removed.pods} pod(s)`),
    });
    await new Promise((r) => setTimeout(r, 300));
    await nm.idle();
    const after = await getPod('ordered');
    assert.equal(after.status.podIP, before.status.podIP);
    assert.equal(after.status.containerStatuses[0].containerID, before.status.containerStatuses[0].containerID);
    assert.equal(after.status.containerStatuses[0].restartCount, 0);
    assert.equal(after.status.phase, 'Running');
  });

  test('deleting a node stops its kubelet, removes its pods from the runtime and says so; the Node stays deleted', async () => {
    await c.client.delete(R.nodes, undefined, 't-node-2');
    await until(() => !nm.kubelets().includes('t-node-2'), 'kubelet gone');
    await until(() => deletedNodes.length > 0, 'onNodeDeleted');
    assert.deepEqual(deletedNodes, ['t-node-2: 1 pod(s)']); // on-dead's sandbox, removed
    type Ev = { reason?: string; type?: string; message?: string; involvedObject?: { name?: string } };
    const events = (await c.client.list(R.events, 'default')).items as Ev[];
    const ev = events.find((e) => e.reason === 'NodeDeleted' && e.involvedObject?.name === 't-node-2');
    assert.ok(ev, 'a NodeDeleted event');
    assert.equal(ev.type, 'Warning');
    assert.match(
      ev.message ?? '',
      /^Node t-node-2 was deleted from the cluster: its kubelet removed the containers of its 1 pod\(s\) and stopped/,
    );
    // Heartbeats (every 100 ms here) do not bring it back.
    await new Promise((r) => setTimeout(r, 500));
    await assert.rejects(c.client.get(R.nodes, undefined, 't-node-2'), /not found/);
  });
});

test('a node that exists before the node manager starts gets one kubelet, not two', async () => {
  const c = await startTestCore();
  let nm: NodeManager | undefined;
  try {
    // No podCIDR: the kubelet's start patches one in, an await before it is registered.
    await c.client.create(R.nodes, undefined, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'early-1', annotations: { [NODE_RUNTIME_ANNOTATION]: 'simulated' } },
    });
    const writes: string[] = [];
    const counting = new Proxy(c.client, {
      get(target, prop, receiver) {
        if (prop !== 'patch') return Reflect.get(target, prop, receiver) as unknown;
        return (...args: Parameters<typeof c.client.patch>) => {
          const body = args[4] as { spec?: unknown };
          if (args[0] === R.nodes) writes.push(args[5]?.subresource === 'status' ? 'status' : body.spec ? 'podCIDR' : 'labels');
          return target.patch(...args);
        };
      },
    });
    nm = await startNodeManager({ client: counting, leaseIntervalMs: 60_000 });
    await nm.idle();
    assert.deepEqual(nm.kubelets(), ['early-1']);
    assert.deepEqual(writes, ['podCIDR', 'labels', 'status'], 'one kubelet started: its podCIDR, labels and status once each');
  } finally {
    nm?.stop();
    await c.close();
  }
});
