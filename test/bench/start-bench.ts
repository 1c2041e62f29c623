// npm run bench -- start: `skiff start` (the built CLI, detached as a user runs it) with one
// Docker node, cold (a fresh data dir: PKI, store, Docker network all new) and warm (the same
// cluster stopped and started again). From spawning the command, the median of --runs runs of:
//   /readyz answering 200 (polled with the cluster's admin cert)
//   a Node Ready with a heartbeat from this start, seen by an outside watch
//   the command returning (it prints "ready")
//   `kubectl get nodes` run right after it, listing the node Ready
// each beside the target (warm ≤ 1.0 s, cold ≤ 1.5 s to node Ready), and beside
// `skiff --version` (what spawning the CLI costs at all on this machine now).
// Then time to Kubernetes (--skip ttk to leave it out): start → a Deployment's pod Running →
// its NodePort Service answering GET from the host, beside raw Docker (network create, run
// with a published port, GET answering) in the same run.
// Options: --runs N (default 3), --trace (print each run's SKIFF_TRACE=start lines), --skip ttk.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCliBuilt } from '../testing/ensure-cli-built';
import { BUSYBOX_IMAGE, ensureTestImages } from '../docker/images';
import { run, kubectlPath } from '../integration/harness';
import { httpGet, webDeployment, webService } from '../chaos/testing/web-app';
import { waitFor } from '../wait-for';
import { observeStart } from './start-observer';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const RUNS = Number(arg('runs', '3'));
const TRACE = process.argv.includes('--trace');
const skipped = new Set(arg('skip', '').split(','));
const root = new URL('../..', import.meta.url).pathname;
const skiffBin = join(root, 'bin/skiff.mjs');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const ms = (n: number) => `${Math.round(n).toLocaleString('en')} ms`;
const row = (what: string, figure: string, floor: string) => console.log(`${what.padEnd(58)} ${figure.padStart(10)}   ${floor}`);

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

interface Cluster {
  name: string;
  dir: string;
  dataDir: string;
  kubeconfig: string;
  port: number;
  env: Record<string, string>;
}

async function newCluster(tag: string): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), `skiff-bench-start-${tag}-`));
  const kubeconfig = join(dir, 'kc');
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    HOME: dir,
    KUBECONFIG: kubeconfig,
    SKIFF_INGRESS_PORT: '0',
    SKIFF_INGRESS_HTTPS_PORT: '0',
  };
  if (TRACE) env.SKIFF_TRACE = 'start';
  return { name: `bench-${tag}-${process.pid}`, dir, dataDir: join(dir, 'data'), kubeconfig, port: await freePort(), env };
}

const skiff = (c: Cluster, args: string[]) =>
  run(process.execPath, [skiffBin, ...args, '--name', c.name, '--data-dir', c.dataDir], { env: c.env });
const kubectl = (c: Cluster, args: string[], input?: string) => run(kubectlPath(), args, { env: c.env, input });

interface StartTimes {
  readyz: number;
  nodeReady: number;
  command: number;
  kubectl: number;
}

