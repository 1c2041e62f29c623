// A `skiff start --foreground` process of a test's own (its own HOME, data dir and kubeconfig),
// with kubectl pointed at it: chaos tests stop, kill and starve it as a desktop would.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run, kubectlPath, type RunResult } from '../integration/harness';
import { waitFor } from '../wait-for';
import { ensureCliBuilt } from './ensure-cli-built';
import { kubeHttp } from './kube-http';

export interface SkiffProcess {
  readonly proc: ChildProcess;
  /** What the process printed so far (stdout and stderr). */
  output(): string;
  kubectl(args: string[], input?: string): Promise<RunResult>;
  /** kubectl's JSON for `args` (with `-o json` added). */
  json(args: string[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- kubectl's JSON, read as a user's script would
  /** SIGKILL (after SIGCONT, so a stopped process dies too); resolves once it has exited. */
  kill(): Promise<void>;
}

export interface SkiffProcessOptions {
  name: string;
  /** The test's temp dir: HOME, kubeconfig and (unless dataDir is set) the data dir live here. */
  dir: string;
  dataDir?: string;
  nodeRuntime: 'docker' | 'simulated';
  env?: Record<string, string>;
  /** More `skiff start` flags (e.g. --datastore etcd). */
  args?: string[];
  /** What "started" means: the node Ready (default) or the API server ready (cheaper: no kubectl). */
  ready?: 'node' | 'api';
  /** Run skiff (and kubectl) inside this network namespace (/run/netns/<name>): a test machine's. */
  netns?: string;
}

const root = new URL('../..', import.meta.url).pathname;

export async function startSkiffProcess(o: SkiffProcessOptions): Promise<SkiffProcess> {
  await ensureCliBuilt();
  const env = { ...process.env, HOME: o.dir, KUBECONFIG: join(o.dir, 'kc'), ...o.env };
  const args = ['start', '--foreground', '--name', o.name, '--data-dir', o.dataDir ?? join(o.dir, 'data')];
  args.push('--kubeconfig', join(o.dir, 'kc'), '--node-runtime', o.nodeRuntime, ...(o.args ?? []));
  const inNs = (cmd: string, a: string[]): [string, string[]] =>
    o.netns ? ['nsenter', [`--net=/run/netns/${o.netns}`, cmd, ...a]] : [cmd, a];
  const proc = spawn(...inNs(process.execPath, [join(root, 'bin/skiff.mjs'), ...args]), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  const kubectl = (a: string[], input?: string) => run(...inNs(kubectlPath(), a), { input, env });
  const p: SkiffProcess = {
    proc,
    output: () => output,
    kubectl,
    json: async (a) => JSON.parse((await kubectl([...a, '-o', 'json'])).stdout || '{}'), // eslint-disable-line @typescript-eslint/no-unsafe-return -- see json()
    kill() {
      if (proc.exitCode !== null || proc.signalCode) return Promise.resolve();
      return new Promise((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGCONT');
        proc.kill('SIGKILL');
      });
    },
  };
  try {
    const kubeconfig = join(o.dir, 'kc');
    await waitFor(
      o.ready === 'api' ? 'API server ready' : 'node Ready',
      async () => {
        if (proc.exitCode !== null) throw new Error(`skiff exited ${proc.exitCode}: ${output}`);
        if (o.ready === 'api') return existsSync(kubeconfig) && (await kubeHttp(kubeconfig).call('GET', '/readyz')).status === 200;
        return / Ready /.test((await kubectl(['get', 'nodes', '--no-headers'])).stdout);
      },
      60_000,
      100,
    );
  } catch (e) {
    await p.kill();
    throw e;
  }
  return p;
}
