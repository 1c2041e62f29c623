// An API server over a SQLite store in a temp dir, restartable on the same port with the
// same store: for tests that drop connections, compact history or restart the server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreatePki, type StoredPki } from '../../engine/pki/load-or-create-pki';
import { openStore } from '../../engine/store/open-store';
import type { Store } from '../../engine/store/types';
import { startLifecycleControllers } from '../../engine/controllers/testing/lifecycle-controllers';
import { startApiServer, type ApiServer } from '../../engine/apiserver/server';
import type { Auditor } from '../../engine/apiserver/audit/auditor';
import { buildKubeconfigEntries, kubeconfigYaml } from '../../engine/cluster/kubeconfig';

export interface ApiFixture {
  dir: string;
  store: Store;
  pki: StoredPki;
  server: ApiServer;
  kubeconfigYaml: string;
  /** Closes the server (dropping every connection) and starts a new one on the same port. */
  restartServer(between?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface ApiFixtureOptions {
  log?: (line: string) => void;
  maxRequestsInflight?: number;
  tlsHandshakeTimeoutMs?: number;
  auditor?: Auditor;
}

export async function startApiFixture(opts: ApiFixtureOptions = {}): Promise<ApiFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-api-'));
  const pki = await loadOrCreatePki(join(dir, 'pki'));
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'state.db') });
  let lifecycle: Awaited<ReturnType<typeof startLifecycleControllers>> | undefined;
  const start = async (port: number) => {
    const server = await startApiServer({
      store,
      port,
      tls: { cert: pki.serverCert, key: pki.serverKey, clientCA: pki.caCert },
      tokens: { [pki.adminToken]: { user: 'skiff-admin', groups: ['system:masters'] } },
      log: opts.log,
      maxRequestsInflight: opts.maxRequestsInflight,
      tlsHandshakeTimeoutMs: opts.tlsHandshakeTimeoutMs,
      ...(opts.auditor ? { auditor: opts.auditor } : {}),
    });
    lifecycle = await startLifecycleControllers(server.core);
    return server;
  };
  const stop = async () => {
    lifecycle?.stop();
    await fixture.server.close();
  };
  const fixture: ApiFixture = {
    dir,
    store,
    pki,
    server: await start(0),
    kubeconfigYaml: '',
    async restartServer(between) {
      const port = fixture.server.port;
      await stop();
      await between?.();
      fixture.server = await start(port);
    },
    async close() {
      await stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  fixture.kubeconfigYaml = kubeconfigYaml(buildKubeconfigEntries('fixture', fixture.server.url, pki));
  return fixture;
}
