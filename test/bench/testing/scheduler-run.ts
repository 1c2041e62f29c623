// The scheduler bench's measure, shared with the Deployment bench (its floor): a fresh API
// core with nodes and pending pods created first; the clock runs from scheduler start until
// every pod is bound.
import { startTestCore, type TestCluster } from '../../../engine/apiserver/testing/test-cluster';
import { R } from '../../../engine/client/types';
import type { KubeObject } from '../../../engine/kinds/types';
import { startScheduler } from '../../../engine/scheduler/index';
import { makeNode, makePod } from '../../../engine/scheduler/testing/fixtures';

export async function pool(n: number, concurrency: number, fn: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/** Binds pod `name` (namespace default) to `node` through pods/binding, as the scheduler does. */
export function bindTo(client: TestCluster['client'], name: string, node: string) {
  return client.createSubresource(R.pods, 'default', name, 'binding', {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name, namespace: 'default' },
    target: { apiVersion: 'v1', kind: 'Node', name: node },
  });
}

export async function setupPendingPods(nodes: number, pods: number): Promise<TestCluster> {
  const tc = await startTestCore();
  await pool(nodes, 32, async (i) => {
    const node = makeNode(`node-${i}`, { cpu: '32', memory: '128Gi', pods: 110 });
    const created = await tc.client.create(R.nodes, undefined, node);
    await tc.client.update(R.nodes, undefined, { ...created, status: node.status as unknown }, { subresource: 'status' });
  });
  await pool(pods, 64, async (i) => {
    const pod = makePod(`p-${i}`, { cpu: '100m', memory: '128Mi', labels: { app: `app-${i % 50}` } });
    pod.metadata.uid = undefined;
    await tc.client.create(R.pods, 'default', pod);
  });
  return tc;
}

export interface SchedulerRun {
  /** Pods bound per second from the scheduler's informers synced until the last bind. */
  rate: number;
  total: number;
  sync: number;
  unbound: number;
  spread: string;
  cycleUs: number;
  decideUs: number;
  rssMb: number;
  /** This process's CPU (user + system) from scheduler start to the last bind, ms per pod. */
  cpuMsPerPod: number;
}

/** `deadlineMs`: give up after this long (a loaded machine binds far slower than the target). */
export async function schedulerRun(nodes: number, pods: number, deadlineMs = 150_000): Promise<SchedulerRun> {
  const tc = await setupPendingPods(nodes, pods);
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const sched = await startScheduler({ client: tc.client });
  const tSynced = performance.now();
  while (sched.stats().bound < pods) {
    if (performance.now() - t0 > deadlineMs) {
      sched.stop();
      await tc.close();
      throw new Error(`only ${sched.stats().bound}/${pods} bound after ${deadlineMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const st = sched.stats();
  sched.stop();
  const items = (await tc.client.list(R.pods, 'default')).items;
  const nodeOf = (p: KubeObject) => (p.spec as { nodeName?: string }).nodeName;
  const unbound = items.filter((p) => !nodeOf(p)).length;
  const perNode = new Map<string, number>();
  for (const p of items) {
    const n = nodeOf(p);
    if (n) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  const counts = [...perNode.values()];
  await tc.close();
  return {
    rate: pods / ((t1 - tSynced) / 1000),
    total: (t1 - t0) / 1000,
    sync: (tSynced - t0) / 1000,
    unbound,
    spread: `${Math.min(...counts)}–${Math.max(...counts)} pods/node`,
    cycleUs: (st.cycleMs * 1000) / st.attempts,
    decideUs: (st.decideMs * 1000) / st.attempts,
    rssMb: Math.round((process.memoryUsage().rss - rss0) / 2 ** 20),
    cpuMsPerPod: (cpu.user + cpu.system) / 1000 / pods,
  };
}