/** One `skiff start`, timed from the spawn. */
async function timedStart(c: Cluster): Promise<StartTimes> {
  const t0 = performance.now();
  const watch = observeStart(join(c.dataDir, c.name, 'pki'), c.port, t0, Date.now());
  const args = ['start', '--name', c.name, '--data-dir', c.dataDir, '--kubeconfig', c.kubeconfig, '--node-runtime', 'docker'];
  const proc = spawn(process.execPath, [skiffBin, ...args, '--port', String(c.port)], { env: c.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  try {
    const code = await new Promise<number | null>((resolve) => proc.on('close', resolve));
    const command = performance.now() - t0;
    if (code !== 0) throw new Error(`skiff start exited ${code}: ${output}`);
    await waitFor(
      'kubectl get nodes listing a Ready node',
      async () => / Ready /.test((await kubectl(c, ['get', 'nodes'])).stdout),
      30_000,
      0,
    );
    const kubectlDone = performance.now() - t0;
    const [readyz, nodeReady] = await Promise.all([watch.readyz, watch.nodeReady]);
    if (TRACE) for (const line of output.split('\n').filter((l) => l.startsWith('trace start:'))) console.log(`    ${line}`);
    return { readyz, nodeReady, command, kubectl: kubectlDone };
  } finally {
    watch.stop();
  }
}

function report(label: string, runs: StartTimes[], target: number, floor: number) {
  const of = (k: keyof StartTimes) => median(runs.map((r) => r[k]));
  const all = (k: keyof StartTimes) => runs.map((r) => Math.round(r[k])).join(', ');
  const verdict = of('nodeReady') <= target ? 'holds' : 'missed';
  row(`${label}: start → /readyz 200`, ms(of('readyz')), `(runs ${all('readyz')})`);
  row(`${label}: start → node Ready (outside watch)`, ms(of('nodeReady')), `target ≤ ${ms(target)}: ${verdict} (runs ${all('nodeReady')})`);
  row(`${label}: start → command returned`, ms(of('command')), `(runs ${all('command')})`);
  row(`${label}: start → kubectl get nodes shows Ready`, ms(of('kubectl')), `floor: skiff --version ${ms(floor)} (runs ${all('kubectl')})`);
}

async function startTimes() {
  const t = performance.now();
  const v = await run(process.execPath, [skiffBin, '--version'], {});
  if (v.code !== 0) throw new Error(`skiff --version: ${v.stderr}`);
  const spawnFloor = performance.now() - t;

  const cold: StartTimes[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c = await newCluster(`cold${i}`);
    try {
      cold.push(await timedStart(c));
    } finally {
      await skiff(c, ['delete']);
      rmSync(c.dir, { recursive: true, force: true });
    }
  }
  report('cold', cold, 1500, spawnFloor);

  const c = await newCluster('warm');
  const warm: StartTimes[] = [];
  try {
    await timedStart(c);
    for (let i = 0; i < RUNS; i++) {
      const stopped = await skiff(c, ['stop']);
      if (stopped.code !== 0) throw new Error(`skiff stop: ${stopped.stderr}`);
      await sleep(1500); // the last run's heartbeats are a whole second older than this start
      warm.push(await timedStart(c));
    }
  } finally {
    await skiff(c, ['delete']);
    rmSync(c.dir, { recursive: true, force: true });
  }
  report('warm', warm, 1000, spawnFloor);
}

/** Start → Deployment Running → Service answering the host; beside raw Docker doing the same. */
async function timeToKubernetes() {
  await ensureTestImages();
  const id = `skiff-bench-ttk-${process.pid}`;
  const docker = (args: string[]) => run('docker', args, {});
  let t = performance.now();
  let floor: number;
  try {
    if ((await docker(['network', 'create', id])).code !== 0) throw new Error('docker network create failed');
    const cmd = ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www'];
    const started = await docker(['run', '-d', '--name', id, '--network', id, '-p', '127.0.0.1::8080', BUSYBOX_IMAGE, ...cmd]);
    if (started.code !== 0) throw new Error(`docker run: ${started.stderr}`);
    const port = Number((await docker(['port', id, '8080'])).stdout.trim().split(':').pop());
    await waitFor('the container answering', () => httpGet(port), 30_000, 10);
    floor = performance.now() - t;
  } finally {
    await docker(['rm', '-f', id]);
    await docker(['network', 'rm', id]);
  }

  const c = await newCluster('ttk');
  try {
    t = performance.now();
    const started = await skiff(c, ['start', '--kubeconfig', c.kubeconfig, '--node-runtime', 'docker', '--port', String(c.port)]);
    if (started.code !== 0) throw new Error(`skiff start: ${started.stderr}`);
    const applied = await kubectl(c, ['apply', '-f', '-'], `${webDeployment(1)}\n---\n${webService}`);
    if (applied.code !== 0) throw new Error(`kubectl apply: ${applied.stderr}`);
    const svc = JSON.parse((await kubectl(c, ['get', 'service', 'web', '-o', 'json'])).stdout) as {
      spec: { ports: { nodePort: number }[] };
    };
    await waitFor('the Service answering the host', () => httpGet(svc.spec.ports[0].nodePort), 60_000, 10);
    const ttk = performance.now() - t;
    row(
      'time to Kubernetes: start → Deployment → NodePort answers',
      ms(ttk),
      `target ≤ 3,000 ms; raw Docker ${ms(floor)} (${(ttk / floor).toFixed(2)}×)`,
    );
  } finally {
    await skiff(c, ['delete']);
    rmSync(c.dir, { recursive: true, force: true });
  }
}

await ensureCliBuilt();
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(`load average before: ${load()}`);
await startTimes();
if (!skipped.has('ttk')) await timeToKubernetes();
console.log(`load average after: ${load()}`);
