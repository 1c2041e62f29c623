// Control-plane HA (issue 15): two Skiff instances over a 3-member etcd (three etcd processes on
// loopback). One leader per component; the leader is killed with -9 during a write storm and a
// ReplicaSet scale-up, and the other instance takes over within the stated time (lease + retry
// period; the test runs 5 s / 4 s / 1 s leases, see engine/cluster/README.md) while no
// controller acts twice and a watch through the survivor sees every acknowledged write once.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call -- API JSON is read untyped, as a client would */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { etcdRequired, findEtcdBinary } from '../../engine/store/testing/etcd-test-server';
import { waitFor } from '../wait-for';
import { leaseHolder, startHaCluster, type HaCluster, type HaInstance } from './testing/ha-cluster';
import { watchStream, type WatchEvent } from './testing/watch-stream';

const skip = findEtcdBinary() ? false : 'etcd is not installed';
if (skip && etcdRequired()) throw new Error(`CI needs etcd: ${skip}`);

const TIMINGS: [string, string, string] = ['5s', '4s', '1s'];
/** The stated takeover bound: lease duration + retry period, plus room for a loaded machine. */
const TAKEOVER_MS = 5000 + 1000 + 5000;
const LEASES = ['kube-scheduler', 'kube-controller-manager'] as const;

let ha: HaCluster | undefined;
let a: HaInstance;
let b: HaInstance;

