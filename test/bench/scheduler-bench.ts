// npm run bench -- scheduler: the scheduler's throughput, pods bound per second.
//   30,000 pending pods over 1,000 nodes   (target ≥ 1,000 pods/s)
//   10,000 pending pods over 100 nodes     (the same run, to show how cost grows with nodes)
//   floor: raw pods/binding calls/s through the same in-process client, no scheduling logic
// Each run gets a fresh API core (SQLite) with nodes and pending pods created before the
// scheduler starts; the clock runs from scheduler start until every pod is bound.
import { startTestCore, type TestCluster } from '../../engine/apiserver/testing/test-cluster';
import { R } from '../../engine/client/types';
import { startScheduler } from '../../engine/scheduler/index';
import { makeNode, makePod } from '../../engine/scheduler/testing/fixtures';

const out = (line: string) => console.log(line);
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const BIG_PODS = Number(args.get('pods') ?? 30_000);
const BIG_NODES = Number(args.get('nodes') ?? 1000);
/** --only=floor|small|big runs one part (for profiling). */
const only = args.get('only');
const part = (name: string) => !only || only === name;

async function pool(n: number, concurrency: number, fn: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

async function setup(nodes: number, pods: number): Promise<TestCluster> {
  const tc = await startTestCore();
  await pool(nodes, 32, async (i) => {
    const node = makeNode(`node-${i}`, { cpu: '32', memory: '128Gi', pods: 110 });
    const created = await tc.client.create(R.nodes, undefined, node);
    await tc.client.update(R.nodes, undefined, { ...created, status: node.status }, { subresource: 'status' });
  });
  await pool(pods, 64, async (i) => {
    const pod = makePod(`p-${i}`, { cpu: '100m', memory: '128Mi', labels: { app: `app-${i % 50}` } });
    pod.metadata.uid = undefined;
    await tc.client.create(R.pods, 'default', pod);
  });
  return tc;
}

async function schedulerRun(nodes: number, pods: number) {
  const tc = await setup(nodes, pods);
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const sched = await startScheduler({ client: tc.client });
  const tSynced = performance.now();
  while (sched.stats().bound < pods) {
    if (performance.now() - t0 > 150_000) {
      sched.stop();
      await tc.close();
      throw new Error(`only ${sched.stats().bound}/${pods} bound after 150 s`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const t1 = performance.now();
  const st = sched.stats();
  sched.stop();
  const items = (await tc.client.list(R.pods, 'default')).items;
  const unbound = items.filter((p) => !p.spec.nodeName).length;
  const perNode = new Map<string, number>();
  for (const p of items) if (p.spec.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
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
  };
}

/** The floor: bind pending pods straight through pods/binding, round-robin, same concurrency. */
async function bindingFloor(nodes: number, pods: number) {
  const tc = await setup(nodes, pods);
  try {
    const t0 = performance.now();
    await pool(pods, 64, (i) =>
      tc.client.createSubresource(R.pods, 'default', `p-${i}`, 'binding', {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: `p-${i}` },
        target: { apiVersion: 'v1', kind: 'Node', name: `node-${i % nodes}` },
      }),
    );
    return pods / ((performance.now() - t0) / 1000);
  } finally {
    await tc.close();
  }
}

async function main() {
  out(`scheduler bench: ${BIG_PODS} pods / ${BIG_NODES} nodes, 10000 pods / 100 nodes`);
  if (part('floor')) {
    const floor = await bindingFloor(100, 10_000);
    out(`floor   raw pods/binding through the client:        ${floor.toFixed(0)} binds/s`);
  }
  if (part('small')) {
    const small = await schedulerRun(100, 10_000);
    out(
      `100 nodes   10000 pods: ${small.rate.toFixed(0)} pods/s bound (decision ${small.decideUs.toFixed(0)} µs/pod, cycle incl. API ${small.cycleUs.toFixed(0)} µs/pod, informer sync ${small.sync.toFixed(2)} s, unbound ${small.unbound}, ${small.spread})`,
    );
  }
  if (part('big')) {
    const big = await schedulerRun(BIG_NODES, BIG_PODS);
    out(
      `${BIG_NODES} nodes ${BIG_PODS} pods: ${big.rate.toFixed(0)} pods/s bound (decision ${big.decideUs.toFixed(0)} µs/pod, cycle incl. API ${big.cycleUs.toFixed(0)} µs/pod, informer sync ${big.sync.toFixed(2)} s, total ${big.total.toFixed(1)} s, unbound ${big.unbound}, ${big.spread})`,
    );
  }
  out(`target ≥ 1000 pods/s at 1000 nodes; kube-scheduler publishes 100–300 pods/s`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
