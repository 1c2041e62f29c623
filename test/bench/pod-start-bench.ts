// npm run bench -- pod-start: where one pod's start goes, seen from outside as a user's tools see
// it. A Docker-backed cluster started by the built CLI; this process watches its pods over HTTPS
// (as kubectl would) and Docker's event stream, and times each step from the create request:
//   POST answered → bound (a watch sees spec.nodeName) → kubelet sync begins (the cluster's
//   SKIFF_TRACE=pod lines in skiff.log) → sandbox created → sandbox started → app created →
//   app started (Docker events) → status queued → status written (the trace) → Running seen →
//   Ready seen (the watch)
// The median of --pods N sequential pods (default 5, after one warm-up), each step beside the same
// step of the floor: dockerode create+start of the same sandbox and app container (the app in the
// sandbox's network namespace), timed by the same event stream, in the same run.
// Options: --pods N.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- API and Docker JSON read untyped */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import Docker from 'dockerode';
import { BUSYBOX_IMAGE, PAUSE_IMAGE, ensureTestImages } from '../docker/images';
import { ensureCliBuilt } from '../testing/ensure-cli-built';
import { createHttpClient } from '../../engine/client/http-client';
import { R } from '../../engine/client/types';
import { L, SANDBOX } from '../../engine/docker/names';
import { waitFor } from '../wait-for';
import { parsePodTraceLine } from '../../engine/cluster/pod-trace';
import { newBenchCluster, pkiDir, skiffCmd, type BenchCluster } from './testing/bench-cluster';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const PODS = Number(arg('pods', '5'));
const floorLabel = 'skiff.bench-floor';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n).toLocaleString('en')} ms` : '—');
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const wallToPerf = performance.timeOrigin;
/** The cluster's SKIFF_TRACE=pod lines so far. */
const podTraceLines = (c: BenchCluster) =>
  readFileSync(join(c.dataDir, c.name, 'skiff.log'), 'utf8')
    .split('\n')
    .map(parsePodTraceLine)
    .filter((l) => l !== undefined);

type PodView = {
  metadata: { name: string };
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
};

/** Moments of one pod's (or one floor pair's) start, in ms after its create request. */
type Steps = Partial<Record<Step, number>>;
const STEPS = [
  'answered',
  'bound',
  'kubelet sync begins',
  'sandbox created',
  'sandbox started',
  'app created',
  'app started',
  'status queued',
  'status written',
  'Running seen',
  'Ready seen',
] as const;
type Step = (typeof STEPS)[number];

/** Docker's container create/start events, by a key the caller derives from the labels, in performance.now() time. */
function dockerEvents(docker: Docker, keyOf: (labels: Record<string, string>) => string | undefined) {
  const seen = new Map<string, number>(); // `${key} ${what} ${action}`
  let stream: NodeJS.ReadableStream | undefined;
  const ready = docker.getEvents({ filters: { type: ['container'], event: ['create', 'start'] } }).then((s) => {
    stream = s;
    let buf = '';
    s.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.trim()) continue;
        const ev = JSON.parse(line);
        const labels = (ev.Actor?.Attributes ?? {}) as Record<string, string>;
        const key = keyOf(labels);
        if (key) seen.set(`${key} ${ev.Action}`, Number(ev.timeNano) / 1e6 - wallToPerf);
      }
    });
  });
  return {
    ready,
    at: (key: string, action: string) => seen.get(`${key} ${action}`),
    stop: () => (stream as { destroy?(): void } | undefined)?.destroy?.(),
  };
}

async function main() {
  await ensureCliBuilt();
  await ensureTestImages();
  const docker = new Docker();
  console.log(`load average before: ${load()}`);
  const c = await newBenchCluster('pod-start', 'pods', { trace: 'pod' });
  const events = dockerEvents(docker, (l) => {
    if (l[floorLabel] === String(process.pid)) return `floor/${l['bench.pair']} ${l['bench.role']}`;
    if (l[L.cluster] === c.name && l[L.pod]) return `${l[L.pod]} ${l[L.container] === SANDBOX ? 'sandbox' : 'app'}`;
    return undefined;
  });
  await events.ready;
  const started = await skiffCmd(c, [
    'start',
    '--kubeconfig',
    c.kubeconfig,
    '--node-runtime',
    'docker',
    '--port',
    String(c.port),
    '--sandbox-image',
    PAUSE_IMAGE,
  ]);
  try {
    if (started.code !== 0) throw new Error(`skiff start: ${started.stderr}`);
    const [ca, cert, key] = ['ca.crt', 'admin.crt', 'admin.key'].map((f) => readFileSync(join(pkiDir(c), f), 'utf8'));
    const client = createHttpClient({ server: `https://127.0.0.1:${c.port}`, ca, cert, key });
    const ns = 'default';
    await waitFor(
      'the default service account',
      async () => !!(await client.get(R.serviceaccounts, ns, 'default').catch(() => undefined)),
      30_000,
    );

    // The watch records when each pod is first seen bound, Running and Ready.
    const watched = new Map<string, { bound?: number; running?: number; ready?: number }>();
    const w = client.watch(
      R.pods,
      ns,
      {},
      (_t, obj) => {
        const t = performance.now();
        const p = obj as PodView;
        const m = watched.get(p.metadata.name) ?? {};
        watched.set(p.metadata.name, m);
        if (p.spec?.nodeName) m.bound ??= t;
        if (p.status?.phase === 'Running') m.running ??= t;
        if (p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) m.ready ??= t;
      },
      () => {},
    );
    const skiffPod = async (name: string): Promise<Steps> => {
      const t0 = performance.now();
      await client.create(R.pods, ns, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] },
      });
      const answered = performance.now() - t0;
      await waitFor(`pod ${name} Ready`, () => Promise.resolve(watched.get(name)?.ready !== undefined), 60_000, 5);
      await new Promise((r) => setTimeout(r, 100)); // the last Docker events may still be in flight
      const m = watched.get(name)!;
      const ev = (k: string, a: string) => (events.at(`${name} ${k}`, a) ?? NaN) - t0;
      const traced = (step: string) => {
        const l = podTraceLines(c).find((x) => x.pod === `${ns}/${name}` && x.step === step);
        return l ? l.at - wallToPerf - t0 : NaN;
      };
      return {
        answered,
        bound: m.bound! - t0,
        'kubelet sync begins': traced('sync begins'),
        'status queued': traced('status queued (Running)'),
        'status written': traced('status written (Running)'),
        'sandbox created': ev('sandbox', 'create'),
        'sandbox started': ev('sandbox', 'start'),
        'app created': ev('app', 'create'),
        'app started': ev('app', 'start'),
        'Running seen': m.running! - t0,
        'Ready seen': m.ready! - t0,
      };
    };
    const network = (await docker.listNetworks({ filters: { label: [`${L.cluster}=${c.name}`] } }))[0]?.Name;
    if (!network) throw new Error(`no Docker network labelled ${L.cluster}=${c.name}`);
    const floorPair = async (i: number): Promise<Steps> => {
      const labels = (role: string) => ({ [floorLabel]: String(process.pid), 'bench.pair': String(i), 'bench.role': role });
      const t0 = performance.now();
      const sb = await docker.createContainer({
        name: `skiff-floor-${process.pid}-${i}-pod`,
        Image: PAUSE_IMAGE,
        Labels: labels('sandbox'),
        HostConfig: { NetworkMode: network },
      });
      await sb.start();
      const app = await docker.createContainer({
        name: `skiff-floor-${process.pid}-${i}-app`,
        Image: BUSYBOX_IMAGE,
        Cmd: ['sleep', '3600'],
        Labels: labels('app'),
        HostConfig: { NetworkMode: `container:${sb.id}` },
      });
      await app.start();
      const done = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 100));
      const ev = (k: string, a: string) => (events.at(`floor/${i} ${k}`, a) ?? NaN) - t0;
      return {
        'sandbox created': ev('sandbox', 'create'),
        'sandbox started': ev('sandbox', 'start'),
        'app created': ev('app', 'create'),
        'app started': ev('app', 'start'),
        'Ready seen': done,
      };
    };

    // One warm-up each (first image inspect, first attach to the network), then alternately.
    await skiffPod('warm-up');
    await floorPair(0);
    const skiff: Steps[] = [];
    const floor: Steps[] = [];
    for (let i = 1; i <= PODS; i++) {
      skiff.push(await skiffPod(`pod-${i}`));
      floor.push(await floorPair(i));
    }
    w.stop();

    const med = (runs: Steps[], s: Step) => median(runs.map((r) => r[s] ?? NaN).filter(Number.isFinite));
    console.log(`one pod create → Ready, ${PODS} pods one after another, median; each step's time since the one before`);
    console.log(
      `${'step'.padEnd(18)} ${'skiff at'.padStart(10)} ${'(step)'.padStart(10)}   ${'floor at'.padStart(10)} ${'(step)'.padStart(10)}`,
    );
    let prevS = 0;
    let prevF = 0;
    // In the order they happened: the outside watch may see the bind after the kubelet began.
    for (const s of [...STEPS].sort((x, y) => med(skiff, x) - med(skiff, y))) {
      const a = med(skiff, s);
      const f = med(floor, s);
      const fCol = Number.isFinite(f) ? `${ms(f).padStart(10)} ${ms(f - prevF).padStart(10)}` : '';
      console.log(`${s.padEnd(18)} ${ms(a).padStart(10)} ${ms(a - prevS).padStart(10)}   ${fCol}`);
      prevS = a;
      if (Number.isFinite(f)) prevF = f;
    }
    const total = med(skiff, 'Ready seen');
    const floorTotal = med(floor, 'Ready seen');
    console.log(
      `${'create → Ready (outside watch)'.padEnd(40)} ${ms(total).padStart(10)}   floor: raw Docker create+start ${ms(floorTotal)} (${(total / floorTotal).toFixed(2)}×; target ≤ 1.1×)`,
    );
    const docker0 = med(skiff, 'sandbox created');
    const dockerSpan = med(skiff, 'app started') - docker0;
    console.log(`${'  of which before Docker (bind, kubelet)'.padEnd(40)} ${ms(docker0).padStart(10)}`);
    console.log(
      `${'  in Docker (sandbox create → app start)'.padEnd(40)} ${ms(dockerSpan).padStart(10)}   floor ${ms(med(floor, 'app started') - med(floor, 'sandbox created'))}`,
    );
    console.log(`${'  after Docker (status write → watch)'.padEnd(40)} ${ms(total - med(skiff, 'app started')).padStart(10)}`);
    client.close();
  } finally {
    events.stop();
    await skiffCmd(c, ['delete']);
    const left = await docker.listContainers({ all: true, filters: { label: [`${floorLabel}=${process.pid}`] } });
    await Promise.all(
      left.map((x) =>
        docker
          .getContainer(x.Id)
          .remove({ force: true })
          .catch(() => {}),
      ),
    );
    rmSync(c.dir, { recursive: true, force: true });
    console.log(`load average after: ${load()}`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
