// Starts a real control plane (HTTPS API server over SQLite) in a temp data dir and runs
// real kubectl binaries against it. Commands run asynchronously: the server lives in this process.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../../engine/cluster/control-plane';

// The oldest and newest kubectl we support; SKIFF_KUBECTL_VERSIONS=1.30,1.31 picks others.
export const kubectlVersions: string[] = process.env.SKIFF_KUBECTL_VERSIONS?.split(',') ?? ['1.27', '1.33'];

export function kubectlPath(version?: string): string {
  if (!version) return '/usr/bin/kubectl';
  const p = `/usr/lib/google-cloud-sdk/bin/kubectl.${version}`;
  return existsSync(p) ? p : '/usr/bin/kubectl';
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestCluster {
  cp: ControlPlane;
  dir: string;
  kubeconfig: string;
  /** Runs kubectl (`version` picks the binary) with this cluster's kubeconfig. */
  kubectl(
    args: string[],
    opts?: { version?: string; input?: string; env?: Record<string, string>; timeoutMs?: number },
  ): Promise<RunResult>;
  stop(): Promise<void>;
}

export async function startTestCluster(name = 'test'): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-it-'));
  const cp = await startControlPlane({ name, dataDir: dir, datastore: 'sqlite', nodeRuntime: 'simulated' });
  const home = join(dir, 'home');
  return {
    cp,
    dir,
    kubeconfig: cp.kubeconfigPath,
    kubectl: (args, opts = {}) =>
      run(kubectlPath(opts.version), args, {
        input: opts.input,
        timeoutMs: opts.timeoutMs,
        env: { KUBECONFIG: cp.kubeconfigPath, HOME: home, KUBECACHEDIR: join(dir, 'kube-cache'), ...(opts.env ?? {}) },
      }),
    async stop() {
      await cp.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function run(
  cmd: string,
  args: string[],
  opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      { env: { PATH: process.env.PATH ?? '', ...opts.env }, timeout: opts.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

/** Starts a long-running command (e.g. `kubectl get -w`) and collects its output. */
export function spawnCollect(cmd: string, args: string[], env: Record<string, string>) {
  const child = spawn(cmd, args, { env: { PATH: process.env.PATH ?? '', ...env } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return {
    output: () => out,
    async waitFor(re: RegExp, timeoutMs = 10_000): Promise<void> {
      const start = Date.now();
      while (!re.test(out)) {
        if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${re} in:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: () => child.kill('SIGTERM'),
  };
}
