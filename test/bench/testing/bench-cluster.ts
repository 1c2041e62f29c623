// A throwaway cluster for the CLI benches: its own HOME, kubeconfig, data dir and API port, run
// by a chosen `bin/skiff.mjs` (this checkout's, or another one's to compare against).
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, kubectlPath } from '../../integration/harness';

export const skiffBin = join(new URL('../../..', import.meta.url).pathname, 'bin/skiff.mjs');

export interface BenchCluster {
  bin: string;
  name: string;
  dir: string;
  dataDir: string;
  kubeconfig: string;
  port: number;
  env: Record<string, string>;
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export async function newBenchCluster(prefix: string, tag: string, o: { bin?: string; trace?: string } = {}): Promise<BenchCluster> {
  const dir = mkdtempSync(join(tmpdir(), `skiff-bench-${prefix}-${tag}-`));
  const kubeconfig = join(dir, 'kc');
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    HOME: dir,
    KUBECONFIG: kubeconfig,
    SKIFF_INGRESS_PORT: '0',
    SKIFF_INGRESS_HTTPS_PORT: '0',
  };
  if (o.trace) env.SKIFF_TRACE = o.trace;
  const name = `bench-${tag}-${process.pid}`;
  return { bin: o.bin ?? skiffBin, name, dir, dataDir: join(dir, 'data'), kubeconfig, port: await freePort(), env };
}

/** `skiff <args>` for this cluster (its name and data dir added). */
export const skiffCmd = (c: BenchCluster, args: string[]) =>
  run(process.execPath, [c.bin, ...args, '--name', c.name, '--data-dir', c.dataDir], { env: c.env });

export const kubectlCmd = (c: BenchCluster, args: string[], input?: string) => run(kubectlPath(), args, { env: c.env, input });

/** The cluster's PKI dir (its admin certificate is there before the kubeconfig is written). */
export const pkiDir = (c: BenchCluster) => join(c.dataDir, c.name, 'pki');
