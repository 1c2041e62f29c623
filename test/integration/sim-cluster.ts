// A whole cluster with simulated nodes (API server, scheduler, controllers, kubelets) in a
// temp data dir, driven by real kubectl: the harness for issue 3's acceptance tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../../engine/cluster/control-plane';
import type { KubeClient } from '../../engine/client/types';
import { kubectlPath, run, spawnCollect, type RunResult } from './harness';

export interface SimCluster {
  cp: ControlPlane;
  dir: string;
  kubeconfig: string;
  client: KubeClient;
  kubectl(
    args: string[],
    opts?: { version?: string; input?: string; env?: Record<string, string>; timeoutMs?: number },
  ): Promise<RunResult>;
  /** kubectl that must succeed; returns stdout. */
  ok(args: string[], input?: string): Promise<string>;
  /** Long-running kubectl (e.g. -w); collects output. */
  watch(args: string[]): ReturnType<typeof spawnCollect>;
  /** Runs the skiff CLI against this cluster's data dir. */
  skiff(args: string[]): Promise<RunResult>;
  stop(): Promise<void>;
}

export async function startSimCluster(opts: { nodes?: number; name?: string } = {}): Promise<SimCluster> {
  const name = opts.name ?? 'sim';
  const dir = mkdtempSync(join(tmpdir(), 'skiff-sim-'));
  const cp = await startControlPlane({ name, dataDir: dir, datastore: 'sqlite', nodes: opts.nodes ?? 3, nodeRuntime: 'simulated' });
  const env = { KUBECONFIG: cp.kubeconfigPath, HOME: join(dir, 'home') };
  const kubectl: SimCluster['kubectl'] = (args, o = {}) =>
    run(kubectlPath(o.version), args, { input: o.input, timeoutMs: o.timeoutMs, env: { ...env, ...(o.env ?? {}) } });
  return {
    cp,
    dir,
    kubeconfig: cp.kubeconfigPath,
    client: cp.client!,
    kubectl,
    async ok(args, input) {
      const r = await kubectl(args, { input });
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
      return r.stdout;
    },
    watch: (args) => spawnCollect(kubectlPath(), args, env),
    skiff: (args) =>
      run(process.execPath, [join(process.cwd(), 'bin/skiff.mjs'), ...args, '--name', name, '--data-dir', dir], {
        env: { ...env, SKIFF_HOME: dir },
      }),
    async stop() {
      await cp.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
