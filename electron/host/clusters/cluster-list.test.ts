// GET /api/clusters answers from what the manager knows, never waiting on a cluster's /readyz:
// a reload paints at once, and the refresh behind it publishes what changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeClusterConfig } from '../../../engine/cluster/cluster-config';
import { clusterPaths } from '../../../engine/cluster/paths';
import { loadOrCreatePki } from '../../../engine/pki/load-or-create-pki';
import { createEventHub } from '../http/event-hub';
import type { HostEvent, LocalCluster } from '../protocol';
import { createClusterManager } from './cluster-manager';

void test(
  'list answers at once while /readyz hangs; concurrent calls share one refresh; a later call sees the change',
  { timeout: 30_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-list-'));
    const dataDir = join(dir, 'data');
    const paths = clusterPaths(dataDir, 'slow');
    mkdirSync(paths.dir, { recursive: true });
    await loadOrCreatePki(paths.pki);
    // An "API server" that takes connections and never answers: each readiness check hangs on it.
    const held: Socket[] = [];
    const server = createServer((s) => void held.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    writeClusterConfig(paths.config, { name: 'slow', port, datastore: 'sqlite', created: new Date().toISOString() });

    const events: HostEvent[] = [];
    const hub = createEventHub();
    hub.subscribe((e) => events.push(e));
    const env = { ...process.env, HOME: dir, SKIFF_HOME: dataDir, KUBECONFIG: undefined };
    const m = createClusterManager({ dataDir, hub, env, pollMs: 0, livenessMs: 0, readyCheckMs: 60_000 });
    const stateOf = (list: LocalCluster[]) => list.find((c) => c.name === 'slow')?.state;
    // Looks like a cluster process to the pid checks: `skiff ... --foreground` in its command line.
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'skiff', '--foreground'], { stdio: 'ignore' });
    try {
      // The first call has nothing to answer from, so it reads the disk: no process yet.
      assert.equal(stateOf(await m.list()), 'stopped');

      // The process starts outside the app (as `skiff start` in a terminal); its /readyz hangs.
      writeFileSync(paths.pid, `${child.pid}\n`);
      const [a, b] = await Promise.all([m.list(), m.list()]);
      assert.equal(stateOf(a), 'stopped', 'answered from the known state');
      assert.equal(stateOf(b), 'stopped');
      const refreshed = m.refresh();
      while (held.length === 0) await new Promise((r) => setTimeout(r, 20)); // the readiness check connects
      assert.equal(stateOf(await m.list()), 'stopped', 'still answered while the readiness check hangs');
      assert.equal(held.length, 1, 'the calls shared one refresh (one readiness check)');

      // The check ends (no answer: running but not ready); the change is published and seen next.
      held[0].destroy();
      assert.equal(stateOf(await refreshed), 'starting');
      assert.equal(stateOf(await m.list()), 'starting');
      assert.ok(events.some((e) => e.type === 'cluster' && e.cluster.name === 'slow' && e.cluster.state === 'starting'));
    } finally {
      m.close();
      child.kill('SIGKILL');
      for (const s of held) s.destroy();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
