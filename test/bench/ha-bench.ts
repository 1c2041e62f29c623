// Control-plane HA, each figure beside its floor from one run (npm run bench -- ha):
//   failover: kill -9 of the leading instance → the other holds both Leases, with upstream
//     timings (15 s lease, 10 s renew deadline, 2 s retry)   vs the stated bound lease + retry (17 s)
//   API creates/s through two instances over a 3-member etcd  vs one instance over the same etcd
//     (and raw etcd puts/s on that etcd, what no API server can beat)
// Load runs in worker threads (create-load.mjs), so the figures are not charged for the client.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { Etcd3 } from 'etcd3';
import { parse } from 'yaml';
import { startEtcdCluster } from '../ha/testing/etcd-cluster';
import { leaseHolder, startHaCluster, type HaInstance } from '../ha/testing/ha-cluster';
import { waitFor } from '../wait-for';

const IN_FLIGHT = 16;
const COUNT = 3000;

type Kc = {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
};

function load(inst: HaInstance, ns: string, count: number, inFlight: number): Promise<number> {
  const kc = parse(readFileSync(inst.kubeconfig, 'utf8')) as Kc;
  const b64 = (s: string) => Buffer.from(s, 'base64').toString();
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./create-load.mjs', import.meta.url), {
      workerData: {
        url: kc.clusters[0].cluster.server,
        ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
        cert: b64(kc.users[0].user['client-certificate-data']),
        key: b64(kc.users[0].user['client-key-data']),
        path: `/api/v1/namespaces/${ns}/configmaps`,
        count,
        inFlight,
      },
    });
    w.once('message', (m: { rate?: number; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m.rate!)));
    w.once('error', reject);
  });
}

async function namespace(inst: HaInstance, name: string) {
  const r = await inst.http.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  if (r.status !== 201) throw new Error(`namespace ${name}: HTTP ${r.status}`);
}

const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;
const etcd = await startEtcdCluster(3);
const ha = await startHaCluster({ nodes: [0], etcd }).catch(async (e) => {
  await etcd.stop();
  throw e;
});
try {
  const [a] = ha.instances;
  // One instance over the 3-member etcd.
  await namespace(a, 'one');
  const one = await load(a, 'one', COUNT, IN_FLIGHT);
  // Two instances, the same total load split between them.
  const b = await ha.add(1);
  await namespace(a, 'two-a');
  await namespace(a, 'two-b');
  const t0 = performance.now();
  await Promise.all([load(a, 'two-a', COUNT / 2, IN_FLIGHT / 2), load(b, 'two-b', COUNT / 2, IN_FLIGHT / 2)]);
  const two = COUNT / ((performance.now() - t0) / 1000);
  const raw = new Etcd3({ hosts: etcd.endpoints });
  let next = 0;
  const r0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < COUNT) await raw.put(`/raw/k${next++}`).value('v'.repeat(300)).exec();
    }),
  );
  const rawRate = COUNT / ((performance.now() - r0) / 1000);
  raw.close();
  console.log(
    `ha creates: two instances ${fmt(two)}   floor: one instance ${fmt(one)}; raw etcd puts ${fmt(rawRate)} (${IN_FLIGHT} in flight, 3-member etcd)`,
  );

  // Failover with upstream timings: A leads (started first); kill -9 it.
  const leases = ['kube-scheduler', 'kube-controller-manager'] as const;
  const aId = await waitFor('A leads', async () => {
    const h = await Promise.all(leases.map((l) => leaseHolder(b.http, l)));
    return h[0] && h[0] === h[1] && h[0];
  });
  const killed = performance.now();
  await a.skiff.kill();
  await waitFor(
    'B to lead both',
    async () => (await Promise.all(leases.map((l) => leaseHolder(b.http, l)))).every((h) => h && h !== aId),
    60_000,
    100,
  );
  const failover = (performance.now() - killed) / 1000;
  console.log(`ha failover: ${failover.toFixed(1)} s after kill -9 of the leader   floor: stated bound 17 s (15 s lease + 2 s retry)`);
  console.log(
    JSON.stringify({ 'ha.creates_per_s.two': two, 'ha.creates_per_s.one': one, 'ha.etcd_puts_per_s': rawRate, 'ha.failover_s': failover }),
  );
} finally {
  await ha.stop();
  await etcd.stop();
}
