import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runningPid } from '../../../engine/cluster/pid-file';
import { createClusterManager } from './cluster-manager';
import { createCrashRestarts, restartSettingIn } from './crash-restarts';
import { createEventHub } from '../http/event-hub';
import type { HostEvent, LocalCluster } from '../protocol';

let dir: string;
let dataDir: string;
const NAME = 'phoenix';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-crashrestart-'));
  dataDir = join(dir, 'data');
  mkdirSync(join(dir, 'home'));
});
after(() => {
  const pid = runningPid(join(dataDir, NAME, 'skiff.pid'));
  if (pid) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

void test('crash restarts: off unless set; at most 3 per 10 minutes per cluster, then the notice says why', () => {
  let on = false;
  let t = 0;
  const r = createCrashRestarts({ enabled: () => on, now: () => t });
  assert.equal(r.allow('a'), false, 'the setting is off by default');
  on = true;
  assert.deepEqual([r.allow('a'), r.allow('a'), r.allow('a'), r.allow('a')], [true, true, true, false]);
  assert.match(r.refused('a') ?? '', /restarted automatically 3 times in 10 minutes; not again until you start it/);
  assert.equal(r.allow('b'), true, 'counted per cluster');
  t = 10 * 60_000 + 1;
  assert.equal(r.allow('a'), true, 'the window moves on');

  const setting = restartSettingIn(dir);
  assert.equal(setting(), false, 'no settings file: off');
  writeFileSync(join(dir, 'app-settings.json'), '{"restartCrashedClusters": true}');
  assert.equal(setting(), true);
  writeFileSync(join(dir, 'app-settings.json'), '{damaged');
  assert.equal(setting(), false, 'a damaged file: off');
});

void test('with the setting on, a cluster whose process is killed is started again by the app', { timeout: 120_000 }, async () => {
  const events: HostEvent[] = [];
  const hub = createEventHub();
  hub.subscribe((e) => events.push(e));
  const env = { ...process.env, HOME: join(dir, 'home'), SKIFF_HOME: dataDir, KUBECONFIG: undefined };
  const logs: string[] = [];
  const m = createClusterManager({ dataDir, hub, env, pollMs: 0, restartCrashed: () => true, log: (l) => logs.push(l) });
  const states = () => events.flatMap((e) => (e.type === 'cluster' && e.cluster.name === NAME ? [e.cluster] : []));
  const until = async (what: string, check: () => LocalCluster | undefined, ms = 60_000) => {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
      const v = check();
      if (v) return v;
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  try {
    await m.start({ name: NAME, runtime: 'simulated' });
    await until('running', () => states().find((c) => c.state === 'running'));
    const pid = runningPid(join(dataDir, NAME, 'skiff.pid'))!;
    events.length = 0;
    process.kill(pid, 'SIGKILL');
    await until('started again', () => states().find((c) => c.state === 'starting'), 10_000);
    const back = await until('running again', () => states().find((c) => c.state === 'running' || c.state === 'failed'));
    assert.equal(back.state, 'running', back.error);
    assert.ok(!states().some((c) => c.state === 'failed'), 'no crash notice in between');
    const again = runningPid(join(dataDir, NAME, 'skiff.pid'));
    assert.ok(again && again !== pid, 'a new cluster process');
    assert.ok(logs.some((l) => l.includes(`restarting cluster "${NAME}" (restartCrashedClusters)`)));
  } finally {
    const pid = runningPid(join(dataDir, NAME, 'skiff.pid'));
    if (pid) process.kill(pid, 'SIGKILL');
    m.close();
  }
});
