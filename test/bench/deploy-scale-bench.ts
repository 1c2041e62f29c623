// npm run bench -- deploy-scale [--replicas 30000] [--nodes 1000] [--only e2e|floor]: one
// Deployment of 30,000 replicas on 1,000 simulated nodes, end to end. The control plane starts
// as `skiff start --node-runtime simulated --nodes 1000` does (in this process, so --cpu-prof
// sees it); the real kubectl creates the Deployment from a file; a `kubectl get pods -w` for
// bound pods (spec.nodeName set), in its own process, counts them until all are seen.
// Printed beside its floor from the same run: the scheduler bench's decisions/s (pending pods
// created first, then the scheduler alone binds them; target ≥ 0.6×), and, for the bounds on the
// ratio, the pod writes issued straight from a client (writes-run.ts): its create + bind, and
// every write a pod makes on its way to Running (create, bind, status and four Events).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startControlPlane } from '../../engine/cluster/control-plane';
import { R } from '../../engine/client/types';
import type { KubeObject } from '../../engine/kinds/types';
import { kubectlPath, run } from '../integration/harness';
import { schedulerRun } from './testing/scheduler-run';
import { writesRun } from './testing/writes-run';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const only = (() => {
  const i = process.argv.indexOf('--only');
  return i > 0 ? process.argv[i + 1] : undefined;
})();
const REPLICAS = arg('replicas', 30_000);
const NODES = arg('nodes', 1000);
const COUNT = process.argv.includes('--count');
const DEADLINE_MS = arg('deadline', 300) * 1000;
const out = (line: string) => console.log(line);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const deployment = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'scale', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'scale' } },
    template: {
      metadata: { labels: { app: 'scale' } },
      spec: { containers: [{ name: 'app', image: 'registry.local/app:1', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
    },
  },
});

/** `kubectl get pods -w` of bound pods; resolves with the time the last distinct one was seen. */
function watchBound(kubeconfig: string, want: number, deadline: number) {
  const child = spawn(
    kubectlPath(),
    ['--kubeconfig', kubeconfig, 'get', 'pods', '-n', 'default', '-w', '-o', 'name', '--field-selector', 'spec.nodeName!='],
    // HOME: kubectl's discovery cache goes to the bench's temp dir, not the checkout.
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, HOME: dirname(kubeconfig) } },
  );
  const seen = new Set<string>();
  let firstAt = 0;
  let rest = '';
  const done = new Promise<{ count: number; at: number; firstAt: number }>((resolve) => {
    const timer = setTimeout(() => finish(), deadline);
    const finish = () => {
      clearTimeout(timer);
      child.kill();
      resolve({ count: seen.size, at: performance.now(), firstAt });
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const l of lines) if (l) seen.add(l);
      if (!firstAt && seen.size) firstAt = performance.now();
      if (seen.size >= want) finish();
    });
    child.on('exit', () => finish());
  });
  return { done, count: () => seen.size };
}

