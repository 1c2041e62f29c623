// npm run bench -- netpol: NetworkPolicy's cost on a Docker-backed cluster (1 node, local images).
// A client pod (the agent's image: it has node) → a busybox httpd pod by pod IP, concurrent
// requests (one connection each, so every request is a new connection the rules judge), without
// policies (the floor) and with 100 NetworkPolicies in place (figure): a default deny plus 99 allow
// policies selecting the server, the one admitting the client created last. Runs alternate
// (floor, figure, floor, figure) and the best of each is printed; a third pod proves the rules bite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import Docker from 'dockerode';
import { BUSYBOX_IMAGE, PAUSE_IMAGE, ensureTestImages } from '../docker/images';
import { kubectlPath } from '../integration/harness';
import type { ControlPlane } from '../../engine/cluster/control-plane';
import { startDockerBenchCluster } from './testing/docker-bench';
import { removeClusterResources } from '../../engine/docker/network';
import { ensureAgentImage } from '../../engine/network/agent-image';
import { R, type KubeClient } from '../../engine/client/types';
import { NETWORK_POLICIES } from '../../engine/network/policy/policy-controller';

const CONCURRENCY = 8;
const TOTAL = 2000;
const POLICIES = 100;
const cluster = `npbench${process.pid}`;
const out = (line: string) => console.log(line);
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

// Runs inside the client pod: argv[1] is JSON {host, port, conc, total}; prints JSON {rps}.
const CLIENT = `
const http=require('http');const c=JSON.parse(process.argv[1]);
const now=()=>Number(process.hrtime.bigint())/1e6;
const once=()=>new Promise((ok,no)=>{const r=http.get({host:c.host,port:c.port,path:'/',agent:false,timeout:3000},s=>{s.resume();s.on('end',ok)});r.on('error',no);r.on('timeout',()=>r.destroy(new Error('timeout')))});
(async()=>{for(let i=0;i<20;i++)await once();
let left=c.total;const t0=now();await Promise.all(Array.from({length:c.conc},async()=>{while(left-->0)await once()}));
console.log(JSON.stringify({rps:c.total/((now()-t0)/1000)}))})().catch(e=>{console.log(JSON.stringify({error:e.message}));process.exit(1)});`;

function kubectl(cp: ControlPlane, dir: string, args: string[]): Promise<{ code: number; out: string }> {
  const p = spawn(kubectlPath(), args, {
    env: { PATH: process.env.PATH ?? '', KUBECONFIG: cp.kubeconfigPath, HOME: join(dir, 'home') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let o = '';
  p.stdout.on('data', (d) => (o += d));
  p.stderr.on('data', (d) => (o += d));
  return new Promise((r) => p.on('close', (code) => r({ code: code ?? 1, out: o })));
}

/** The pod's IP once it runs. */
async function waitPod(client: KubeClient, name: string): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const p = await client.get(R.pods, 'default', name).catch(() => undefined);
    const status = p?.status as { phase?: string; podIP?: string } | undefined;
    if (status?.phase === 'Running' && status.podIP) return status.podIP;
    await sleep(100);
  }
  throw new Error(`pod ${name} did not start`);
}

const allow = (i: number, from: Record<string, string>) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: `allow-${i}` },
  spec: {
    podSelector: { matchLabels: { app: 'srv' } },
    ingress: [{ from: [{ podSelector: { matchLabels: from } }], ports: [{ port: 8080 }] }],
  },
});

async function main() {
  const docker = new Docker();
  await ensureTestImages();
  const dir = mkdtempSync(join(tmpdir(), 'skiff-netpol-bench-'));
  process.env.SKIFF_SANDBOX_IMAGE = PAUSE_IMAGE;
  let cp: ControlPlane | undefined;
  try {
    out(
      `netpol bench: Docker-backed cluster, 1 node; client pod (node) → busybox httpd pod IP; ${TOTAL} requests at concurrency ${CONCURRENCY}`,
    );
    cp = await startDockerBenchCluster(cluster, dir);
    const client = cp.client!;
    await cp.network!.ready();
    const image = await ensureAgentImage(docker);
    const pod = (name: string, labels: Record<string, string>, img: string, command: string[]) =>
      client.create(R.pods, 'default', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, labels },
        spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: img, command }] },
      });
    await pod('srv', { app: 'srv' }, BUSYBOX_IMAGE, [
      'sh',
      '-c',
      'mkdir /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www',
    ]);
    await pod('bench', { role: 'bench' }, image, ['sleep', '3600']);
    await pod('other', { role: 'other' }, BUSYBOX_IMAGE, ['sleep', '3600']);
    const srvIP = await waitPod(client, 'srv');
    await waitPod(client, 'bench');
    await waitPod(client, 'other');
    const run = async () => {
      const r = await kubectl(cp!, dir, [
        'exec',
        'bench',
        '--',
        'node',
        '-e',
        CLIENT,
        JSON.stringify({ host: srvIP, port: 8080, conc: CONCURRENCY, total: TOTAL }),
      ]);
      const j = JSON.parse(r.out.trim().split('\n').pop() || '{}') as { rps?: number; error?: string };
      if (r.code !== 0 || j.error) throw new Error(`bench client: ${j.error ?? r.out}`);
      return j.rps ?? 0;
    };
    const reachable = async () =>
      (
        await kubectl(cp!, dir, ['exec', 'other', '--', 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${srvIP} 8080`])
      ).out.includes('ok');

    const floor: number[] = [];
    const figure: number[] = [];
    const deny = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny' },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    };
    const names = ['deny', ...Array.from({ length: POLICIES - 1 }, (_, i) => `allow-${i + 1}`)];
    const install = async () => {
      await client.create(NETWORK_POLICIES, 'default', deny);
      for (let i = 1; i < POLICIES; i++)
        await client.create(NETWORK_POLICIES, 'default', allow(i, { role: i === POLICIES - 1 ? 'bench' : `r${i}` }));
      await cp!.network!.synced();
      for (let i = 0; i < 100 && (await reachable()); i++) await sleep(200);
      if (await reachable()) throw new Error('the policies do not block the third pod: nothing is enforced');
    };
    const remove = async () => {
      for (const n of names) await client.delete(NETWORK_POLICIES, 'default', n);
      for (let i = 0; i < 100 && !(await reachable()); i++) await sleep(200);
    };
    floor.push(await run());
    await install();
    out(`  ${POLICIES} NetworkPolicies in place; a pod they do not admit is blocked`);
    figure.push(await run());
    await remove();
    floor.push(await run());
    await install();
    figure.push(await run());
    const best = (xs: number[]) => Math.max(...xs);
    out(
      `pod → pod IP, ${CONCURRENCY} concurrent, with ${POLICIES} policies (figure) beside none (floor): ${best(figure).toFixed(0)} req/s vs ${best(floor).toFixed(0)} req/s = ${(best(figure) / best(floor)).toFixed(2)}× (target ≥ 0.9×; runs: with ${figure.map((x) => x.toFixed(0)).join(', ')}; without ${floor.map((x) => x.toFixed(0)).join(', ')})`,
    );
  } finally {
    await cp?.stop().catch(() => {});
    await removeClusterResources(docker, cluster).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
