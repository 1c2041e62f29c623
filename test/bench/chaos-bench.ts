// npm run bench -- chaos: how fast Skiff is whole again after what desktops do, each figure
// beside a floor measured in the same run.
// 1. Docker restarts under a cluster of N web pods → every pod Running and ready again; floor:
//    the same engine, after its own restart, starting 2N plain containers (a sandbox and an app
//    container per pod) with `docker start`.
//    Then, on the same cluster, an app container and a sandbox removed behind Skiff's back
//    (`docker rm -f`) → that pod ready again in a new container; target: the issue's 10 s.
// 2. The Skiff process paused past the node grace period (a laptop's sleep), then continued →
//    the node's lease renewed again, seen from outside; floor: the issue's 5 s bound.
// 3. 1,000 pods on simulated nodes, the API server restarted under 50 watchers → every watcher
//    has seen a write made after the restart; floor: the same restart → /readyz answering.
// Options: --pods N (default 5), --pause-seconds S (default 45), --skip docker,resume,watchers.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call -- API JSON read untyped, as a user's script would */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { BUSYBOX_IMAGE, ensureTestImages } from '../docker/images';
import { startDedicatedDockerd } from '../chaos/testing/dedicated-dockerd';
import { webDeployment } from '../chaos/testing/web-app';
import { startSkiffProcess, type SkiffProcess } from '../testing/skiff-process';
import { kubeHttp, type KubeHttp } from '../testing/kube-http';
import { removeClusterResources } from '../../engine/docker/network';
import { L, SANDBOX } from '../../engine/docker/names';
import { waitFor } from '../wait-for';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const PODS = Number(arg('pods', '5'));
const PAUSE_S = Number(arg('pause-seconds', '45'));
const skipped = new Set(arg('skip', '').split(','));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (n: number) => `${Math.round(n).toLocaleString('en')} ms`;
const rows: string[] = [];
/** `beside`: "floor …" (the same work done by Docker alone) and/or "target …" (the issue's bound). */
const row = (what: string, figure: string, beside: string) => {
  rows.push(`${what.padEnd(62)} ${figure.padStart(10)}   ${beside}`);
  console.log(rows[rows.length - 1]);
};

