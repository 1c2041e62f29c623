/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- kubectl's JSON, read as a user's script would */
// npm run bench -- join: two test machines (test/multihost/testing/two-machines.ts: network
// namespaces on one LAN, each with its own dockerd), A running a Docker-backed cluster advertised
// on its LAN address, B joining it. Each figure beside its floor, from one run:
//   join command → node Ready (target ≤ 5 s; kubeadm join takes tens of seconds)
//       vs the same CLI process starting and exiting (`skiff version`) on B: what no join can go under
//   cross-host pod → pod (a client pod on B → a server pod on A, by pod IP: host routes, no NAT)
//       vs same-host pod → pod (the same client → a server pod on B): request latency with a new
//       connection each (p50/p99), requests/s at concurrency 8, and bulk throughput (MiB/s)
// The client and servers are node scripts in the network agent's image (built on each machine
// from this host's node, as Skiff does). Everything it made goes with the test machines.
import Docker from 'dockerode';
import { netnsSkip } from '../multihost/testing/netns-host';
import { startTwoMachines, type TwoMachines } from '../multihost/testing/two-machines';
import { ensureAgentImage } from '../../engine/network/agent-image';
import { waitFor } from '../wait-for';

const SEQUENTIAL = 300;
const CONCURRENCY = 8;
const CONCURRENT_TOTAL = 1500;
const BULK_MIB = 64;
const BULK_RUNS = 3;
const ROUNDS = 2;

// Answers / with "ok" and /bulk with BULK_MIB MiB, written as fast as the socket drains.
const SERVER = `
const big=Buffer.alloc(1<<20,120);require('http').createServer((q,s)=>{if(q.url!=='/bulk')return s.end('ok');
let n=${BULK_MIB};s.writeHead(200,{'content-length':n<<20});const w=()=>{while(n>0){n--;if(!s.write(big))return s.once('drain',w)}s.end()};w()}).listen(8080)`;

// Runs in the client pod: argv[1] is the server's IP; prints JSON {seq, rps, mibs}.
const CLIENT = `
const http=require('http');const host=process.argv[1];const now=()=>Number(process.hrtime.bigint())/1e6;
const get=(path)=>new Promise((ok,no)=>{const t=now();let b=0;const r=http.get({host,port:8080,path,agent:false},s=>{s.on('data',d=>b+=d.length);s.on('end',()=>ok({ms:now()-t,b}))});r.on('error',no)});
(async()=>{for(let i=0;i<20;i++)await get('/');
const seq=[];for(let i=0;i<${SEQUENTIAL};i++)seq.push((await get('/')).ms);
let left=${CONCURRENT_TOTAL};const t0=now();await Promise.all(Array.from({length:${CONCURRENCY}},async()=>{while(left-->0)await get('/')}));const rps=${CONCURRENT_TOTAL}/((now()-t0)/1000);
const mibs=[];for(let i=0;i<${BULK_RUNS};i++){const r=await get('/bulk');mibs.push(r.b/1048576/(r.ms/1000))}
console.log(JSON.stringify({seq,rps,mibs}))})().catch(e=>{console.log(JSON.stringify({error:e.message}));process.exit(1)});`;

type Result = { seq: number[]; rps: number; mibs: number[] };
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const ms = (n: number) => `${n.toFixed(2)} ms`;
const out = (line: string) => console.log(line);

const pod = (name: string, node: string, image: string, script: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: {
    nodeSelector: { 'kubernetes.io/hostname': node },
    terminationGracePeriodSeconds: 0,
    containers: [
      {
        name: 'c',
        image,
        imagePullPolicy: 'Never',
        command: ['node', '-e', script],
        ...(script === SERVER ? { readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } } : {}),
      },
    ],
  },
});

/** `skiff version` on B, start to exit: the CLI process alone. */
function cliFloor(m: TwoMachines): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = m.spawnB(['version']);
    p.on('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`skiff version exited ${code}`))));
  });
}

