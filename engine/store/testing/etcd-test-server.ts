// Starts a throwaway single-member etcd on loopback for tests and benches: free client and
// peer ports, a temp data dir, health-checked before returning, killed and removed by stop().
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EtcdTestServer {
  /** Client URLs, e.g. ['http://127.0.0.1:40123']. */
  endpoints: string[];
  dataDir: string;
  stop(): Promise<void>;
}

/** The etcd binary to use (SKIFF_ETCD_BIN or /usr/bin/etcd), or undefined when none is installed. */
export function findEtcdBinary(): string | undefined {
  const candidates = [process.env.SKIFF_ETCD_BIN, '/usr/bin/etcd'].filter((p): p is string => !!p);
  return candidates.find((p) => existsSync(p));
}

/** True when a missing etcd must fail the tests instead of skipping them (CI). */
export function etcdRequired(): boolean {
  return !!(process.env.SKIFF_REQUIRE_DOCKER || process.env.CI);
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startEtcdTestServer(opts: { binary?: string; timeoutMs?: number } = {}): Promise<EtcdTestServer> {
  const binary = opts.binary ?? findEtcdBinary();
  if (!binary) throw new Error('etcd binary not found (install etcd-server or set SKIFF_ETCD_BIN)');
  // A free port can be taken between probing and etcd binding it; one retry covers that race.
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(binary, opts.timeoutMs ?? 15_000);
    } catch (err) {
      lastErr = err;
    }
  }
  throw lastErr;
}

async function startOnce(binary: string, timeoutMs: number): Promise<EtcdTestServer> {
  const clientPort = await freeLoopbackPort();
  const peerPort = await freeLoopbackPort();
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-etcd-'));
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    binary,
    [
      '--name',
      'skiff-test',
      '--data-dir',
      dataDir,
      '--listen-client-urls',
      clientUrl,
      '--advertise-client-urls',
      clientUrl,
      '--listen-peer-urls',
      peerUrl,
      '--initial-advertise-peer-urls',
      peerUrl,
      '--initial-cluster',
      `skiff-test=${peerUrl}`,
      '--initial-cluster-state',
      'new',
      '--logger',
      'zap',
      '--log-outputs',
      'stderr',
      '--log-level',
      'error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );

  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let exited = false;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  child.once('error', (err) => {
    stderr += String(err);
  });

  const stop = async (): Promise<void> => {
    await killChild(child, exitPromise, () => exited);
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) break;
    if (await healthy(clientUrl)) return { endpoints: [clientUrl], dataDir, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`etcd did not become healthy on ${clientUrl}: ${stderr.trim() || '(no output)'}`);
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}

async function killChild(child: ChildProcess, exit: Promise<void>, exited: () => boolean): Promise<void> {
  if (exited()) return;
  child.kill('SIGTERM');
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 3000).unref());
  if ((await Promise.race([exit, timer])) === 'timeout') {
    child.kill('SIGKILL');
    await exit;
  }
}
