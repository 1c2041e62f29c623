// For tests of controllers, the scheduler and kubelets: a real API core (SQLite store in a temp
// dir, real admission, validation and watches) without the HTTPS server, and its in-process client.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../store/sqlite-store';
import { createApiCore, type ApiCore } from '../api-core';
import { bootstrapCluster } from '../bootstrap';
import { startLifecycleControllers } from '../../controllers/testing/lifecycle-controllers';
import { createInProcessClient } from '../in-process-client';
import type { KubeClient } from '../../client/types';

export interface TestCluster {
  core: ApiCore;
  client: KubeClient;
  close(): Promise<void>;
}

export async function startTestCore(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-core-'));
  const store = openSqliteStore({ path: join(dir, 'state.db') });
  const core = createApiCore({ store, serviceCIDR: '10.96.0.0/12' });
  await bootstrapCluster(core, { apiServerPort: 6443 });
  const lifecycle = await startLifecycleControllers(core);
  return {
    core,
    client: createInProcessClient(core),
    async close() {
      lifecycle.stop();
      core.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a truthy value. */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