async function dockerRestart() {
  const d = await startDedicatedDockerd('bench');
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-chaos-'));
  let skiff: SkiffProcess | undefined;
  try {
    await ensureTestImages(d.host);
    // Floor: 2N plain containers with no restart policy, stopped by the engine's restart.
    const plain = await Promise.all(
      Array.from({ length: 2 * PODS }, (_, i) =>
        d.docker.createContainer({ name: `floor-${i}`, Image: BUSYBOX_IMAGE, Cmd: ['sleep', '3600'], HostConfig: { NetworkMode: 'none' } }),
      ),
    );
    await Promise.all(plain.map((c) => c.start()));
    await d.stop();
    await d.start();
    let t = performance.now();
    await Promise.all(plain.map((c) => c.start()));
    const floor = performance.now() - t;
    await Promise.all(plain.map((c) => c.remove({ force: true })));

    skiff = await startSkiffProcess({ name: 'bench-chaos', dir, nodeRuntime: 'docker', env: d.env });
    const podCIDR: string = (await skiff.json(['get', 'nodes'])).items[0].spec.podCIDR;
    await d.allowBridge(podCIDR.replace(/\/\d+$/, '/16'));
    const applied = await skiff.kubectl(['apply', '-f', '-'], webDeployment(PODS));
    if (applied.code !== 0) throw new Error(applied.stderr);
    const ready = async (restarts: number) => {
      const items: any[] = (await skiff!.json(['get', 'pods', '-l', 'app=web'])).items ?? [];
      return (
        items.length === PODS &&
        items.every(
          (p) =>
            p.status?.containerStatuses?.[0]?.restartCount === restarts &&
            p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'),
        )
      );
    };
    await waitFor(`${PODS} web pods ready`, () => ready(0), 120_000, 200);
    await d.stop();
    await d.start();
    t = performance.now();
    await waitFor(`${PODS} web pods ready again`, () => ready(1), 120_000, 100);
    row(
      `Docker restart → ${PODS} pods Running and ready again`,
      ms(performance.now() - t),
      `floor ${ms(floor)} (docker start of ${2 * PODS} containers); target ${ms(10_000)}`,
    );

    // Removed behind Skiff's back: the pod is ready again in a container other than the one it had.
    const readyIn = async (name: string, oldID: string) => {
      const p = await skiff!.json(['get', 'pod', name]);
      const cs: { ready?: boolean; containerID?: string } | undefined = p.status?.containerStatuses?.[0];
      return cs?.ready === true && !!cs.containerID && cs.containerID !== oldID;
    };
    // A different pod each time: a container restarted twice would wait out its crash back-off.
    const repaired = async (what: string, index: number, remove: (pod: any) => Promise<unknown>) => {
      const pod = (await skiff!.json(['get', 'pods', '-l', 'app=web'])).items[index];
      const oldID: string = pod.status.containerStatuses[0].containerID;
      await remove(pod);
      const t0 = performance.now();
      await waitFor(`${what}: pod ready again`, () => readyIn(pod.metadata.name, oldID), 120_000, 100);
      row(`${what} removed (docker rm -f) → pod ready again`, ms(performance.now() - t0), `target ${ms(10_000)}`);
    };
    await repaired('app container', 0, (pod) =>
      d.cli(['rm', '-f', String(pod.status.containerStatuses[0].containerID).replace('docker://', '')]),
    );
    await repaired('sandbox', 1, async (pod) => {
      const [sb] = await d.docker.listContainers({
        all: true,
        filters: { label: [`${L.podUid}=${pod.metadata.uid}`, `${L.container}=${SANDBOX}`] },
      });
      await d.cli(['rm', '-f', sb.Id]);
    });
  } finally {
    await skiff?.kill();
    await d.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function resume() {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-resume-'));
  const docker = new Docker();
  const name = 'bench-resume';
  await ensureTestImages();
  await removeClusterResources(docker, name);
  const skiff = await startSkiffProcess({ name, dir, nodeRuntime: 'docker' });
  try {
    const applied = await skiff.kubectl(['apply', '-f', '-'], webDeployment(2));
    if (applied.code !== 0) throw new Error(applied.stderr);
    const http = kubeHttp(join(dir, 'kc'));
    const node: string = (await skiff.json(['get', 'nodes'])).items[0].metadata.name;
    skiff.proc.kill('SIGSTOP');
    await sleep(PAUSE_S * 1000);
    const resumedAt = Date.now();
    const t = performance.now();
    skiff.proc.kill('SIGCONT');
    await waitFor(
      'the node lease renewed after resume',
      async () => {
        const r = await http.call('GET', `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node}`);
        return r.status === 200 && Date.parse((r.body as any).spec.renewTime) >= resumedAt;
      },
      60_000,
      50,
    );
    const readyAfter = performance.now() - t;
    const n = (await http.call('GET', `/api/v1/nodes/${node}`)).body as any;
    const readyNow = n.status.conditions.find((c: any) => c.type === 'Ready')?.status;
    row(`resume after ${PAUSE_S} s paused → node lease renewed (Ready=${readyNow})`, ms(readyAfter), `target ${ms(5000)}`);
  } finally {
    await skiff.kill();
    await removeClusterResources(docker, name);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function watchers() {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-watch-'));
  const start = () => startSkiffProcess({ name: 'bench-watch', dir, nodeRuntime: 'simulated', args: ['--nodes', '10'], ready: 'api' });
  let skiff = await start();
  const http = kubeHttp(join(dir, 'kc'));
  const stops: (() => void)[] = [];
  try {
    const batch = 50;
    for (let i = 0; i < 1000; i += batch)
      await Promise.all(
        Array.from({ length: batch }, (_, j) =>
          http.call('POST', '/api/v1/namespaces/default/pods', {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: `p${i + j}` },
            spec: { containers: [{ name: 'c', image: 'busybox' }] },
          }),
        ),
      );
    const listed = await http.call('GET', '/api/v1/pods?limit=1');
    const rvs = Array.from({ length: 50 }, () => Number((listed.body as any).metadata.resourceVersion));
    for (let w = 0; w < 50; w++) stops.push(follow(http, (rv) => (rvs[w] = Math.max(rvs[w], rv))));
    await sleep(2000); // watchers attached, scheduling and simulated starts settle
    await new Promise<void>((resolve) => {
      skiff.proc.once('exit', () => resolve());
      skiff.proc.kill('SIGTERM');
    });
    const t = performance.now();
    skiff = await start();
    const apiReady = performance.now() - t;
    // The watchers follow pods, so the mark they must reach is a pod written now (retried: the
    // restarted server may still be busy).
    let target = 0;
    await waitFor(
      'a pod written after the restart',
      async () => {
        const r = await http.call('POST', '/api/v1/namespaces/default/pods', {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { generateName: 'after-restart-' },
          spec: { containers: [{ name: 'c', image: 'busybox' }] },
        });
        target = Number((r.body as any).metadata?.resourceVersion ?? 0);
        return r.status === 201;
      },
      60_000,
      100,
    );
    await waitFor('all 50 watchers caught up', () => Promise.resolve(rvs.every((rv) => rv >= target)), 60_000, 20);
    row(
      'API restart under 50 watchers, 1,000 pods → all caught up',
      ms(performance.now() - t),
      `floor ${ms(apiReady)} (restart → /readyz)`,
    );
  } finally {
    for (const s of stops) s();
    await skiff.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Follows every pod from the latest version, reconnecting (from its last version) until stopped. */
function follow(http: KubeHttp, seen: (rv: number) => void): () => void {
  let stopped = false;
  let rv = 0;
  let current: { destroy(): void } | undefined;
  void (async () => {
    while (!stopped) {
      try {
        const res = await http.stream(`/api/v1/pods?watch=1&allowWatchBookmarks=true${rv ? `&resourceVersion=${rv}` : ''}`);
        current = res;
        let buf = '';
        for await (const chunk of res) {
          buf += String(chunk);
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            const ev = JSON.parse(buf.slice(0, i)) as { type: string; object: any };
            buf = buf.slice(i + 1);
            const v = Number(ev.object?.metadata?.resourceVersion);
            if (ev.type !== 'ERROR' && v > 0) seen((rv = Math.max(rv, v)));
          }
        }
      } catch {
        // the server is restarting
      }
      if (!stopped) await sleep(100);
    }
  })();
  return () => {
    stopped = true;
    current?.destroy();
  };
}

console.log('chaos bench: figure beside floor, one run');
if (!skipped.has('docker')) await dockerRestart();
if (!skipped.has('watchers')) await watchers();
if (!skipped.has('resume')) await resume();
console.log(`\n${rows.join('\n')}`);
process.exit(0);
