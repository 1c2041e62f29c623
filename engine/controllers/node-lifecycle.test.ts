import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore, eventually } from '../apiserver/testing/test-cluster';

const eventuallyDefined = async <T>(check: () => T | Promise<T>, what: string, ms?: number): Promise<NonNullable<T>> =>
  (await eventually(check, what, ms)) as NonNullable<T>;
import { R, type KubeClient } from '../client/types';
import { createInformerFactory } from '../client/informer-factory';
import { createEventRecorder } from '../client/event-recorder';
import { createNodeLifecycleController, desiredTaints } from './node-lifecycle';
import { createTaintEvictionController, evictionTime } from './taint-eviction';
import type { ControllerDeps } from './types';

const iso = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

async function makeNode(c: KubeClient, name: string) {
  await c.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
  const n = await c.get(R.nodes, undefined, name);
  n.status = {
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: iso(), lastTransitionTime: iso() }],
  };
  await c.update(R.nodes, undefined, n, { subresource: 'status' });
  await c.create(R.leases, 'kube-node-lease', {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name },
    spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new Date().toISOString().replace('Z', '000Z') },
  });
}

async function renew(c: KubeClient, name: string) {
  await c.patch(R.leases, 'kube-node-lease', name, 'merge', { spec: { renewTime: new Date().toISOString().replace('Z', '000Z') } });
}

test('evictionTime: untolerated now, shortest tolerationSeconds from timeAdded, forever when unbounded', () => {
  const taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' };
  const t0 = Date.parse(taint.timeAdded);
  const pod = (tolerations: any[]) => ({ metadata: {}, spec: { tolerations } }) as any;
  assert.equal(evictionTime(pod([]), [taint], t0), 0);
  assert.equal(
    evictionTime(pod([{ key: taint.key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }]), [taint], t0),
    t0 + 5000,
  );
  assert.equal(evictionTime(pod([{ operator: 'Exists' }]), [taint], t0), undefined);
  assert.equal(evictionTime(pod([]), [{ key: 'x', effect: 'NoSchedule' }], t0), undefined);
  assert.equal(evictionTime(pod([{ key: 'x', value: 'a', effect: 'NoExecute' }]), [{ key: 'x', value: 'b', effect: 'NoExecute' }], t0), 0);
});

