// Watch fan-out throughput (npm run bench -- api): 100 HTTP watchers of pods while pods are
// created 16 at a time; every watcher must see every event. Figure: events delivered per
// second over all watchers; floor: the same creates with nobody watching. The watchers only
// count lines, so the time is the server's (decode, filter, encode, write per watcher).
import { Agent, request } from 'node:https';

export interface FanoutTarget {
  url: string;
  tls: { ca: string; cert: string; key: string };
}

const WATCHERS = 100;
const EVENTS = 500;
const IN_FLIGHT = 16;

const podBody = (name: string) => ({
  metadata: { name, labels: { app: 'fanout', tier: 'bench' }, annotations: { note: 'x'.repeat(200) } },
  spec: {
    containers: [
      {
        name: 'main',
        image: 'registry.example/app:1.0',
        ports: [{ containerPort: 8080 }],
        env: Array.from({ length: 8 }, (_, i) => ({ name: `VAR_${i}`, value: `value-${i}` })),
        resources: { requests: { cpu: '10m', memory: '16Mi' } },
      },
    ],
  },
});

export async function runWatchFanout(t: FanoutTarget, out: (line: string) => void): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT, ...t.tls });
  const call = (method: string, path: string, body?: unknown) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${t.url}${path}`, { method, agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  const createAll = async (ns: string) => {
    await call('POST', '/api/v1/namespaces', { metadata: { name: ns } });
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < EVENTS) {
          const r = await call('POST', `/api/v1/namespaces/${ns}/pods`, podBody(`p-${next++}`));
          if (r.status !== 201) throw new Error(`create: ${r.status} ${r.text}`);
        }
      }),
    );
  };

  // Floor: the creates alone.
  let t0 = performance.now();
  await createAll('fanout-floor');
  const floor = performance.now() - t0;

  const ns = 'fanout';
  const rv = (JSON.parse((await call('GET', '/api/v1/pods?limit=1')).text) as { metadata: { resourceVersion: string } }).metadata
    .resourceVersion;
  const watchAgent = new Agent({ keepAlive: true, maxSockets: WATCHERS, ...t.tls });
  let delivered = 0;
  let allDelivered: () => void = () => {};
  const done = new Promise<void>((resolve) => (allDelivered = resolve));
  const streams = await Promise.all(
    Array.from(
      { length: WATCHERS },
      () =>
        new Promise<import('node:http').ClientRequest>((resolve, reject) => {
          const req = request(`${t.url}/api/v1/namespaces/${ns}/pods?watch=1&resourceVersion=${rv}`, { agent: watchAgent }, (res) => {
            res.on('data', (d: Buffer) => {
              for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) delivered++;
              if (delivered >= WATCHERS * EVENTS) allDelivered();
            });
            resolve(req);
          });
          req.on('error', reject);
          req.end();
        }),
    ),
  );
  t0 = performance.now();
  await createAll(ns);
  const created = performance.now() - t0;
  await Promise.race([done, new Promise((r) => setTimeout(r, 60_000))]);
  const took = performance.now() - t0;
  for (const s of streams) s.destroy();
  watchAgent.destroy();
  agent.destroy();
  const rate = (delivered / took) * 1000;
  out(
    `  watch fan-out throughput, ${WATCHERS} watchers x ${EVENTS} pod creates (${IN_FLIGHT} in flight): ${Math.round(rate).toLocaleString('en')} events/s delivered (${delivered}/${WATCHERS * EVENTS} in ${(took / 1000).toFixed(2)} s; creates took ${(created / 1000).toFixed(2)} s)   | the same creates unwatched ${(floor / 1000).toFixed(2)} s`,
  );
}
