// An API server (no Docker) with RBAC on, the ClusterRole aggregation controller running, and
// kubectl against it as the admin or with a ServiceAccount token minted by the TokenRequest API.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApiFixture, type ApiFixture } from '../integration/api-fixture';
import { kubectlPath, run, type RunResult } from '../integration/harness';
import { startControllerManager } from '../../engine/controllers/manager';
import { createInProcessClient } from '../../engine/apiserver/in-process-client';

export interface RbacFixture {
  f: ApiFixture;
  /** kubectl as the admin (system:masters). */
  admin(args: string[], input?: string): Promise<RunResult>;
  /** kubectl with only a bearer token (no client certificate to fall back on). */
  withToken(token: string, args: string[]): Promise<RunResult>;
  /** A fresh token of namespace/name via TokenRequest (kubectl create token). */
  tokenOf(namespace: string, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startRbacFixture(): Promise<RbacFixture> {
  const f = await startApiFixture();
  const manager = await startControllerManager({ client: createInProcessClient(f.server.core), only: ['clusterrole-aggregation'] });
  const adminConfig = join(f.dir, 'admin.kubeconfig');
  writeFileSync(adminConfig, f.kubeconfigYaml, { mode: 0o600 });
  const env = (kubeconfig: string) => ({ KUBECONFIG: kubeconfig, HOME: f.dir, KUBECACHEDIR: join(f.dir, 'cache') });
  let tokens = 0;
  const admin = (args: string[], input?: string) => run(kubectlPath(), args, { env: env(adminConfig), input });
  return {
    f,
    admin,
    async withToken(token, args) {
      const file = join(f.dir, `token-${++tokens}.kubeconfig`);
      writeFileSync(
        file,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [
            { name: 'c', cluster: { server: f.server.url, 'certificate-authority-data': Buffer.from(f.pki.caCert).toString('base64') } },
          ],
          users: [{ name: 'u', user: { token } }],
          contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
          'current-context': 'x',
        }),
        { mode: 0o600 },
      );
      return run(kubectlPath(), args, { env: env(file) });
    },
    async tokenOf(namespace, name) {
      const r = await admin(['create', 'token', name, '-n', namespace]);
      if (r.code !== 0) throw new Error(r.stderr);
      return r.stdout.trim();
    },
    async close() {
      manager.stop();
      await f.close();
    },
  };
}
