// npm run bench -- pods: pod startup on a Docker-backed cluster (1 node, local test images), in process.
// Prints, each beside its floor from the same run:
//   create → Running (seen through a watch), 1 pod × 10 and a 50-pod burst   vs dockerode create+start
//     of the same sandbox + app container (app in the sandbox's netns), no Skiff
//   process RSS after GC with 10 pods running, once idle                       vs RSS before the cluster
// Targets: ≤ 1.3× the floor, p99 ≤ 5 s, idle RSS ≤ 150 MB. Every container it made is removed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import Docker from 'dockerode';
import { BUSYBOX_IMAGE, PAUSE_IMAGE, ensureTestImages } from '../docker/images';
import type { ControlPlane } from '../../engine/cluster/control-plane';
import { startDockerBenchCluster } from './testing/docker-bench';
import { ensureClusterNetwork, removeClusterResources } from '../../engine/docker/network';
import { R, type KubeClient } from '../../engine/client/types';

const SINGLE = 10;
const BURST = 50;
const IDLE = 10;
const cluster = `bench${process.pid}`;
const floorLabel = 'skiff.bench-floor';

const out = (line: string) => console.log(line);
const ms = (n: number) => `${n.toFixed(0)} ms`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;
/** RSS after GC, and of it the JS heap in use (what the engine holds, apart from allocator slack). */
const gcRss = async () => {
  for (let i = 0; i < 3; i++) {
    (globalThis as any).gc?.();
    await new Promise((r) => setTimeout(r, 200));
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
};
/**
 * Waits until the process is idle as a user's would be: V8 grows its young generation to 32 MB
 * under a burst of allocation and its memory reducer gives it back only after some seconds of
 * quiet, so a fixed wait measured either state by luck (±28 MB between runs of the same code).
 * The pages it frees leave RSS later still (10–20 MB, some seconds after the young generation
 * shrinks), so after a GC it waits until RSS has not fallen for 10 s. Returns the seconds waited; at
 * most `maxS`.
 */
const settle = async (maxS: number) => {
  const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
  const start = performance.now();
  const left = () => performance.now() - start < maxS * 1000;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await sleep(3000); // status updates and syncs settle
  while (young() > 8 * 1024 * 1024 && left()) await sleep(500);
  const shrunk = young() <= 8 * 1024 * 1024;
  await gcRss();
  let low = process.memoryUsage().rss;
  let lowAt = performance.now();
  while (performance.now() - lowAt < 10_000 && left()) {
    await sleep(1000);
    const rss = process.memoryUsage().rss;
    if (rss < low - 512 * 1024) [low, lowAt] = [rss, performance.now()];
  }
  return { seconds: (performance.now() - start) / 1000, shrunk, steady: performance.now() - lowAt >= 10_000 };
};
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

/** Watches pods in a namespace; resolves `running(name)` when that pod is first seen Running. */
function runningWatch(client: KubeClient, ns: string) {
  const seen = new Map<string, number>();
  const bound = new Map<string, number>(); // first seen with spec.nodeName: the scheduler's share
  const waiters = new Map<string, (t: number) => void>();
  const h = client.watch(
    R.pods,
    ns,
    {},
    (_type, obj: any) => {
      const name = obj?.metadata?.name;
      if (obj?.spec?.nodeName && !bound.has(name)) bound.set(name, performance.now());
      if (obj?.status?.phase !== 'Running' || seen.has(name)) return;
      const t = performance.now();
      seen.set(name, t);
      waiters.get(name)?.(t);
    },
    () => {},
  );
  return {
    running: (name: string) =>
      new Promise<number>((resolve) => {
        const t = seen.get(name);
        if (t !== undefined) resolve(t);
        else waiters.set(name, resolve);
      }),
    boundAt: (name: string) => bound.get(name) ?? NaN,
    stop: () => h.stop(),
  };
}

const podOf = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'bench' } },
  spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] },
});

const scheduling: number[] = [];

async function skiffStartups(client: KubeClient, ns: string, prefix: string, n: number, burst: boolean): Promise<number[]> {
  const w = runningWatch(client, ns);
  const one = async (i: number) => {
    const name = `${prefix}-${i}`;
    const t = performance.now();
    const running = w.running(name);
    await client.create(R.pods, ns, podOf(name));
    const done = await running;
    if (!burst) scheduling.push(w.boundAt(name) - t);
    return done - t;
  };
  const idx = Array.from({ length: n }, (_, i) => i);
  let lat: number[];
  if (burst) lat = await Promise.all(idx.map(one));
  else {
    lat = [];
    for (const i of idx) lat.push(await one(i));
  }
  w.stop();
  return lat;
}

