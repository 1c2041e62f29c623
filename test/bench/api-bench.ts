// npm run bench -- api: the API server's figures, each beside its floor from the same run.
//   creates/s (durable)   vs raw SQLite single-row inserts/s on the same disk
//   get p50/p99           vs a bare Node HTTPS round trip with the same TLS setup
//   list 10k pods         JSON and Table
//   watch fan-out         100 watchers, event delivery latency; and events/s delivered to 100 pod
//                         watchers under 16 concurrent creates (watch-fanout.ts)
//   skiff start → ready   the CLI, cold (new data dir) and warm (existing)
//   RBAC on vs off        the same requests from a ServiceAccount token, both servers
//   token revocation      pod-bound token GETs with the revocation lookups on vs off
//   audit log             the default policy to a file vs no auditor
//   store on etcd         the store workload on a real etcd
import { Agent, request, createServer } from 'node:https';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { startApiFixture } from '../integration/api-fixture';
import { runStoreBench } from './store-bench';
import { runRbacCompare } from './rbac-compare';
import { runTokenCompare } from './token-compare';
import { runWatchFanout } from './watch-fanout';
import { runAuditCompare } from './audit-compare';

const out = (line: string) => console.log(line);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (n: number) => `${n.toFixed(3)} ms`;

async function main() {
  const f = await startApiFixture();
  const fanoutTarget = { url: f.server.url, tls: { ca: f.pki.caCert, cert: f.pki.adminCert, key: f.pki.adminKey } };
  // --only fanout: just the watch fan-out throughput (cheap to repeat before and after a change).
  if (process.argv.includes('--only') && process.argv[process.argv.indexOf('--only') + 1] === 'fanout') {
    await runWatchFanout(fanoutTarget, out);
    await f.close();
    return;
  }
  const agent = new Agent({ keepAlive: true, maxSockets: 16, ca: f.pki.caCert, cert: f.pki.adminCert, key: f.pki.adminKey });
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${f.server.url}${path}`,
        { method, agent, headers: { 'Content-Type': 'application/json', ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d) => chunks.push(d));
          res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }));
        },
      );
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  const must = async (p: Promise<{ status: number; text: string }>, code: number) => {
    const r = await p;
    if (r.status !== code) throw new Error(`expected ${code}, got ${r.status}: ${r.text.slice(0, 200)}`);
    return r;
  };
  await must(call('POST', '/api/v1/namespaces', { metadata: { name: 'bench' } }), 201);

  // Floor for round trips: a bare HTTPS server with the same certificate and client-cert request.
  // It also serves a fixed body (set below) to give the list figure its transfer floor.
  let bareBody = 'ok';
  const bare = createServer(
    { cert: f.pki.serverCert, key: f.pki.serverKey, ca: f.pki.caCert, requestCert: true, rejectUnauthorized: false },
    (_q, s) => {
      s.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(bareBody) });
      s.end(bareBody);
    },
  );
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const barePort = (bare.address() as { port: number }).port;
  const bareGet = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(`https://127.0.0.1:${barePort}/`, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () => {
          Buffer.concat(chunks).toString();
          resolve();
        });
      });
      req.on('error', reject);
      req.end();
    });
  const time = async (n: number, fn: () => Promise<unknown>) => {
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await fn();
      xs.push(performance.now() - t);
    }
    return xs;
  };
  await time(2000, bareGet);
  const bareTimes = await time(2000, bareGet);

  // Creates with every write durable (SQLite WAL + synchronous=FULL), 16 in flight, from a
  // client in its own thread (clients are other processes in real use).
  const createN = 5000;
  const createRate = await new Promise<number>((resolve, reject) => {
    const w = new Worker(new URL('./create-load.mjs', import.meta.url), {
      workerData: {
        url: f.server.url,
        ca: f.pki.caCert,
        cert: f.pki.adminCert,
        key: f.pki.adminKey,
        path: '/api/v1/namespaces/bench/configmaps',
        count: createN,
        inFlight: 16,
      },
    });
    w.once('message', (m) => (m.error ? reject(new Error(m.error)) : resolve(m.rate)));
    w.once('error', reject);
  });
  let next = 0;

  // Warm-up long enough for V8 to finish optimizing the GET path: after 200 GETs its compiler
  // and GC threads were still busy (CPU per GET 2.5x the steady state's, p50 0.13 against 0.08 ms).
  await time(2000, () => call('GET', '/api/v1/namespaces/bench/configmaps/cm-1'));
  const getTimes = await time(2000, () => call('GET', '/api/v1/namespaces/bench/configmaps/cm-1'));

  // 10,000 pods, listed whole as JSON and as a Table.
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < 10_000) {
        const i = next++;
        await must(call('POST', '/api/v1/namespaces/bench/pods', podBody(i)), 201);
      }
    }),
  );
  const listJson = await time(5, () => must(call('GET', '/api/v1/namespaces/bench/pods'), 200));
  const tableAccept = { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' };
  const listTable = await time(5, () => must(call('GET', '/api/v1/namespaces/bench/pods', undefined, tableAccept), 200));
  bareBody = (await call('GET', '/api/v1/namespaces/bench/pods')).text;
  const listFloor = await time(5, bareGet);
  const rowCount = JSON.parse((await call('GET', '/api/v1/namespaces/bench/pods', undefined, tableAccept)).text).rows.length;

  // Watch fan-out: 100 watchers; each created object's delivery time to every watcher.
  const watchers = 100;
  const events = 100;
  const created = new Map<string, number>();
  const delays: number[] = [];
  let received = 0;
  const rv = JSON.parse((await call('GET', '/api/v1/namespaces/bench/secrets')).text).metadata.resourceVersion;
  const watchAgent = new Agent({ keepAlive: true, maxSockets: watchers + 4, ca: f.pki.caCert, cert: f.pki.adminCert, key: f.pki.adminKey });
  const streams = await Promise.all(
    Array.from(
      { length: watchers },
      () =>
        new Promise<import('node:http').ClientRequest>((resolve) => {
          const req = request(
            `${f.server.url}/api/v1/namespaces/bench/secrets?watch=1&resourceVersion=${rv}`,
            { agent: watchAgent },
            (res) => {
              let buf = '';
              res.on('data', (d) => {
                buf += d;
                let nl;
                while ((nl = buf.indexOf('\n')) >= 0) {
                  const ev = JSON.parse(buf.slice(0, nl));
                  buf = buf.slice(nl + 1);
                  const at = performance.now();
                  const sent = created.get(ev.object.metadata.name);
                  if (sent !== undefined) delays.push(at - sent);
                  received++;
                }
              });
              resolve(req);
            },
          );
          req.end();
        }),
    ),
  );
  const tw = performance.now();
  for (let i = 0; i < events; i++) {
    created.set(`s-${i}`, performance.now());
    await must(call('POST', '/api/v1/namespaces/bench/secrets', { metadata: { name: `s-${i}` } }), 201);
  }
  while (received < watchers * events && performance.now() - tw < 30_000) await new Promise((r) => setTimeout(r, 10));
  const fanoutSeconds = (performance.now() - tw) / 1000;
  for (const s of streams) s.destroy();
  watchAgent.destroy();
  const fanoutLines: string[] = [];
  await runWatchFanout(fanoutTarget, (l) => fanoutLines.push(l));

  const rss = process.memoryUsage().rss;
  agent.destroy();
  bare.close();
  await f.close();

  // The CLI: start to ready, cold and warm.
  const home = mkdtempSync(join(tmpdir(), 'skiff-bench-home-'));
  const cli = (args: string[]) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, ['bin/skiff.mjs', ...args], {
      env: { ...process.env, SKIFF_HOME: home, HOME: home },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`skiff ${args.join(' ')} failed: ${r.stderr}`);
    return performance.now() - t;
  };
  const kubeconfig = join(home, 'kubeconfig');
  const cold = cli(['start', '--name', 'bench', '--kubeconfig', kubeconfig]);
  cli(['stop', '--name', 'bench']);
  const warm = cli(['start', '--name', 'bench', '--kubeconfig', kubeconfig]);
  cli(['delete', '--name', 'bench']); // its Docker network and agent container too, not only the data dir
  const nodeFloor = (() => {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    return performance.now() - t;
  })();
  rmSync(home, { recursive: true, force: true });

  out('');
  out('api benchmark (one run; figure | floor)');
  out(`  creates/s, durable, 16 in flight   ${createRate.toFixed(0).padStart(8)} /s   | see store floor below (target >= 2000/s)`);
  out(
    `  get p50 / p99                      ${ms(pct(getTimes, 50))} / ${ms(pct(getTimes, 99))}   | bare HTTPS round trip ${ms(pct(bareTimes, 50))} / ${ms(pct(bareTimes, 99))} (target p99 <= 2 ms)`,
  );
  out(
    `  list 10,000 pods, JSON  (median)   ${ms(pct(listJson, 50))}   | bare HTTPS transfer of the same ${(bareBody.length / 1048576).toFixed(1)} MiB ${ms(pct(listFloor, 50))} (target <= 150 ms)`,
  );
  out(`  list 10,000 pods, Table (median)   ${ms(pct(listTable, 50))}   rows=${rowCount}`);
  out(
    `  watch fan-out, ${watchers} watchers x ${events} events: delivered ${received}/${watchers * events} in ${fanoutSeconds.toFixed(2)} s; delivery p50 ${ms(pct(delays, 50))} p99 ${ms(pct(delays, 99))}`,
  );
  for (const l of fanoutLines) out(l);
  out(`  skiff start -> ready, cold / warm  ${ms(cold)} / ${ms(warm)}   | node -e 0: ${ms(nodeFloor)} (target <= 1000 ms)`);
  out(`  process RSS after the run          ${(rss / 1048576).toFixed(0)} MiB`);
  await runRbacCompare(out);
  await runTokenCompare(out);
  await runAuditCompare(out);
  out('');
  await runStoreBench(out);
}

function podBody(i: number) {
  return {
    metadata: { name: `pod-${i}`, labels: { app: `app-${i % 20}`, tier: 'bench' } },
    spec: {
      containers: [
        {
          name: 'main',
          image: 'registry.example/app:1.0',
          ports: [{ containerPort: 8080 }],
          resources: { requests: { cpu: '10m', memory: '16Mi' } },
        },
      ],
    },
  };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
