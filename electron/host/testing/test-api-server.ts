// Test helper: a real Skiff API server (HTTPS, client-cert auth, SQLite store in a temp dir)
// and a kubeconfig for it, for the kube proxy and cluster-manager tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreatePki } from '../../../engine/pki/load-or-create-pki';
import { openSqliteStore } from '../../../engine/store/sqlite-store';
import { startLifecycleControllers } from '../../../engine/controllers/testing/lifecycle-controllers';
import { startApiServer, type ApiServer } from '../../../engine/apiserver/server';
import { buildKubeconfigEntries, kubeconfigYaml } from '../../../engine/cluster/kubeconfig';
import { ADMIN_GROUPS, ADMIN_USER } from '../../../engine/pki/types';

export interface TestApiServer {
  dir: string;
  server: ApiServer;
  kubeconfigPath: string;
  kubeconfigYaml: string;
  close(): Promise<void>;
}

export async function startTestApiServer(name = 'fixture'): Promise<TestApiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-host-api-'));
  const pki = await loadOrCreatePki(join(dir, 'pki'));
  const store = openSqliteStore({ path: join(dir, 'state.db') });
  const server = await startApiServer({
    store,
    port: 0,
    tls: { cert: pki.serverCert, key: pki.serverKey, clientCA: pki.caCert },
    tokens: { [pki.adminToken]: { user: ADMIN_USER, groups: ADMIN_GROUPS } },
  });
  const lifecycle = await startLifecycleControllers(server.core);
  const yaml = kubeconfigYaml(buildKubeconfigEntries(name, server.url, pki));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, yaml, { mode: 0o600 });
  return {
    dir,
    server,
    kubeconfigPath,
    kubeconfigYaml: yaml,
    async close() {
      lifecycle.stop();
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
