// npm run bench -- net: Service networking on a Docker-backed cluster (1 node, local images).
// A client pod (the network agent's image: it has node) against a busybox httpd pod. Prints, each
// beside its floor from the same run:
//   pod → ClusterIP → pod   vs pod → pod IP: sequential requests (p50/p99, one connection each),
//                           concurrent requests/s, TCP connection set-up time
//   host → NodePort (127.0.0.1; straight to a pod IP on Linux) vs host → pod IP directly (Linux only)
//   Service creation → first successful request, from a pod by DNS name and from the host by NodePort
// Every container it made is removed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { get as httpGet } from 'node:http';
import Docker from 'dockerode';
import { PAUSE_IMAGE, ensureTestImages } from '../docker/images';
import { HTTPD_POD, ms, pct, sleep, startDockerBenchCluster, waitReadyPod } from './testing/docker-bench';
import { kubectlPath } from '../integration/harness';
import type { ControlPlane } from '../../engine/cluster/control-plane';
import { removeClusterResources } from '../../engine/docker/network';
import { ensureAgentImage } from '../../engine/network/agent-image';
import { R } from '../../engine/client/types';

const SEQUENTIAL = 400;
const CONCURRENCY = 8;
const CONCURRENT_TOTAL = 2000;
const CONNECTS = 300;
const CREATIONS = 3;
const cluster = `netbench${process.pid}`;

const out = (line: string) => console.log(line);

// Runs inside the client pod: argv[1] is JSON {host, port, seq, conc, total, connects}; prints JSON.
const CLIENT = `
const http=require('http'),net=require('net');const c=JSON.parse(process.argv[1]);
const now=()=>Number(process.hrtime.bigint())/1e6;
const once=()=>new Promise((ok,no)=>{const t=now();const r=http.get({host:c.host,port:c.port,path:'/',agent:false},s=>{s.resume();s.on('end',()=>ok(now()-t))});r.on('error',no)});
const conn=()=>new Promise((ok,no)=>{const t=now();const s=net.connect(c.port,c.host,()=>{const d=now()-t;s.destroy();ok(d)});s.on('error',no)});
(async()=>{for(let i=0;i<20;i++)await once();
const seq=[];for(let i=0;i<c.seq;i++)seq.push(await once());
let left=c.total;const t0=now();await Promise.all(Array.from({length:c.conc},async()=>{while(left-->0)await once()}));const wall=now()-t0;
const cn=[];for(let i=0;i<c.connects;i++)cn.push(await conn());
console.log(JSON.stringify({seq,rps:c.total/(wall/1000),connect:cn}))})().catch(e=>{console.log(JSON.stringify({error:e.message}));process.exit(1)});`;

// Runs inside the client pod: polls host:port until a request succeeds; prints the epoch ms of the first success.
const WAITER = `
const http=require('http');const [host,port]=process.argv.slice(1);console.log('READY');
const tick=()=>{const r=http.get({host,port:+port,path:'/',agent:false,timeout:500},s=>{s.resume();s.on('end',()=>{console.log('OK '+Date.now());process.exit(0)})});r.on('error',()=>setTimeout(tick,10));r.on('timeout',()=>r.destroy())};tick();
setTimeout(()=>{console.log('TIMEOUT');process.exit(2)},30000);`;

