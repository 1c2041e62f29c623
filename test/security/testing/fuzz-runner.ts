// Runs seeded malformed requests against an API server in a child process, in batches, and
// checks after each batch that the process lives and /readyz answers. Counts every 5xx, every
// error answer that is not a Status, and every crash (the child exits; it is then restarted).
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:https';
import { createInterface } from 'node:readline';
import { createFuzzer, type FuzzRequest } from './fuzz-requests';

const root = new URL('../../..', import.meta.url).pathname;

interface Server {
  child: ChildProcess;
  url: string;
  agent: Agent;
  exited: boolean;
  stderr: string[];
}

export interface FuzzReport {
  requests: number;
  /** Requests the HTTP client itself refused to send (invalid header bytes). */
  unsendable: number;
  byStatus: Map<number, number>;
  serverErrors: { request: string; status: number; body: string }[];
  notStatus: { request: string; status: number; body: string }[];
  timeouts: string[];
  crashes: number;
  notReady: number;
  internalErrorLogs: string[];
}

async function startServer(): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/security/testing/fuzz-server.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fuzz server exited (${code}) before serving: ${stderr.slice(-5).join('\n')}`)));
  });
  const info = JSON.parse(line);
  const server: Server = {
    child,
    url: info.url,
    agent: new Agent({ keepAlive: true, maxSockets: 16, ca: info.ca, cert: info.cert, key: info.key }),
    exited: false,
    stderr,
  };
  child.once('exit', () => (server.exited = true));
  return server;
}

function send(
  s: Server,
  r: FuzzRequest,
  timeoutMs: number,
): Promise<{ status: number; body: string } | 'timeout' | 'unsendable' | 'failed'> {
  return new Promise((resolve) => {
    let req;
    try {
      req = request(`${s.url}${r.path}`, { method: r.method, agent: s.agent, headers: r.headers });
    } catch {
      return resolve('unsendable');
    }
    const timer = setTimeout(() => {
      req.destroy();
      resolve('timeout');
    }, timeoutMs);
    req.on('response', (res) => {
      const status = res.statusCode!;
      if (status < 400) {
        // Success answers may stream (watches, logs): the status line is enough.
        clearTimeout(timer);
        res.destroy();
        return resolve({ status, body: '' });
      }
      const chunks: Buffer[] = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', () => {
        clearTimeout(timer);
        resolve('failed');
      });
    });
    req.on('error', () => {
      clearTimeout(timer);
      resolve('failed');
    });
    req.end(r.body);
  });
}

async function ready(s: Server): Promise<boolean> {
  for (let i = 0; i < 3; i++) {
    const r = await send(s, { method: 'GET', path: '/readyz', headers: {} }, 5000);
    if (typeof r === 'object' && r.status === 200) return true;
  }
  return false;
}

const isStatus = (body: string, status: number) => {
  try {
    const j = JSON.parse(body);
    return j.kind === 'Status' && j.code === status;
  } catch {
    return false;
  }
};

export async function runFuzz(opts: {
  seed: number;
  count: number;
  batch?: number;
  concurrency?: number;
  timeoutMs?: number;
  progress?: (done: number) => void;
}): Promise<FuzzReport> {
  const next = createFuzzer(opts.seed);
  const batch = opts.batch ?? 100;
  const concurrency = opts.concurrency ?? 8;
  const report: FuzzReport = {
    requests: 0,
    unsendable: 0,
    byStatus: new Map(),
    serverErrors: [],
    notStatus: [],
    timeouts: [],
    crashes: 0,
    notReady: 0,
    internalErrorLogs: [],
  };
  let server = await startServer();
  const describe = (r: FuzzRequest) =>
    `${r.method} ${r.path.slice(0, 160)} [${r.headers['Content-Type'] ?? ''}] ${r.body ? `${r.body.length} B: ${r.body.subarray(0, 80).toString('latin1')}` : ''}`;
  try {
    for (let done = 0; done < opts.count; ) {
      const n = Math.min(batch, opts.count - done);
      const reqs = Array.from({ length: n }, () => next());
      let i = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (i < reqs.length) {
            const r = reqs[i++];
            const res = await send(server, r, opts.timeoutMs ?? 15_000);
            report.requests++;
            if (res === 'unsendable') report.unsendable++;
            else if (res === 'timeout') report.timeouts.push(describe(r));
            else if (res !== 'failed') {
              report.byStatus.set(res.status, (report.byStatus.get(res.status) ?? 0) + 1);
              if (res.status >= 500) report.serverErrors.push({ request: describe(r), status: res.status, body: res.body.slice(0, 300) });
              else if (res.status >= 400 && r.method !== 'HEAD' && !isStatus(res.body, res.status))
                report.notStatus.push({ request: describe(r), status: res.status, body: res.body.slice(0, 300) });
            }
          }
        }),
      );
      done += n;
      opts.progress?.(done);
      if (server.exited || !(await ready(server))) {
        if (server.exited) report.crashes++;
        else report.notReady++;
        report.internalErrorLogs.push(...server.stderr.slice(-20));
        await stop(server);
        server = await startServer();
      }
    }
  } finally {
    report.internalErrorLogs.push(...server.stderr.filter((l) => l.includes('internal error')));
    await stop(server);
  }
  return report;
}

async function stop(s: Server) {
  s.agent.destroy();
  if (s.exited) return;
  const gone = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  const t = setTimeout(() => s.child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(t);
}