async function deletePods(client: KubeClient, ns: string, docker: Docker) {
  const list = await client.list(R.pods, ns);
  await Promise.all(list.items.map((p: any) => client.delete(R.pods, ns, p.metadata.name, { gracePeriodSeconds: 0 }).catch(() => {})));
  // Wait for the kubelet to remove their containers so the next phase starts from an idle engine.
  for (let i = 0; i < 300; i++) {
    const left = await docker.listContainers({ all: true, filters: { label: [`skiff.cluster=${cluster}`, 'skiff.container'] } });
    if (!left.length && !(await client.list(R.pods, ns)).items.length) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The floor: what Docker alone needs for one pod's sandbox + app container. */
async function dockerStartups(docker: Docker, network: string, n: number, burst: boolean): Promise<number[]> {
  const one = async (i: number) => {
    const t = performance.now();
    const sb = await docker.createContainer({
      name: `skiff-floor-${process.pid}-${burst ? 'b' : 's'}-${i}-pod`,
      Image: PAUSE_IMAGE,
      Labels: { [floorLabel]: String(process.pid) },
      HostConfig: { NetworkMode: network },
    });
    await sb.start();
    const app = await docker.createContainer({
      name: `skiff-floor-${process.pid}-${burst ? 'b' : 's'}-${i}-app`,
      Image: BUSYBOX_IMAGE,
      Cmd: ['sleep', '3600'],
      Labels: { [floorLabel]: String(process.pid) },
      HostConfig: { NetworkMode: `container:${sb.id}` },
    });
    await app.start();
    return performance.now() - t;
  };
  const idx = Array.from({ length: n }, (_, i) => i);
  let lat: number[];
  if (burst) lat = await Promise.all(idx.map(one));
  else {
    lat = [];
    for (const i of idx) lat.push(await one(i));
  }
  await removeFloor(docker);
  return lat;
}

async function removeFloor(docker: Docker) {
  const list = await docker.listContainers({ all: true, filters: { label: [`${floorLabel}=${process.pid}`] } });
  // Apps first: a sandbox can't go while a container shares its namespace... force handles it, but keep it tidy.
  await Promise.all(
    list.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => {}),
    ),
  );
}

function report(what: string, skiff: number[], floor: number[]) {
  const [s50, s99, f50, f99] = [pct(skiff, 50), pct(skiff, 99), pct(floor, 50), pct(floor, 99)];
  out(
    `  ${what}: p50 ${ms(s50)} vs floor ${ms(f50)} (${(s50 / f50).toFixed(2)}×, ${verdict(s50 <= 1.3 * f50)}); ` +
      `p99 ${ms(s99)} vs floor ${ms(f99)} (${(s99 / f99).toFixed(2)}×, ${verdict(s99 <= 1.3 * f99)}; ≤ 5 s ${verdict(s99 <= 5000)})`,
  );
}

async function main() {
  const docker = new Docker();
  await ensureTestImages();
  const baseline = await gcRss();
  const dir = mkdtempSync(join(tmpdir(), 'skiff-pods-bench-'));
  process.env.SKIFF_SANDBOX_IMAGE = PAUSE_IMAGE;
  let cp: ControlPlane | undefined;
  try {
    out(`pods bench: Docker-backed cluster, 1 node, ${SINGLE} sequential pods, a ${BURST}-pod burst, idle RSS with ${IDLE} pods`);
    cp = await startDockerBenchCluster(cluster, dir);
    const client = cp.client;
    if (!client) throw new Error('control plane has no in-process client');
    for (let i = 0; i < 300; i++) {
      const nodes = await client.list(R.nodes, undefined);
      if (nodes.items.some((n: any) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const network = await ensureClusterNetwork(docker, cluster);
    const ns = 'default';
    // Warm-up: first pod pays one-off costs (image inspect caches, network attach) in both paths.
    await skiffStartups(client, ns, 'warm', 1, false);
    await deletePods(client, ns, docker);
    await dockerStartups(docker, network, 1, false);

    const single = await skiffStartups(client, ns, 'one', SINGLE, false);
    await deletePods(client, ns, docker);
    const singleFloor = await dockerStartups(docker, network, SINGLE, false);
    report(`1 pod × ${SINGLE}, create → Running`, single, singleFloor);
    out(`    (of which create → bound by the scheduler: p50 ${ms(pct(scheduling.slice(1), 50))})`);

    const burst = await skiffStartups(client, ns, 'burst', BURST, true);
    await deletePods(client, ns, docker);
    const burstFloor = await dockerStartups(docker, network, BURST, true);
    report(`${BURST}-pod burst, create → Running`, burst, burstFloor);

    await skiffStartups(client, ns, 'idle', IDLE, true);
    const settled = await settle(90);
    const usage = process.memoryUsage();
    const idle = { rss: usage.rss, heap: usage.heapUsed };
    out(
      `  idle RSS with ${IDLE} pods running: ${mb(idle.rss)} vs ${mb(baseline.rss)} before the cluster (≤ 150 MB ${verdict(idle.rss <= 150 * 1024 * 1024)}); JS heap in use ${mb(idle.heap)} vs ${mb(baseline.heap)}; ` +
        (!settled.shrunk
          ? `young generation still grown after ${settled.seconds.toFixed(0)} s`
          : settled.steady
            ? `idle after ${settled.seconds.toFixed(0)} s`
            : `RSS still falling after ${settled.seconds.toFixed(0)} s`),
    );
    await deletePods(client, ns, docker);
  } finally {
    await cp?.stop().catch(() => {});
    await removeFloor(docker);
    // A create the engine was still working on can land after the first sweep: sweep until quiet.
    for (let i = 0; i < 5; i++) {
      // A container that appeared after the sweep listed them keeps the network busy: sweep again.
      const failed = await removeClusterResources(docker, cluster).then(
        () => undefined,
        (e: Error) => e,
      );
      await new Promise((r) => setTimeout(r, 1000));
      const left = await docker.listContainers({ all: true, filters: { label: [`skiff.cluster=${cluster}`] } });
      const nets = await docker.listNetworks({ filters: { label: [`skiff.cluster=${cluster}`] } });
      if (!left.length && !nets.length) break;
      if (i === 4)
        console.error(
          `left behind: ${left.length} containers, ${nets.length} networks of ${cluster}${failed ? ` (${failed.message})` : ''}`,
        );
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
