// Runs a located helm binary against a test cluster with a HOME of its own, so the user's
// helm config and cache never leak in: shared by the Helm 3 and Helm 4 tests.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { run, type RunResult } from '../integration/harness';

export function helmRunner(helm: string, cluster: { dir: string; kubeconfig: string }) {
  const helmRun = (args: string[]): Promise<RunResult> => {
    const home = join(cluster.dir, 'helm-home');
    mkdirSync(home, { recursive: true });
    return run(helm, args, {
      timeoutMs: 90_000,
      env: {
        KUBECONFIG: cluster.kubeconfig,
        HOME: home,
        HELM_CACHE_HOME: join(home, 'cache'),
        HELM_CONFIG_HOME: join(home, 'config'),
        HELM_DATA_HOME: join(home, 'data'),
      },
    });
  };
  const helmOk = async (args: string[]): Promise<string> => {
    const r = await helmRun(args);
    assert.equal(r.code, 0, `helm ${args.join(' ')}:\n${r.stderr}\n${r.stdout}`);
    return r.stdout;
  };
  return { helmRun, helmOk };
}