async function e2e() {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-deploy-'));
  try {
    let t = performance.now();
    const cp = await startControlPlane({
      name: 'scale',
      dataDir: dir,
      nodes: NODES,
      nodeRuntime: 'simulated',
      ingressPort: 0,
      ingressHttpsPort: 0,
    });
    const client = cp.client!;
    // Every node Ready before the clock starts (the scheduler skips nodes not yet Ready).
    for (;;) {
      const nodes = (await client.list(R.nodes, undefined)).items;
      const conditions = (n: KubeObject) => (n.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions;
      const ready = nodes.filter((n) => conditions(n)?.some((c) => c.type === 'Ready' && c.status === 'True'));
      if (ready.length >= NODES) break;
      await sleep(250);
    }
    out(`  control plane with ${NODES} simulated nodes Ready: ${secs(performance.now() - t)}`);
    // --count: writes per kind during the run (costs a watch each; not for timing runs).
    const counts = new Map<string, number>();
    const counters = COUNT
      ? [R.pods, R.events, R.replicasets, R.deployments, R.nodes, R.leases].map((res) =>
          client.watch(
            res,
            undefined,
            {},
            (type) => counts.set(`${res.plural} ${type}`, (counts.get(`${res.plural} ${type}`) ?? 0) + 1),
            () => {},
          ),
        )
      : [];
    const file = join(dir, 'deployment.json');
    writeFileSync(file, JSON.stringify(deployment(REPLICAS)));
    const watch = watchBound(cp.kubeconfigPath, REPLICAS, DEADLINE_MS);
    await sleep(500); // the watch's initial (empty) list
    t = performance.now();
    const cpu0 = process.cpuUsage();
    const created = await run(kubectlPath(), ['--kubeconfig', cp.kubeconfigPath, 'create', '-f', file], { env: { HOME: dir } });
    if (created.code !== 0) throw new Error(`kubectl create: ${created.stderr}`);
    const progress = setInterval(() => out(`    ${secs(performance.now() - t)}: ${watch.count()} bound`), 10_000);
    const seen = await watch.done;
    clearInterval(progress);
    const ms = seen.at - t;
    const cpu = process.cpuUsage(cpu0);
    for (const c of counters) c.stop();
    if (COUNT) out(`  writes per pod: ${[...counts].map(([k, v]) => `${k} ${(v / REPLICAS).toFixed(2)}`).join(', ')}`);
    await cp.stop();
    return {
      bound: seen.count,
      ms,
      rate: seen.count / (ms / 1000),
      firstMs: seen.firstAt - t,
      cpuMsPerPod: (cpu.user + cpu.system) / 1000 / REPLICAS,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  out(
    `deploy-scale bench: Deployment of ${REPLICAS} replicas on ${NODES} simulated nodes (load ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})`,
  );
  const floor = only === 'e2e' ? undefined : await schedulerRun(NODES, REPLICAS, DEADLINE_MS);
  if (floor) out(`  floor: scheduler alone, ${REPLICAS} pending pods / ${NODES} nodes: ${floor.rate.toFixed(0)} pods/s bound`);
  const writes = only === 'e2e' ? undefined : await writesRun(NODES, REPLICAS);
  if (writes) out(`  bound on the ratio: the ${REPLICAS} creates + binds alone, from a client: ${writes.rate.toFixed(0)} pods/s`);
  const allWrites = only === 'e2e' ? undefined : await writesRun(NODES, REPLICAS, 'running');
  if (allWrites)
    out(
      `  bound on the ratio: every write of the ${REPLICAS} pods up to Running alone, from a client: ${allWrites.rate.toFixed(0)} pods/s`,
    );
  if (only === 'floor') return;
  const r = await e2e();
  out('');
  out(`  figure                                             value            floor`);
  out(
    `  kubectl create → all bound (watch), pods bound/s   ${`${r.rate.toFixed(0)}/s`.padEnd(16)} ${floor ? `${floor.rate.toFixed(0)}/s scheduler alone → ${(r.rate / floor.rate).toFixed(2)}× (target ≥ 0.6×)` : '—'}`,
  );
  out(
    `  bound seen                                         ${`${r.bound}/${REPLICAS}`.padEnd(16)} in ${secs(r.ms)} (first after ${secs(r.firstMs)})`,
  );
  // CPU per pod in this process (control plane and all; kubectl's own processes not counted):
  // steadier than the rates when other processes share the cores.
  out(
    `  control plane CPU per pod                          ${`${r.cpuMsPerPod.toFixed(2)} ms`.padEnd(16)} ${floor ? `${floor.cpuMsPerPod.toFixed(2)} ms scheduler alone → ${(floor.cpuMsPerPod / r.cpuMsPerPod).toFixed(2)}×` : '—'}`,
  );
  if (writes && floor)
    out(
      `  creates + binds alone (no controllers)             ${`${writes.rate.toFixed(0)}/s`.padEnd(16)} ${(writes.rate / floor.rate).toFixed(2)}× the scheduler alone by rate, ${(floor.cpuMsPerPod / writes.cpuMsPerPod).toFixed(2)}× by CPU (${writes.cpuMsPerPod.toFixed(2)} ms per pod)`,
    );
  if (allWrites && floor)
    out(
      `  all 7 writes per pod alone (no controllers)        ${`${allWrites.rate.toFixed(0)}/s`.padEnd(16)} ${(allWrites.rate / floor.rate).toFixed(2)}× the scheduler alone by rate, ${(floor.cpuMsPerPod / allWrites.cpuMsPerPod).toFixed(2)}× by CPU (${allWrites.cpuMsPerPod.toFixed(2)} ms per pod)`,
    );
  if (allWrites) out(`  kubectl create → all bound against all 7 writes alone: ${(r.rate / allWrites.rate).toFixed(2)}× by rate`);
  out(
    `  load average after                                 ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
