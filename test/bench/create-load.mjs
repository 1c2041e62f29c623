// A create load generator that runs in its own thread, so the API server's figure is not
// charged for the client's own CPU (as with kubectl or controllers in other processes).
// Plain JavaScript: worker threads start without the TypeScript loader.
import { Agent, request } from 'node:https';
import { parentPort, workerData } from 'node:worker_threads';

async function run(job) {
  const agent = new Agent({ keepAlive: true, maxSockets: job.inFlight, ca: job.ca, cert: job.cert, key: job.key });
  const post = (body) =>
    new Promise((resolve, reject) => {
      const req = request(`${job.url}${job.path}`, { method: 'POST', agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: job.inFlight }, async () => {
      while (next < job.count) {
        const i = next++;
        const code = await post({ metadata: { name: `cm-${i}`, labels: { i: String(i % 10) } }, data: { k: 'v'.repeat(100) } });
        if (code !== 201) throw new Error(`create ${i}: HTTP ${code}`);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return job.count / seconds;
}

run(workerData).then(
  (rate) => parentPort.postMessage({ rate }),
  (e) => parentPort.postMessage({ error: String(e) }),
);
