// npm run bench -- ssa: server-side apply beside the writes it stands next to (one run).
//   apply p50 (a Deployment, one field changed each time)   floor: 2× the p50 of a PUT of the same change
//   PUT p50 with managedFields tracked                          floor: 1.5× the p50 of a PUT with no change (a no-op write)
import { Agent, request } from 'node:https';
import { startApiFixture } from '../integration/api-fixture';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (n: number) => `${n.toFixed(2)} ms`;
const N = 300;

async function main() {
  const f = await startApiFixture();
  const agent = new Agent({ keepAlive: true, maxSockets: 4, ca: f.pki.caCert, cert: f.pki.adminCert, key: f.pki.adminKey });
  const call = (method: string, path: string, body: string, type = 'application/json') =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${f.server.url}${path}`, { method, agent, headers: { 'Content-Type': type } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const deployment = (name: string, value: number) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [0, 1, 2].map((i) => ({
            name: `c${i}`,
            image: 'nginx:1.25',
            ports: [{ containerPort: 80 + i }],
            env: Array.from({ length: 10 }, (_, j) => ({ name: `E${j}`, value: String(value) })),
          })),
        },
      },
    },
  });
  const timed = async (fn: (i: number) => Promise<{ status: number; text: string }>) => {
    const times: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      const r = await fn(i);
      if (r.status >= 300) throw new Error(`${r.status}: ${r.text.slice(0, 300)}`);
      times.push(performance.now() - t);
    }
    return pct(times, 50);
  };
  const base = '/apis/apps/v1/namespaces/default/deployments';
  await call('POST', base, JSON.stringify(deployment('put', 0)));
  const put = async (value: number) => {
    const cur = JSON.parse((await call('GET', `${base}/put`, '')).text) as { metadata: { resourceVersion: string } };
    const next = deployment('put', value);
    return call(
      'PUT',
      `${base}/put`,
      JSON.stringify({ ...next, metadata: { ...next.metadata, resourceVersion: cur.metadata.resourceVersion } }),
    );
  };
  const getP50 = await timed(() => call('GET', `${base}/put`, ''));
  const noop = await timed(() => put(0));
  const update = await timed((i) => put(i + 1));
  const apply = await timed((i) =>
    call('PATCH', `${base}/apply?fieldManager=bench`, JSON.stringify(deployment('apply', i)), 'application/apply-patch+yaml'),
  );
  // A PUT reads first (GET), as clients do; the apply is one request.
  console.log(`apply p50 ${ms(apply)}   vs floor 2 × PUT p50 (${ms(update - getP50)} write alone) = ${ms(2 * (update - getP50))}`);
  console.log(`PUT p50 (GET+PUT, tracked) ${ms(update)}   vs no-op GET+PUT ${ms(noop)} (floor 1.5× = ${ms(1.5 * noop)})`);
  agent.destroy();
  await f.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
