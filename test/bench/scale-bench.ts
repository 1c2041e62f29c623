// npm run bench -- scale [--nodes 1000] [--pods 30000] [--events]: 1,000 simulated nodes and
// 30,000 pods bound through pods/binding in one process (API server, store, node manager).
// Prints, each beside its floor from the same run:
//   time until every pod is Running (and when 10k were)   vs bind throughput alone
//   process RSS at peak                                     vs after the pods were created, before kubelets
//   list of all pods (JSON over HTTPS) during the run       vs the same list on the idle cluster
import { Agent, request } from 'node:https';
import { startApiFixture } from '../integration/api-fixture';
import { createInProcessClient } from '../../engine/apiserver/in-process-client';
import { R } from '../../engine/client/types';
import { startNodeManager, createSimulatedNodes } from '../../engine/kubelet/index';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const NODES = arg('nodes', 1000);
const PODS = arg('pods', 30000);
const EVENTS = process.argv.includes('--events');
const DEADLINE_MS = arg('deadline', 170) * 1000;

const out = (line: string) => console.log(line);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<unknown>) {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) await fn(items[i++]);
    }),
  );
}

async function main() {
  const f = await startApiFixture();
  const client = createInProcessClient(f.server.core);
  const agent = new Agent({ keepAlive: true, ca: f.pki.caCert, cert: f.pki.adminCert, key: f.pki.adminKey });
  const listAll = () =>
    new Promise<{ ms: number; bytes: number }>((resolve, reject) => {
      const t = performance.now();
      const req = request(`${f.server.url}/api/v1/pods`, { agent, headers: { Accept: 'application/json' } }, (res) => {
        let bytes = 0;
        res.on('data', (d: Buffer) => {
          bytes += d.length;
        });
        res.on('end', () => resolve({ ms: performance.now() - t, bytes }));
      });
      req.on('error', reject);
      req.end();
    });
  let peakRss = 0;
  const sampleRss = () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  };
  const rssTimer = setInterval(sampleRss, 500);

  out(`scale bench: ${NODES} simulated nodes, ${PODS} pods, events ${EVENTS ? 'on' : 'off'}`);
  let t = performance.now();
  await createSimulatedNodes(client, 'bench', NODES);
  out(`  create ${NODES} Node objects: ${secs(performance.now() - t)}`);
  await client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
  t = performance.now();
  const names = Array.from({ length: PODS }, (_, i) => `p-${i}`);
  await pool(names, 32, (name) =>
    client.create(R.pods, 'bench', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'bench', labels: { app: 'bench' } },
      spec: { containers: [{ name: 'app', image: 'registry.local/app:1', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
    }),
  );
  out(`  create ${PODS} pods (unbound): ${secs(performance.now() - t)} (${Math.round(PODS / ((performance.now() - t) / 1000))}/s)`);

  global.gc?.();
  const idle: number[] = [];
  let listBytes = 0;
  for (let i = 0; i < 3; i++) {
    const r = await listAll();
    idle.push(r.ms);
    listBytes = r.bytes;
  }
  sampleRss();
  const rssBefore = process.memoryUsage().rss;

  // Count Running pods from one watch (phase only, by name).
  const running = new Set<string>();
  let at10k = 0;
  const watch = client.watch(
    R.pods,
    'bench',
    {},
    (type, obj) => {
      if (type === 'DELETED') return void running.delete(obj.metadata.name!);
      if (obj.status?.phase === 'Running') {
        running.add(obj.metadata.name!);
        if (!at10k && running.size >= 10_000) at10k = performance.now();
      }
    },
    () => {},
  );

  t = performance.now();
  // Count the kubelets' pod status writes (what the write queue's coalescing saves).
  let statusWrites = 0;
  const counted = {
    ...client,
    patch: (...a: Parameters<typeof client.patch>) => {
      if (a[0].plural === 'pods' && a[5]?.subresource === 'status') statusWrites++;
      return client.patch(...a);
    },
  };
  const nm = await startNodeManager({ client: counted, events: EVENTS, simulated: { startDelayMs: 200 } });
  const tRegister = performance.now() - t;
  out(`  node manager up (${nm.kubelets().length} kubelets registered, leases created): ${secs(tRegister)}`);

  const during: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      during.push((await listAll()).ms);
      await new Promise((r) => setTimeout(r, 3000));
    }
  })();

  const tBind = performance.now();
  await pool(names, 64, (name) => {
    const i = Number(name.slice(2));
    return client.createSubresource(R.pods, 'bench', name, 'binding', {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name },
      target: { apiVersion: 'v1', kind: 'Node', name: `bench-node-${(i % NODES) + 1}` },
    });
  });
  const bindMs = performance.now() - tBind;
  const deadline = performance.now() + DEADLINE_MS;
  while (running.size < PODS && performance.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  const convergeMs = performance.now() - tBind;
  sampling = false;
  await sampler;
  sampleRss();
  global.gc?.();
  const rssSteady = process.memoryUsage().rss;

  out('');
  out(`  figure                                   value            floor`);
  out(
    `  pods Running after bind start            ${running.size === PODS ? secs(convergeMs).padEnd(16) : `${running.size}/${PODS} at ${secs(convergeMs)}`.padEnd(16)} all binds issued in ${secs(bindMs)} (${Math.round(PODS / (bindMs / 1000))}/s)`,
  );
  if (at10k) out(`  first 10,000 pods Running                ${secs(at10k - tBind).padEnd(16)} —`);
  out(
    `  pod status writes per pod                ${(statusWrites / PODS).toFixed(2).padEnd(16)} transitions: 2 (ContainerCreating, Running)`,
  );
  out(`  process RSS (peak)                       ${mb(peakRss).padEnd(16)} before kubelets: ${mb(rssBefore)} (target ≤ 2048 MB)`);
  out(`  process RSS after GC, all Running         ${mb(rssSteady).padEnd(16)} heap used: ${mb(process.memoryUsage().heapUsed)}`);
  out(
    `  list all pods JSON during run p50/max    ${`${pct(during, 50).toFixed(0)}/${Math.max(...during).toFixed(0)} ms`.padEnd(16)} idle: ${pct(idle, 50).toFixed(0)} ms (${mb(listBytes)} body, ${during.length} samples)`,
  );

  clearInterval(rssTimer);
  watch.stop();
  nm.stop();
  await f.close();
  agent.destroy();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
