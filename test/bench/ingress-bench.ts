// npm run bench -- ingress: the built-in ingress on a Docker-backed cluster (1 node, local images).
// A client process on the host (like curl or a browser) against a pod, once through
// 127.0.0.1:<ingress port> with a Host header and once to the pod IP directly (Linux: the host
// reaches it). Prints requests/s and p50/p99 beside that floor (≥ 0.6× throughput, added p50
// ≤ 1 ms), and Ingress created → first successful request (≤ 300 ms).
// Two backends, each measured on both paths the same way:
//  - the TARGET line: node's http server in a pod (the network agent's image), which keeps
//    connections alive as real backends (nginx, node, Go servers) do; the client keeps its
//    connections alive too, so the direct path reuses one connection and the ingress path reuses
//    client→ingress and ingress→pod (its pool);
//  - busybox httpd, which answers `Connection: close`: every request opens a new connection on
//    every hop (two on the ingress path, one direct), shown for comparison.
// Beside each, a bare node:http relay to the pod IP in this same process (no routing, no headers
// added; pooled for the keep-alive backend) shows what any user-space hop costs on this machine
// now: the ingress's own cost is the figure beyond it. The targets are measured in interleaved
// rounds (latency and throughput alike), so a change of load hits all of them. One run; on a loaded machine (other work sharing
// the cores) the numbers say little.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Docker from 'dockerode';
import { ensureTestImages } from '../docker/images';
import { HTTPD_POD, ms, pct, sleep, startDockerBenchCluster, waitReadyPod } from './testing/docker-bench';
import { bareRelay, keepAlivePod, load, status, type LoadTarget } from './testing/ingress-load';
import type { ControlPlane } from '../../engine/cluster/control-plane';
import type { KubeClient } from '../../engine/client/types';
import type { KubeObject } from '../../engine/kinds/types';
import { removeClusterResources } from '../../engine/docker/network';
import { ensureAgentImage } from '../../engine/network/agent-image';
import { loadClusterRef } from '../../engine/cluster/cluster-id';
import { R } from '../../engine/client/types';

const SEQUENTIAL = 400;
const ROUNDS = 4;
const CONCURRENCY = 8;
const CONCURRENT_TOTAL = 2000;
const CREATIONS = 3;
const cluster = `ingbench${process.pid}`;
const ING = { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses' };

const out = (line: string) => console.log(line);
const load1 = () => loadavg()[0].toFixed(2);

const ingress = (name: string, service: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name },
  spec: {
    rules: [
      {
        host: `${name}.localhost`,
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: 80 } } } }] },
      },
    ],
  },
});

type Path = 'floor' | 'relay' | 'figure';
const PATHS: Path[] = ['floor', 'relay', 'figure'];

interface Scenario {
  title: string;
  keepAlive: boolean;
  targets: Record<Path, LoadTarget>;
  seq: Record<Path, number[]>;
  rps: Record<Path, number>;
}

/** Pod, Service (port 80 → 8080) and Ingress `<name>.localhost`; the pod's IP once it is Ready and routed. */
async function backend(client: KubeClient, ingressPort: number, pod: KubeObject, name: string): Promise<string> {
  await client.create(R.pods, 'default', pod);
  await client.create(R.services, 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
  });
  const ready = await waitReadyPod(client, name);
  await client.create(ING, 'default', ingress(name, name));
  for (let i = 0; i < 300 && (await status(ingressPort, `${name}.localhost`)) !== 200; i++) await sleep(50);
  return ready.status.podIP;
}

function report(s: Scenario, target: boolean) {
  const { floor, relay, figure } = s.seq;
  const added = pct(figure, 50) - pct(floor, 50);
  const ratio = s.rps.figure / s.rps.floor;
  out(`${target ? '[TARGET] ' : ''}${s.title}`);
  out(
    `  latency: ingress p50 ${ms(pct(figure, 50))} / p99 ${ms(pct(figure, 99))}   vs direct p50 ${ms(pct(floor, 50))} / p99 ${ms(pct(floor, 99))}   added p50 ${ms(added)}${target ? ` (target ≤ 1 ms: ${added <= 1 ? 'met' : 'NOT met'})` : ''}`,
  );
  out(
    `  bare relay: p50 ${ms(pct(relay, 50))} / p99 ${ms(pct(relay, 99))}   (a user-space hop alone adds p50 ${ms(pct(relay, 50) - pct(floor, 50))}; the ingress beyond it ${ms(pct(figure, 50) - pct(relay, 50))})`,
  );
  out(
    `  concurrent (${CONCURRENCY}): ingress ${s.rps.figure.toFixed(0)} req/s   vs direct ${s.rps.floor.toFixed(0)} req/s   ${ratio.toFixed(2)}×${target ? ` (target ≥ 0.6×: ${ratio >= 0.6 ? 'met' : 'NOT met'})` : ''}; bare relay ${s.rps.relay.toFixed(0)} req/s`,
  );
}