async function main(m: TwoMachines) {
  const floor = await cliFloor(m);
  out(
    `join command → node Ready: ${(m.joinMs / 1000).toFixed(2)} s (target ≤ 5 s)   vs floor: the CLI process alone ${(floor / 1000).toFixed(2)} s`,
  );
  const dockerOf = (host: string) => new Docker({ socketPath: host.replace(/^unix:\/\//, '') });
  const [imageA, imageB] = await Promise.all([ensureAgentImage(dockerOf(m.a.dockerHost)), ensureAgentImage(dockerOf(m.b.dockerHost))]);
  const items = [
    pod('srv-a', m.nodeA, imageA, SERVER),
    pod('srv-b', m.nodeB, imageB, SERVER),
    pod('client', m.nodeB, imageB, 'setInterval(()=>{},1<<30)'),
  ];
  const applied = await m.cp.kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  if (applied.code !== 0) throw new Error(`kubectl apply: ${applied.stderr}`);
  const ready = (p: any) => p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');
  const pods = await waitFor(
    'the bench pods Ready',
    async () => {
      const list: any[] = (await m.cp.json(['get', 'pods'])).items ?? [];
      return list.length === 3 && list.every(ready) && new Map(list.map((p) => [p.metadata.name, p]));
    },
    120_000,
    500,
  );
  const run = async (ip: string): Promise<Result> => {
    const r = await m.cp.kubectl(['exec', 'client', '--', 'node', '-e', CLIENT, ip]);
    const res = JSON.parse(r.stdout.trim().split('\n').pop() || `{"error":${JSON.stringify(r.stderr)}}`);
    if (res.error) throw new Error(`bench client: ${res.error}`);
    return res as Result;
  };
  // Interleaved rounds, so neither side is charged for the machine's load shifting.
  const rounds: Record<'same' | 'cross', Result[]> = { same: [], cross: [] };
  for (let i = 0; i < ROUNDS; i++) {
    rounds.same.push(await run(pods.get('srv-b').status.podIP));
    rounds.cross.push(await run(pods.get('srv-a').status.podIP));
  }
  const merge = (rs: Result[]): Result => ({
    seq: rs.flatMap((r) => r.seq),
    rps: pct(
      rs.map((r) => r.rps),
      50,
    ),
    mibs: rs.flatMap((r) => r.mibs),
  });
  const [same, cross] = [merge(rounds.same), merge(rounds.cross)];
  out(
    `pod on B → pod on A by IP (figure) beside pod on B → pod on B (floor); ${ROUNDS} interleaved rounds of ${SEQUENTIAL} sequential, ${CONCURRENT_TOTAL} at concurrency ${CONCURRENCY}, ${BULK_RUNS} × ${BULK_MIB} MiB:`,
  );
  out(
    `  request latency, new connection each: p50 ${ms(pct(cross.seq, 50))} / p99 ${ms(pct(cross.seq, 99))}   vs floor p50 ${ms(pct(same.seq, 50))} / p99 ${ms(pct(same.seq, 99))}`,
  );
  out(
    `  requests/s (median round): ${cross.rps.toFixed(0)}   vs floor ${same.rps.toFixed(0)}   (${((cross.rps / same.rps) * 100).toFixed(0)}% of the floor)`,
  );
  const med = (xs: number[]) => pct(xs, 50);
  out(
    `  bulk throughput (median): ${med(cross.mibs).toFixed(0)} MiB/s   vs floor ${med(same.mibs).toFixed(0)} MiB/s   (${((med(cross.mibs) / med(same.mibs)) * 100).toFixed(0)}% of the floor)`,
  );
}

const skip = await netnsSkip();
if (skip) {
  out(`join bench skipped: ${skip}`);
  process.exit(0);
}
const m = await startTwoMachines({ name: 'jb' });
try {
  await main(m);
} finally {
  await m.cleanup();
}
