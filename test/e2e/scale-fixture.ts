// A simulated cluster started through the app with N pods in it, for the 50,000-pod test and
// the UI bench. Pods are written straight to the API server from a worker thread.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { KubeConfig } from '@kubernetes/client-node';
import { clusterPaths } from '../../engine/cluster/paths';
import { startAppFixture, type AppFixture } from './app-fixture';

const WORKER = new URL('./pod-load.mjs', import.meta.url);

export interface ScaleFixture extends AppFixture {
  /** Runs a pod-load.mjs job against the cluster. */
  load(job: Record<string, unknown>): Promise<Record<string, number>>;
}

export async function startScaleFixture(name: string): Promise<ScaleFixture> {
  const f = await startAppFixture();
  const res = await f.page.request.post(`${f.url}/api/clusters`, { data: { name, nodes: 1, runtime: 'simulated' } });
  if (res.status() !== 202) throw new Error(`start: HTTP ${res.status()} ${await res.text()}`);
  const end = Date.now() + 60_000;
  for (;;) {
    const list = (await (await f.page.request.get(`${f.url}/api/clusters`)).json()) as { name: string; state: string; error?: string }[];
    const c = list.find((x) => x.name === name);
    if (c?.state === 'running') break;
    if (c?.state === 'failed' || Date.now() > end) throw new Error(`cluster ${name}: ${c?.state} ${c?.error ?? ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const kc = new KubeConfig();
  kc.loadFromFile(clusterPaths(f.dataDir, name).kubeconfig);
  const user = kc.getCurrentUser()!;
  const cluster = kc.getCurrentCluster()!;
  const creds = {
    url: cluster.server,
    ca: cluster.caData ? Buffer.from(cluster.caData, 'base64').toString() : readFileSync(cluster.caFile!, 'utf8'),
    cert: user.certData ? Buffer.from(user.certData, 'base64').toString() : readFileSync(user.certFile!, 'utf8'),
    key: user.keyData ? Buffer.from(user.keyData, 'base64').toString() : readFileSync(user.keyFile!, 'utf8'),
  };
  const load = (job: Record<string, unknown>) =>
    new Promise<Record<string, number>>((resolve, reject) => {
      const w = new Worker(WORKER, { workerData: { namespace: 'default', inFlight: 16, ...creds, ...job } });
      w.once('message', (m) => (m.error ? reject(new Error(m.error)) : resolve(m)));
      w.once('error', reject);
    });
  return { ...f, load };
}
