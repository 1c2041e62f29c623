// npm run bench -- scheduler: the scheduler's throughput, pods bound per second.
//   30,000 pending pods over 1,000 nodes   (target ≥ 1,000 pods/s)
//   10,000 pending pods over 100 nodes     (the same run, to show how cost grows with nodes)
//   floor: raw pods/binding calls/s through the same in-process client, no scheduling logic
// Each run gets a fresh API core (SQLite) with nodes and pending pods created before the
// scheduler starts; the clock runs from scheduler start until every pod is bound.
import { bindTo, pool, schedulerRun, setupPendingPods as setup } from './testing/scheduler-run';

const out = (line: string) => console.log(line);
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const BIG_PODS = Number(args.get('pods') ?? 30_000);
const BIG_NODES = Number(args.get('nodes') ?? 1000);
/** --only=floor|small|big runs one part (for profiling). */
const only = args.get('only');
const part = (name: string) => !only || only === name;

/** The floor: bind pending pods straight through pods/binding, round-robin, same concurrency. */
async function bindingFloor(nodes: number, pods: number) {
  const tc = await setup(nodes, pods);
  try {
    const t0 = performance.now();
    await pool(pods, 64, (i) => bindTo(tc.client, `p-${i}`, `node-${i % nodes}`));
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