async function main() {
  await ensureTestImages();
  const docker = new Docker();
  const image = await ensureAgentImage(docker);
  const dir = mkdtempSync(join(tmpdir(), 'skiff-ing-bench-'));
  let cp: ControlPlane | undefined;
  const relays: Server[] = [];
  try {
    out(
      `ingress bench: host client process → pod; ${SEQUENTIAL} sequential + ${CONCURRENT_TOTAL} at concurrency ${CONCURRENCY} per path, in ${ROUNDS} interleaved rounds`,
    );
    cp = await startDockerBenchCluster(cluster, dir, { ingressPort: 0 });
    const client = cp.client!;
    const port = cp.ingressPort!;
    const kaIP = await backend(client, port, keepAlivePod(image), 'ka');
    const srvIP = await backend(client, port, HTTPD_POD, 'srv');
    const relayPort = async (ip: string, keepAlive: boolean) => {
      const r = await bareRelay(ip, 8080, keepAlive);
      relays.push(r);
      return (r.address() as AddressInfo).port;
    };
    const scenario = async (title: string, keepAlive: boolean, ip: string, host: string): Promise<Scenario> => ({
      title,
      keepAlive,
      targets: {
        floor: { host: ip, port: 8080 },
        relay: { host: '127.0.0.1', port: await relayPort(ip, keepAlive) },
        figure: { host: '127.0.0.1', port, hostHeader: host },
      },
      seq: { floor: [], relay: [], figure: [] },
      rps: { floor: 0, relay: 0, figure: 0 },
    });
    const scenarios = [
      await scenario(
        'keep-alive backend (node http in a pod; the client and the ingress keep connections alive):',
        true,
        kaIP,
        'ka.localhost',
      ),
      await scenario(
        'busybox httpd (answers Connection: close; a new connection per request on every hop; for comparison):',
        false,
        srvIP,
        'srv.localhost',
      ),
    ];
    out(`load average before: ${load1()}`);
    // The ingress shares this process's event loop with the whole control plane: how long it waited to run.
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    for (let r = 0; r < ROUNDS; r++)
      for (const s of scenarios)
        for (const k of PATHS)
          s.seq[k].push(
            ...(await load(s.targets[k], { seq: SEQUENTIAL / ROUNDS, total: 0, conc: CONCURRENCY, keepAlive: s.keepAlive })).seq,
          );
    // Throughput in interleaved rounds too: requests over the summed wall time of a path's rounds.
    const wall = scenarios.map(() => ({ floor: 0, relay: 0, figure: 0 }));
    const perRound = CONCURRENT_TOTAL / ROUNDS;
    for (let r = 0; r < ROUNDS; r++)
      for (const [i, s] of scenarios.entries())
        for (const k of PATHS)
          wall[i][k] += perRound / (await load(s.targets[k], { seq: 0, total: perRound, conc: CONCURRENCY, keepAlive: s.keepAlive })).rps;
    for (const [i, s] of scenarios.entries()) for (const k of PATHS) s.rps[k] = CONCURRENT_TOTAL / wall[i][k];
    delay.disable();
    out(`load average after: ${load1()}`);
    out(
      `event-loop delay of the process that runs the ingress (and the control plane): p50 ${ms(delay.percentile(50) / 1e6)} / p99 ${ms(delay.percentile(99) / 1e6)}`,
    );
    out('host → 127.0.0.1:<ingress> → pod (ingress) beside host → pod IP (direct) and host → bare relay → pod:');
    scenarios.forEach((s, i) => report(s, i === 0));

    const took: number[] = [];
    for (let i = 0; i < CREATIONS; i++) {
      const name = `new${i}`;
      const t0 = performance.now();
      await client.create(ING, 'default', ingress(name, 'srv'));
      while ((await status(port, `${name}.localhost`)) !== 200) {
        if (performance.now() - t0 > 10_000) throw new Error(`Ingress ${name} never answered`);
        await sleep(5);
      }
      took.push(performance.now() - t0);
    }
    out(`Ingress created → first successful request: ${took.map((t) => t.toFixed(0)).join(', ')} ms   (target ≤ 300 ms)`);
    out('One run on a shared machine: other work on the same cores moves these numbers by 2× or more.');
  } finally {
    for (const r of relays) r.close();
    await cp?.stop().catch(() => {});
    await removeClusterResources(docker, loadClusterRef(join(dir, cluster), cluster, { create: false })).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(e);
    process.exit(1);
  },
);