function kubectl(cp: ControlPlane, dir: string, args: string[]) {
  return spawn(kubectlPath(), args, {
    env: { PATH: process.env.PATH ?? '', KUBECONFIG: cp.kubeconfigPath, HOME: join(dir, 'home') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function kubectlOut(cp: ControlPlane, dir: string, args: string[]): Promise<string> {
  const p = kubectl(cp, dir, args);
  let o = '';
  let e = '';
  p.stdout.on('data', (d) => {
    o += d;
  });
  p.stderr.on('data', (d) => {
    e += d;
  });
  const code = await new Promise<number>((r) => p.on('close', (c) => r(c ?? 1)));
  if (code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${e || o}`);
  return o;
}

const svc = (name: string, type = 'ClusterIP') => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { type, selector: { app: 'srv' }, ports: [{ port: 80, targetPort: 8080 }] },
});

function hostOnce(port: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = httpGet({ host, port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - t));
    });
    req.on('error', reject);
    req.setTimeout(2000, () => req.destroy(new Error('timeout')));
  });
}

function line(what: string, figure: number[], floor: number[]) {
  out(
    `  ${what}: p50 ${ms(pct(figure, 50))} / p99 ${ms(pct(figure, 99))}   vs floor p50 ${ms(pct(floor, 50))} / p99 ${ms(pct(floor, 99))}   (p50 +${ms(pct(figure, 50) - pct(floor, 50))})`,
  );
}

async function main() {
  const docker = new Docker();
  await ensureTestImages();
  const dir = mkdtempSync(join(tmpdir(), 'skiff-net-bench-'));
  process.env.SKIFF_SANDBOX_IMAGE = PAUSE_IMAGE;
  let cp: ControlPlane | undefined;
  try {
    out(
      `net bench: Docker-backed cluster, 1 node; client pod (node) → busybox httpd pod; ${SEQUENTIAL} sequential + ${CONCURRENT_TOTAL} requests at concurrency ${CONCURRENCY}, ${CONNECTS} connects`,
    );
    const t0 = performance.now();
    cp = await startDockerBenchCluster(cluster, dir);
    const client = cp.client!;
    await cp.network!.ready();
    out(`  cluster + network agent ready in ${(performance.now() - t0).toFixed(0)} ms`);
    const proxy = cp.network!.serviceProxy();
    out(`  Service traffic: ${proxy ? `${proxy.mode} (${proxy.detail})` : 'mode not reported'}`);
    const image = await ensureAgentImage(docker);
    await client.create(R.pods, 'default', HTTPD_POD);
    await client.create(R.pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bench' },
      spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image, command: ['sleep', '3600'] }] },
    });
    const web = await client.create(R.services, 'default', svc('web'));
    const srv = await waitReadyPod(client, 'srv');
    await waitReadyPod(client, 'bench');
    await cp.network!.synced();
    const run = async (host: string, port: number) => {
      const o = await kubectlOut(cp!, dir, [
        'exec',
        'bench',
        '--',
        'node',
        '-e',
        CLIENT,
        JSON.stringify({ host, port, seq: SEQUENTIAL, conc: CONCURRENCY, total: CONCURRENT_TOTAL, connects: CONNECTS }),
      ]);
      const r = JSON.parse(o.trim().split('\n').pop()!);
      if (r.error) throw new Error(`bench client: ${r.error}`);
      return r as { seq: number[]; rps: number; connect: number[] };
    };
    const floor = await run(srv.status.podIP, 8080);
    const proxied = await run(web.spec.clusterIP, 80);
    out('pod → ClusterIP → pod (figure) beside pod → pod IP (floor):');
    line('request latency, new connection each', proxied.seq, floor.seq);
    out(
      `  concurrent (${CONCURRENCY}): ${proxied.rps.toFixed(0)} req/s   vs floor ${floor.rps.toFixed(0)} req/s   (${((proxied.rps / floor.rps) * 100).toFixed(0)}% of the floor)`,
    );
    line('TCP connection set-up', proxied.connect, floor.connect);

    const np = await client.create(R.services, 'default', svc('web-np', 'NodePort'));
    await cp.network!.synced();
    const nodePort = np.spec.ports[0].nodePort;
    // The same client as in the pod, as its own process on the host (like curl would be).
    const onHost = async (host: string, port: number) => {
      const p = spawn(
        process.execPath,
        ['-e', CLIENT, JSON.stringify({ host, port, seq: SEQUENTIAL, conc: CONCURRENCY, total: CONCURRENT_TOTAL, connects: 0 })],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let o = '';
      p.stdout.on('data', (d) => {
        o += d;
      });
      await new Promise((r) => p.on('close', r));
      return JSON.parse(o.trim().split('\n').pop() || '{"error":"no output"}') as { seq: number[]; rps: number; error?: string };
    };
    const viaNodePort = await onHost('127.0.0.1', nodePort);
    if (viaNodePort.error) throw new Error(`host client: ${viaNodePort.error}`);
    const direct = await hostOnce(8080, srv.status.podIP).then(
      () => onHost(srv.status.podIP, 8080),
      () => undefined,
    );
    out('host → 127.0.0.1:NodePort → pod (figure) beside host → pod IP (floor):');
    if (direct && !direct.error) {
      line('request latency, new connection each', viaNodePort.seq, direct.seq);
      out(
        `  concurrent (${CONCURRENCY}): ${viaNodePort.rps.toFixed(0)} req/s   vs floor ${direct.rps.toFixed(0)} req/s   (${((viaNodePort.rps / direct.rps) * 100).toFixed(0)}% of the floor)`,
      );
    } else {
      out(
        `  request latency: p50 ${ms(pct(viaNodePort.seq, 50))} / p99 ${ms(pct(viaNodePort.seq, 99))}, ${viaNodePort.rps.toFixed(0)} req/s (this host cannot reach pod IPs: no floor)`,
      );
    }

    const dnsTimes: number[] = [];
    const npTimes: number[] = [];
    for (let i = 0; i < CREATIONS; i++) {
      const name = `fresh${i}`;
      const waiter = kubectl(cp, dir, ['exec', 'bench', '--', 'node', '-e', WAITER, `${name}.default.svc.cluster.local.`, '80']);
      let text = '';
      const done = new Promise<void>((resolve) => waiter.on('close', () => resolve()));
      await new Promise<void>((resolve) =>
        waiter.stdout.on('data', (d) => {
          text += d;
          if (text.includes('READY')) resolve();
        }),
      );
      await sleep(200);
      const created = Date.now();
      await client.create(R.services, 'default', svc(name));
      await done;
      const m = /OK (\d+)/.exec(text);
      if (!m) throw new Error(`no request to ${name} succeeded: ${text}`);
      dnsTimes.push(Number(m[1]) - created);

      const t = performance.now();
      const s = await client.create(R.services, 'default', svc(`${name}-np`, 'NodePort'));
      for (;;) {
        if (
          await hostOnce(s.spec.ports[0].nodePort).then(
            () => true,
            () => false,
          )
        )
          break;
        if (performance.now() - t > 30_000) throw new Error('NodePort never answered');
        await sleep(10);
      }
      npTimes.push(performance.now() - t);
    }
    out(`Service creation → first successful request (${CREATIONS} each; table push debounce 100 ms):`);
    out(`  from a pod, by DNS name through the ClusterIP: ${dnsTimes.map((x) => `${x.toFixed(0)} ms`).join(', ')}`);
    out(`  from the host, by NodePort on 127.0.0.1:       ${npTimes.map((x) => `${x.toFixed(0)} ms`).join(', ')}`);
  } finally {
    await cp?.stop().catch(() => {});
    for (let i = 0; i < 5; i++) {
      await removeClusterResources(docker, cluster);
      const left = await docker.listContainers({ all: true, filters: { label: [`skiff.cluster=${cluster}`] } });
      if (!left.length) break;
      await sleep(1000);
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
