// Bulk pod writer for the UI's scale test and bench, in its own thread so the page and the
// API server are not charged for the client's CPU. Plain JavaScript (workers start without tsx).
//   { mode: 'create', count, inFlight } creates pods load-0..count-1 in `namespace`, held Pending
//     by a scheduler nobody runs (no node work, no scheduling events);
//   { mode: 'update', count, perSecond, seconds } patches an annotation on random pods.
import { Agent, request } from 'node:https';
import { parentPort, workerData } from 'node:worker_threads';

function client(job) {
  const agent = new Agent({ keepAlive: true, maxSockets: job.inFlight ?? 16, ca: job.ca, cert: job.cert, key: job.key });
  const send = (method, path, body, type = 'application/json') =>
    new Promise((resolve, reject) => {
      const req = request(`${job.url}${path}`, { method, agent, headers: { 'Content-Type': type } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  return { send, close: () => agent.destroy() };
}

const pod = (i) => ({
  metadata: { name: `load-${i}`, labels: { app: `app-${i % 50}`, tier: i % 2 ? 'web' : 'db' } },
  spec: { schedulerName: 'skiff-nobody', containers: [{ name: 'main', image: 'registry.example/app:1' }] },
});

async function create(job) {
  const c = client(job);
  const base = `/api/v1/namespaces/${job.namespace}/pods`;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: job.inFlight }, async () => {
      while (next < job.count) {
        const i = next++;
        const code = await c.send('POST', base, pod(i));
        if (code !== 201 && code !== 409) throw new Error(`create load-${i}: HTTP ${code}`);
      }
    }),
  );
  c.close();
  return { rate: job.count / ((performance.now() - t0) / 1000) };
}

async function update(job) {
  const c = client(job);
  const base = `/api/v1/namespaces/${job.namespace}/pods`;
  const end = performance.now() + job.seconds * 1000;
  let sent = 0;
  const t0 = performance.now();
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - t0) / 1000) * job.perSecond);
    const batch = [];
    for (; sent < due; sent++) {
      const i = Math.floor(Math.random() * job.count);
      batch.push(
        c.send(
          'PATCH',
          `${base}/load-${i}`,
          { metadata: { annotations: { 'skiff.dev/tick': String(sent) } } },
          'application/merge-patch+json',
        ),
      );
    }
    await Promise.all(batch);
    await new Promise((r) => setTimeout(r, 20));
  }
  c.close();
  return { sent };
}

(workerData.mode === 'update' ? update(workerData) : create(workerData)).then(
  (r) => parentPort.postMessage(r),
  (e) => parentPort.postMessage({ error: String(e) }),
);