before(async () => {
  if (skip) return;
  // A runs no nodes (it is the one killed); B runs the kubelets, so pods live on after A dies.
  ha = await startHaCluster({ nodes: [0, 2], timings: TIMINGS });
  [a, b] = ha.instances;
});
after(async () => {
  if (process.env.SKIFF_HA_DEBUG)
    for (const [i, x] of (ha?.instances ?? []).entries()) writeFileSync(`/tmp/ha-debug-${i}.txt`, x.skiff.output());
  await ha?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test(
  'one leader per component; kill -9 of the leader mid-storm hands over without double action or lost watch events',
  { skip },
  async () => {
    const holders = async (i: HaInstance) => Promise.all(LEASES.map((l) => leaseHolder(i.http, l)));
    // The first instance took both Leases; the second (started later) waits.
    const [aId] = await waitFor('A leads both', async () => {
      const h = await holders(a);
      return h[0] && h[0] === h[1] && h;
    });
    const bNodes = (await b.http.call('GET', '/api/v1/nodes')).body.items as any[];
    assert.equal(bNodes.length, 2);
    const bId = bNodes[0].metadata.annotations['skiff.dev/control-plane-instance'];
    assert.ok(bId && bId !== aId, `B (${bId}) is another instance than A (${aId})`);
    assert.deepEqual(await holders(b), [aId, aId], 'B reads the same Leases (one etcd)');
    await waitFor('B Ready nodes', async () => {
      const items = (await b.http.call('GET', '/api/v1/nodes')).body.items as any[];
      return items.every((n) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'));
    });

    // Workloads that span the handover.
    const ns = '/api/v1/namespaces/default';
    const rs = await a.http.call('POST', '/apis/apps/v1/namespaces/default/replicasets', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      },
    });
    assert.equal(rs.status, 201, JSON.stringify(rs.body));
    const job = await a.http.call('POST', '/apis/batch/v1/namespaces/default/jobs', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'count' },
      spec: {
        completions: 6,
        parallelism: 2,
        template: {
          metadata: { annotations: { 'skiff.dev/simulate': '{"exitCode":0,"after":"1500ms"}' } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] },
        },
      },
    });
    assert.equal(job.status, 201, JSON.stringify(job.body));
    const rsUid = (rs.body.metadata as any).uid;
    const jobUid = (job.body.metadata as any).uid;

    // Through the survivor: every pod ever seen, and the ConfigMaps of the write storm.
    const list = await b.http.call('GET', `${ns}/configmaps`);
    const fromRv = (list.body.metadata as any).resourceVersion;
    const cmEvents: WatchEvent[] = [];
    const cmWatch = await watchStream(b.http, `${ns}/configmaps?watch=1&resourceVersion=${fromRv}`, (e) => cmEvents.push(e));
    const pods = new Map<string, any>();
    let maxActive = 0;
    let replicas = 2;
    const podWatch = await watchStream(b.http, `${ns}/pods?watch=1`, (e) => {
      if (e.type === 'DELETED') pods.delete(e.object.metadata.uid);
      else pods.set(e.object.metadata.uid, e.object);
      const active = [...pods.values()].filter(
        (p) =>
          p.metadata.ownerReferences?.[0]?.uid === rsUid &&
          !p.metadata.deletionTimestamp &&
          !['Succeeded', 'Failed'].includes(p.status?.phase),
      ).length;
      maxActive = Math.max(maxActive, active);
    });
    const jobPods = new Set<string>();
    const jobWatch = await watchStream(b.http, `${ns}/pods?watch=1&labelSelector=batch.kubernetes.io/controller-uid=${jobUid}`, (e) =>
      jobPods.add(e.object.metadata.uid),
    );

    // The write storm: 4 writers alternate between the instances; only acknowledged writes count.
    const acked = new Set<string>();
    let storming = true;
    let n = 0;
    const writer = async (w: number) => {
      for (let i = 0; storming; i++) {
        const via = (i + w) % 2 === 0 ? a : b;
        const name = `storm-${w}-${n++}`;
        const r = await via.http
          .call('POST', `${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } })
          .catch(() => undefined);
        if (r?.status === 201) acked.add(name);
        else if (!r) await sleep(20); // A is gone: its connection is refused
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await sleep(1000);
    replicas = 30;
    const scaled = await a.http.call(
      'PATCH',
      '/apis/apps/v1/namespaces/default/replicasets/web',
      { spec: { replicas } },
      'application/merge-patch+json',
    );
    assert.equal(scaled.status, 200);
    await sleep(300); // A's controller is mid-way through creating pods
    const killedAt = Date.now();
    await a.skiff.kill();

    const tookOver = await waitFor(
      `B to take both Leases within ${TAKEOVER_MS} ms`,
      async () => {
        const h = await holders(b);
        return h.every((x) => x === bId) && Date.now();
      },
      TAKEOVER_MS,
      100,
    );
    await sleep(1000);
    storming = false;
    await Promise.all(writers);
    const lease = (await b.http.call('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager'))
      .body as any;
    assert.ok(lease.spec.leaseTransitions >= 1, 'the Lease records the transition');
    assert.equal(lease.spec.leaseDurationSeconds, 5);

    // The survivor's controllers finish the scale-up and the Job; nobody acted twice.
    await waitFor(
      '30 pods of the ReplicaSet',
      async () => ((await b.http.call('GET', '/apis/apps/v1/namespaces/default/replicasets/web')).body.status as any)?.readyReplicas === 30,
      60_000,
    );
    await waitFor(
      'the Job complete',
      async () => ((await b.http.call('GET', '/apis/batch/v1/namespaces/default/jobs/count')).body.status as any)?.succeeded === 6,
      60_000,
    );
    await sleep(1500); // room for a second actor's extra pod to show
    podWatch.stop();
    jobWatch.stop();
    assert.ok(maxActive <= replicas, `the ReplicaSet never had more active pods (${maxActive}) than replicas (${replicas})`);
    assert.equal(jobPods.size, 6, `the Job made exactly its 6 completions' pods (${jobPods.size})`);

    // Every acknowledged write seen exactly once through B's watch.
    await waitFor(
      'every acknowledged ConfigMap in the watch',
      () => Promise.resolve([...acked].every((x) => cmEvents.some((e) => e.object.metadata.name === x))),
      10_000,
    );
    cmWatch.stop();
    const added = new Map<string, number>();
    for (const e of cmEvents) if (e.type === 'ADDED') added.set(e.object.metadata.name, (added.get(e.object.metadata.name) ?? 0) + 1);
    const twice = [...added].filter(([, c]) => c > 1);
    assert.deepEqual(twice, [], 'no write delivered twice');
    assert.ok(acked.size > 20, `a real storm (${acked.size} writes)`);
    const ackedAfter = [...acked].filter((x) => !added.has(x));
    assert.deepEqual(ackedAfter, [], 'no acknowledged write missing');
    console.log(
      `takeover ${tookOver - killedAt} ms after kill -9 (stated bound 6 s); ${acked.size} acknowledged writes; max RS pods ${maxActive}`,
    );
  },
);
