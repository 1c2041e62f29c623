// npm run bench -- ingress: the built-in ingress on a Docker-backed cluster (1 node, local images).
// A client process on the host (like curl) against a busybox httpd pod, once through
// 127.0.0.1:<ingress port> with a Host header and once to the pod IP directly (Linux: the host
// reaches it). Prints requests/s and p50/p99 beside that floor (≥ 0.6× throughput, added p50
// ≤ 1 ms), and Ingress created → first successful request (≤ 300 ms). A second floor, a bare
// node:http relay to the pod IP in this same process (no routing, no headers added), shows what
// any user-space hop costs on this machine now: the ingress's own cost is the figure beyond it.
// The three are measured in interleaved rounds, so a change of load hits all of them. One run;
// on a loaded machine (other work sharing the cores) the numbers say little.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Docker from 'dockerode';
import { ensureTestImages } from '../docker/images';
import { HTTPD_POD, ms, pct, sleep, startDockerBenchCluster, waitReadyPod } from './testing/docker-bench';
import type { ControlPlane } from '../../engine/cluster/control-plane';
import { removeClusterResources } from '../../engine/docker/network';
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

// The load client, its own process: argv[1] is JSON {port, host, hostHeader, seq, conc, total}; prints JSON.
const CLIENT = `
const http=require('http');const c=JSON.parse(process.argv[1]);
const now=()=>Number(process.hrtime.bigint())/1e6;
const once=()=>new Promise((ok,no)=>{const t=now();const r=http.get({host:c.host,port:c.port,path:'/',agent:false,headers:c.hostHeader?{Host:c.hostHeader}:{}},s=>{s.resume();s.on('end',()=>s.statusCode===200?ok(now()-t):no(new Error('status '+s.statusCode)))});r.on('error',no)});
(async()=>{for(let i=0;i<20;i++)await once();
const seq=[];for(let i=0;i<c.seq;i++)seq.push(await once());
let left=c.total;const t0=now();await Promise.all(Array.from({length:c.conc},async()=>{while(left-->0)await once()}));const wall=now()-t0;
console.log(JSON.stringify({seq,rps:c.total/(wall/1000)}))})().catch(e=>{console.log(JSON.stringify({error:e.message}));process.exit(1)});`;

async function load(host: string, port: number, hostHeader: string | undefined, seq: number, total: number) {
  const p = spawn(process.execPath, ['-e', CLIENT, JSON.stringify({ host, port, hostHeader, seq, conc: CONCURRENCY, total })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let o = '';
  p.stdout.on('data', (d) => (o += String(d)));
  await new Promise((r) => p.on('close', r));
  const r = JSON.parse(o.trim().split('\n').pop() || '{"error":"no output"}') as { seq: number[]; rps: number; error?: string };
  if (r.error) throw new Error(`load client (${host}:${port}): ${r.error}`);
  return r;
}

/** The bare relay floor: each request to the pod on a new connection, headers and body passed as they are. */
function bareRelay(ip: string, port: number): Promise<Server> {
  const s = createServer((req, res) => {
    const up = request({ host: ip, port, method: req.method, path: req.url, headers: req.headers, agent: false }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(s)));
}

function status(port: number, host: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { Host: host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

const ingress = (name: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name },
  spec: {
    rules: [
      {
        host: `${name}.localhost`,
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] },
      },
    ],
  },
});

async function main() {
  await ensureTestImages();
  const dir = mkdtempSync(join(tmpdir(), 'skiff-ing-bench-'));
  let cp: ControlPlane | undefined;
  let relay: Server | undefined;
  try {
    out(
      `ingress bench: host client process → busybox httpd pod; ${SEQUENTIAL} sequential + ${CONCURRENT_TOTAL} at concurrency ${CONCURRENCY}, a new connection each`,
    );
    cp = await startDockerBenchCluster(cluster, dir, { ingressPort: 0 });
    const client = cp.client!;
    const port = cp.ingressPort!;
    await client.create(R.pods, 'default', HTTPD_POD);
    await client.create(R.services, 'default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'srv' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    const srv = await waitReadyPod(client, 'srv');
    await client.create(ING, 'default', ingress('web'));
    for (let i = 0; i < 300 && (await status(port, 'web.localhost')) !== 200; i++) await sleep(50);

    relay = await bareRelay(srv.status.podIP, 8080);
    const relayPort = (relay.address() as AddressInfo).port;
    type Target = [host: string, port: number, hostHeader: string | undefined];
    const targets: Record<'floor' | 'relay' | 'figure', Target> = {
      floor: [srv.status.podIP, 8080, undefined],
      relay: ['127.0.0.1', relayPort, undefined],
      figure: ['127.0.0.1', port, 'web.localhost'],
    };
    const seq: Record<keyof typeof targets, number[]> = { floor: [], relay: [], figure: [] };
    const rps = { floor: 0, relay: 0, figure: 0 };
    for (let r = 0; r < ROUNDS; r++)
      for (const k of Object.keys(targets) as (keyof typeof targets)[])
        seq[k].push(...(await load(...targets[k], SEQUENTIAL / ROUNDS, 0)).seq);
    for (const k of Object.keys(targets) as (keyof typeof targets)[]) rps[k] = (await load(...targets[k], 0, CONCURRENT_TOTAL)).rps;
    const { floor, relay: bare, figure } = seq;
    out('host → 127.0.0.1:<ingress> → pod (figure) beside host → pod IP (floor) and host → bare relay → pod:');
    out(
      `  latency: p50 ${ms(pct(figure, 50))} / p99 ${ms(pct(figure, 99))}   vs floor p50 ${ms(pct(floor, 50))} / p99 ${ms(pct(floor, 99))}   (added p50 ${ms(pct(figure, 50) - pct(floor, 50))}; floor ≤ 1 ms)`,
    );
    out(
      `  bare relay: p50 ${ms(pct(bare, 50))} / p99 ${ms(pct(bare, 99))}   (a user-space hop alone adds p50 ${ms(pct(bare, 50) - pct(floor, 50))}; the ingress beyond it ${ms(pct(figure, 50) - pct(bare, 50))})`,
    );
    out(
      `  concurrent (${CONCURRENCY}): ${rps.figure.toFixed(0)} req/s   vs floor ${rps.floor.toFixed(0)} req/s   (${(rps.figure / rps.floor).toFixed(2)}×; floor ≥ 0.6×); bare relay ${rps.relay.toFixed(0)} req/s`,
    );

    const took: number[] = [];
    for (let i = 0; i < CREATIONS; i++) {
      const name = `new${i}`;
      const t0 = performance.now();
      await client.create(ING, 'default', ingress(name));
      while ((await status(port, `${name}.localhost`)) !== 200) {
        if (performance.now() - t0 > 10_000) throw new Error(`Ingress ${name} never answered`);
        await sleep(5);
      }
      took.push(performance.now() - t0);
    }
    out(`Ingress created → first successful request: ${took.map((t) => t.toFixed(0)).join(', ')} ms   (floor ≤ 300 ms)`);
    out('One run on a shared machine: other work on the same cores moves these numbers by 2× or more.');
  } finally {
    relay?.close();
    await cp?.stop().catch(() => {});
    await removeClusterResources(new Docker(), loadClusterRef(join(dir, cluster), cluster, { create: false })).catch(() => {});
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