test('desiredTaints follows Ready and unschedulable, keeps foreign taints', () => {
  const node = (status: string, extra: any = {}) =>
    ({
      metadata: { name: 'n' },
      spec: { taints: [{ key: 'mine', effect: 'NoSchedule' }], ...extra },
      status: { conditions: [{ type: 'Ready', status }] },
    }) as any;
  const keys = (ts: any[]) => ts.map((t) => `${t.key}:${t.effect}`);
  assert.deepEqual(keys(desiredTaints(node('Unknown'), new Date())), [
    'mine:NoSchedule',
    'node.kubernetes.io/unreachable:NoExecute',
    'node.kubernetes.io/unreachable:NoSchedule',
  ]);
  assert.deepEqual(keys(desiredTaints(node('False', { unschedulable: true }), new Date())), [
    'mine:NoSchedule',
    'node.kubernetes.io/not-ready:NoExecute',
    'node.kubernetes.io/not-ready:NoSchedule',
    'node.kubernetes.io/unschedulable:NoSchedule',
  ]);
  const healed = node('True');
  healed.spec.taints.push({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' });
  assert.deepEqual(keys(desiredTaints(healed, new Date())), ['mine:NoSchedule']);
});

test('expired lease: node Unknown, tainted, pods evicted per toleration; recovery clears taints', async () => {
  const tc = await startTestCore();
  const c = tc.client;
  const informers = createInformerFactory(c);
  const deps: ControllerDeps = {
    client: c,
    informers,
    events: createEventRecorder({ client: c, component: 't' }),
    log: () => {},
    now: () => new Date(),
  };
  const ctrls = [createNodeLifecycleController(deps, { gracePeriodMs: 1200, monitorPeriodMs: 150 }), createTaintEvictionController(deps)];
  try {
    await makeNode(c, 'n1');
    await makeNode(c, 'n2');
    for (const x of ctrls) await x.start();
    await informers.start();
    const unreachable = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' };
    for (const [name, secs] of [
      ['quick', 1],
      ['slow', 300],
    ] as const) {
      await c.create(R.pods, 'default', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: { nodeName: 'n1', tolerations: [{ ...unreachable, tolerationSeconds: secs }], containers: [{ name: 'c', image: 'x' }] },
      });
    }
    // n2 keeps renewing; n1 stops.
    const beat = setInterval(() => renew(c, 'n2').catch(() => {}), 200);
    try {
      const n1 = await eventuallyDefined(
        async () => {
          const n = await c.get(R.nodes, undefined, 'n1');
          return (n.spec?.taints ?? []).length === 2 ? n : undefined;
        },
        'n1 tainted',
        5000,
      );
      const ready = n1.status.conditions.find((x: any) => x.type === 'Ready');
      assert.equal(ready.status, 'Unknown');
      assert.equal(ready.message, 'Kubelet stopped posting node status.');
      assert.ok(n1.spec.taints.find((t: any) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute' && t.timeAdded));
      const slow = await c.get(R.pods, 'default', 'slow');
      assert.equal(slow.status.reason, 'NodeLost');

      // quick (1 s) goes; slow (300 s) stays.
      await eventually(async () => (await c.get(R.pods, 'default', 'quick')).metadata.deletionTimestamp, 'quick evicted', 4000);
      assert.equal((await c.get(R.pods, 'default', 'slow')).metadata.deletionTimestamp, undefined);
      assert.equal(((await c.get(R.nodes, undefined, 'n2')).spec?.taints ?? []).length, 0);

      // Recovery: the kubelet posts Ready again, taints go, slow is kept.
      await renew(c, 'n1');
      const n = await c.get(R.nodes, undefined, 'n1');
      n.status.conditions = [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: iso(), lastTransitionTime: iso() },
      ];
      await c.update(R.nodes, undefined, n, { subresource: 'status' });
      await eventually(async () => ((await c.get(R.nodes, undefined, 'n1')).spec?.taints ?? []).length === 0, 'taints removed');
      assert.equal((await c.get(R.pods, 'default', 'slow')).metadata.deletionTimestamp, undefined);

      // Cordon adds the unschedulable taint; deleting the node removes its pods.
      await c.patch(R.nodes, undefined, 'n2', 'merge', { spec: { unschedulable: true } });
      await eventually(
        async () =>
          ((await c.get(R.nodes, undefined, 'n2')).spec?.taints ?? []).some((t: any) => t.key === 'node.kubernetes.io/unschedulable'),
        'cordon taint',
      );
      await c.create(R.pods, 'default', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'orphan' },
        spec: { nodeName: 'n2', containers: [{ name: 'c', image: 'x' }] },
      });
      await c.delete(R.nodes, undefined, 'n2');
      await eventually(
        async () =>
          c.get(R.pods, 'default', 'orphan').then(
            () => false,
            (e) => e.code === 404,
          ),
        'orphan pod removed',
        4000,
      );
    } finally {
      clearInterval(beat);
    }
  } finally {
    ctrls.forEach((x) => x.stop());
    informers.stop();
    await tc.close();
  }
});

test('a gap in our own progress (sleep, SIGSTOP, clock jump) is not the nodes failing; a real silence still is', async () => {
  const tc = await startTestCore();
  const c = tc.client;
  const informers = createInformerFactory(c);
  let offset = 0;
  const logs: string[] = [];
  const deps: ControllerDeps = {
    client: c,
    informers,
    events: createEventRecorder({ client: c, component: 't' }),
    log: (m) => logs.push(m),
    now: () => new Date(Date.now() + offset),
  };
  const ctrl = createNodeLifecycleController(deps, { gracePeriodMs: 1200, monitorPeriodMs: 150 });
  let beat: NodeJS.Timeout | undefined;
  const readyStatus = async (): Promise<string | undefined> => {
    const node = await c.get(R.nodes, undefined, 'n1');
    const status = node.status as { conditions?: { type: string; status: string }[] } | undefined;
    const conditions = status?.conditions ?? [];
    return conditions.find((x) => x.type === 'Ready')?.status;
  };
  try {
    await makeNode(c, 'n1');
    await ctrl.start();
    await informers.start();
    beat = setInterval(() => void renew(c, 'n1').catch(() => {}), 200);
    await new Promise((r) => setTimeout(r, 500));
    // The whole process sleeps for a minute: the kubelet's beat stops with it and the clock jumps.
    clearInterval(beat);
    offset += 60_000;
    await new Promise((r) => setTimeout(r, 300));
    beat = setInterval(() => void renew(c, 'n1').catch(() => {}), 200);
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await readyStatus(), 'True', 'the node stays Ready across our own pause');
    }
    assert.ok(logs.some((m) => /gap in our own progress/.test(m)));
    // The node then really goes silent: Unknown after the grace period, as before.
    clearInterval(beat);
    beat = undefined;
    await eventually(async () => (await readyStatus()) === 'Unknown', 'silent node Unknown', 5000);
  } finally {
    if (beat) clearInterval(beat);
    ctrl.stop();
    informers.stop();
    await tc.close();
  }
});
