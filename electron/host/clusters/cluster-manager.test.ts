import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, runningPid } from '../../../engine/cluster/pid-file';
import { createClusterManager, type ClusterManager } from './cluster-manager';
import { createEventHub } from '../http/event-hub';
import { HostHttpError } from '../http/http-util';
import { createLocalProfiles } from '../profiles/local-profiles';
import type { HostEvent, LocalCluster } from '../protocol';

let dir: string;
let dataDir: string;
let home: string;
let env: Record<string, string | undefined>;
const NAME = 'mgr';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-mgr-'));
  dataDir = join(dir, 'data');
  home = join(dir, 'home');
  mkdirSync(home);
  // A HOME of its own, so the test would see any write to ~/.kube/config.
  env = { ...process.env, HOME: home, SKIFF_HOME: dataDir, KUBECONFIG: undefined };
});

after(async () => {
  // Never leave a cluster process behind, whatever failed.
  const pid = runningPid(join(dataDir, NAME, 'skiff.pid'));
  if (pid) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function manager(events: HostEvent[], livenessMs?: number): ClusterManager {
  const hub = createEventHub();
  hub.subscribe((e) => events.push(e));
  const m = createClusterManager({ dataDir, hub, env, pollMs: 0, livenessMs });
  createLocalProfiles({ dataDir, clusters: m, hub });
  return m;
}

async function until<T>(what: string, check: () => T | undefined, ms = 45_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('bad start requests are 400s that say what to send', async () => {
  const m = manager([]);
  const cases: Array<[unknown, RegExp]> = [
    [{ name: 'Bad Name' }, /invalid cluster name/],
    [{ nodes: 0 }, /"nodes" must be a whole number from 1 to 50/],
    [{ nodes: 51 }, /from 1 to 50/],
    [{ nodes: 1.5 }, /whole number/],
    [{ runtime: 'vm' }, /"runtime" must be "docker" or "simulated"/],
    [{ nodez: 2 }, /unknown field "nodez"/],
    [[1], /JSON object/],
  ];
  for (const [body, re] of cases) {
    await assert.rejects(
      m.start(body),
      (err: unknown) => err instanceof HostHttpError && err.status === 400 && re.test(err.message),
      JSON.stringify(body),
    );
  }
  await assert.rejects(m.stop('nothere'), (err: unknown) => err instanceof HostHttpError && err.status === 404);
  m.close();
});

test('start (2 simulated nodes) -> progress in order -> running; a second manager sees it; stop; delete', { timeout: 60_000 }, async () => {
  const events: HostEvent[] = [];
  const m = manager(events);
  const clusterEvents = () =>
    events.filter((e): e is Extract<HostEvent, { type: 'cluster' }> => e.type === 'cluster').map((e) => e.cluster);

  const started = await m.start({ name: NAME, nodes: 2, runtime: 'simulated' });
  assert.equal(started.state, 'starting');
  assert.equal(started.profile, `skiff-${NAME}`);
  assert.deepEqual(
    started.steps.map((s) => s.id),
    ['certificates', 'store', 'apiserver', 'controllers', 'kubeconfig', `node:${NAME}-node-1`, `node:${NAME}-node-2`],
  );
  await assert.rejects(
    m.start({ name: NAME }),
    (err: unknown) => err instanceof HostHttpError && err.status === 409,
    'a starting cluster cannot start again',
  );

  const running = await until('running', () => clusterEvents().find((c) => c.state === 'running' || c.state === 'failed'));
  assert.equal(running.state, 'running', running.error);
  assert.equal(running.progress, 1);
  assert.equal(running.runtime, 'simulated');
  assert.equal(running.nodes, 2);
  assert.match(running.url ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(
    running.steps.every((s) => s.state === 'done'),
    JSON.stringify(running.steps),
  );
  assert.deepEqual(
    running.steps.slice(5).map((s) => s.label),
    [`Node ${NAME}-node-1 ready`, `Node ${NAME}-node-2 ready`],
  );

  // Every row turned done in order, and progress never went back.
  const seq = clusterEvents();
  const doneAt = (id: string) => seq.findIndex((c) => c.steps.find((s) => s.id === id)?.state === 'done');
  const order = ['certificates', 'store', 'apiserver', 'controllers', 'kubeconfig'].map(doneAt);
  assert.ok(
    order.every((v, i) => v >= 0 && (i === 0 || v >= order[i - 1])),
    `rows done at events ${order}`,
  );
  assert.ok(
    seq.every((c, i) => i === 0 || c.progress >= seq[i - 1].progress),
    'progress only grows',
  );
  assert.ok(
    seq.some((c) => c.state === 'starting' && c.progress > 0 && c.progress < 1),
    'intermediate progress was reported',
  );
  // The API answered before the nodes were Ready, and said so while starting.
  const apiAt = seq.findIndex((c) => c.apiReady);
  assert.ok(apiAt >= 0 && seq[apiAt].state === 'starting', 'apiReady was published while starting');
  assert.ok(
    seq.slice(0, apiAt).every((c) => !c.url),
    'no URL was published before the API server answered',
  );
  assert.ok(
    seq[apiAt].steps.some((s) => s.id.startsWith('node:') && s.state !== 'done'),
    'apiReady came before every node was Ready',
  );
  assert.equal(running.apiReady, undefined, 'a running cluster does not carry the start-time flag');

  const profiles = events.filter((e): e is Extract<HostEvent, { type: 'profiles' }> => e.type === 'profiles').at(-1)!.profiles;
  assert.deepEqual(
    profiles.find((p) => p.name === `skiff-${NAME}`),
    { name: `skiff-${NAME}`, source: 'local', cluster: NAME, server: running.url, status: 'ready', simulated: true },
  );

  // The app never touched the user's kubeconfig.
  assert.equal(existsSync(join(home, '.kube')), false);
  assert.ok(existsSync(m.kubeconfigPath(NAME)));

  // A fresh manager (the app restarted, or the CLI started it) finds it running, runtime from the nodes.
  const other = manager([]);
  const seen: LocalCluster | undefined = (await other.list()).find((c) => c.name === NAME);
  assert.equal(seen?.state, 'running');
  assert.equal(seen?.runtime, 'simulated');
  assert.equal(seen?.nodes, 2);
  other.close();

  // Restart: stopping, then a fresh start that ends running again.
  const before = clusterEvents().length;
  assert.equal((await m.restart(NAME)).state, 'stopping');
  await m.idle(NAME);
  const again = clusterEvents().slice(before);
  assert.deepEqual([...new Set(again.map((c) => c.state))], ['stopping', 'starting', 'running']);
  assert.equal(again.at(-1)!.nodes, 2);

  const stopped = await m.stop(NAME);
  assert.equal(stopped.state, 'stopped');
  assert.equal(runningPid(join(dataDir, NAME, 'skiff.pid')), undefined);
  assert.ok(clusterEvents().some((c) => c.state === 'stopping'));
  assert.equal((await m.list()).find((c) => c.name === NAME)?.state, 'stopped');

  await m.delete(NAME);
  assert.equal(existsSync(join(dataDir, NAME)), false, 'data dir gone');
  assert.ok(events.some((e) => e.type === 'cluster-deleted' && e.name === NAME));
  assert.equal(m.get(NAME), undefined);
  assert.equal(existsSync(join(home, '.kube')), false);
  m.close();
});

test('a failed start says why and where the log is', { timeout: 30_000 }, async () => {
  const events: HostEvent[] = [];
  const m = manager(events);
  // Docker is unreachable here (DOCKER_HOST points nowhere), and docker was asked for explicitly.
  const saved = env.DOCKER_HOST;
  env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
  try {
    await m.start({ name: 'nodocker', runtime: 'docker' });
    await m.idle('nodocker');
  } finally {
    env.DOCKER_HOST = saved;
  }
  const c = m.get('nodocker')!;
  assert.equal(c.state, 'failed');
  assert.match(c.error ?? '', /Docker is not reachable/);
  assert.ok(c.error?.includes(join(dataDir, 'nodocker', 'skiff.log')), c.error);
  assert.ok(c.steps.some((s) => s.state === 'failed'));
  await m.delete('nodocker');
  assert.equal(existsSync(join(dataDir, 'nodocker')), false);
  m.close();
});

test('stop during a start ends stopped, not failed, with no process left', { timeout: 30_000 }, async () => {
  const m = manager([]);
  await m.start({ name: 'early', runtime: 'simulated' });
  const stopped = await m.stop('early');
  assert.equal(stopped.state, 'stopped');
  assert.equal(stopped.error, undefined);
  assert.equal(runningPid(join(dataDir, 'early', 'skiff.pid')), undefined);
  await m.delete('early');
  assert.equal(existsSync(join(dataDir, 'early')), false);
  m.close();
});

void test('a cluster lists the kubeconfig files outside its dir that hold its context (what its Delete removes), never its own', async () => {
  const { writeClusterConfig } = await import('../../../engine/cluster/cluster-config');
  const { clusterPaths } = await import('../../../engine/cluster/paths');
  const paths = clusterPaths(dataDir, 'cli-made');
  mkdirSync(paths.dir, { recursive: true });
  const userFile = join(home, '.kube', 'config');
  writeClusterConfig(paths.config, {
    name: 'cli-made',
    port: 1,
    datastore: 'sqlite',
    created: new Date().toISOString(),
    kubeconfigs: [userFile, paths.kubeconfig],
  });
  const m = manager([]);
  try {
    const c = (await m.list()).find((x) => x.name === 'cli-made');
    assert.equal(c?.state, 'stopped');
    assert.deepEqual(c?.kubeconfigs, [userFile]);
  } finally {
    m.close();
    rmSync(paths.dir, { recursive: true, force: true });
  }
});

test(
  'kill -9 of a running cluster shows at once as stopped unexpectedly; Start brings it back; a clean stop is no crash',
  { timeout: 60_000 },
  async () => {
    const events: HostEvent[] = [];
    const m = manager(events);
    const name = 'crashy';
    const states = () => events.flatMap((e) => (e.type === 'cluster' && e.cluster.name === name ? [e.cluster] : []));
    try {
      await m.start({ name, runtime: 'simulated' });
      await until('running', () => states().find((c) => c.state === 'running'));
      const pid = runningPid(join(dataDir, name, 'skiff.pid'));
      assert.ok(pid, 'the cluster process runs');
      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      const crashed = await until('crash seen', () => states().find((c) => c.state === 'failed'), 10_000);
      console.log(`# kill -9 seen by the app after ${Date.now() - killedAt} ms (floor 2,000 ms)`);
      assert.equal(crashed.crashed, true);
      assert.match(crashed.error ?? '', /pid \d+\) exited unexpectedly: it was killed or crashed.*Start brings the cluster back/);
      // A poll of the data dir keeps the crash (the pid file is stale, not removed).
      assert.equal((await m.list()).find((c) => c.name === name)?.state, 'failed');

      events.length = 0;
      await m.startExisting(name);
      const again = await until('running again', () => states().find((c) => c.state === 'running' || c.state === 'failed'));
      assert.equal(again.state, 'running', again.error);
      assert.equal(again.crashed, undefined);

      // `skiff stop` from outside the app: a clean stop removes the pid file, so it is no crash.
      events.length = 0;
      const { createClusterLifecycle } = await import('../../../engine/cluster/lifecycle');
      await createClusterLifecycle({ dataDir, env }).stop(name);
      await new Promise((r) => setTimeout(r, 2500));
      assert.ok(!states().some((c) => c.crashed), 'a clean stop is not reported as a crash');
    } finally {
      const pid = runningPid(join(dataDir, name, 'skiff.pid'));
      if (pid) process.kill(pid, 'SIGKILL');
      m.close();
    }
  },
);

// The crash tests below: a cluster seen running, and whatever one left behind killed.
const untilRunning = (events: HostEvent[], name: string) =>
  until('running', () => events.find((e) => e.type === 'cluster' && e.cluster.name === name && e.cluster.state === 'running'));
function killLeftover(name: string) {
  const pid = runningPid(join(dataDir, name, 'skiff.pid'));
  if (pid) process.kill(pid, 'SIGKILL');
}

test('a status poll that comes before the liveness check still tells a kill -9 as a crash, not a stop', { timeout: 60_000 }, async () => {
  const events: HostEvent[] = [];
  const m = manager(events, 0); // no liveness timer: only the poll can notice
  const name = 'polled';
  try {
    await m.start({ name, runtime: 'simulated' });
    await untilRunning(events, name);
    const pid = runningPid(join(dataDir, name, 'skiff.pid'));
    assert.ok(pid, 'the cluster process runs');
    process.kill(pid, 'SIGKILL');
    await until('gone', () => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch {
        return true;
      }
    });
    const seen = (await m.refresh()).find((c) => c.name === name);
    assert.equal(seen?.state, 'failed');
    assert.equal(seen?.crashed, true);
  } finally {
    killLeftover(name);
    m.close();
  }
});

test('a kill -9 that lands while a status read is under way is a crash, not a stop', { timeout: 60_000 }, async () => {
  const events: HostEvent[] = [];
  const name = 'mid-read';
  let killDuringRead = false;
  const hub = createEventHub();
  hub.subscribe((e) => events.push(e));
  // The status read starts with the process alive (the liveness check before it passed) and
  // finds it gone: the race a full run under load hit once.
  const m = createClusterManager({
    dataDir,
    hub,
    env,
    pollMs: 0,
    livenessMs: 0,
    wrapLifecycle: (l) => ({
      ...l,
      async status(n, o) {
        if (killDuringRead && n === name) {
          killDuringRead = false;
          const pid = runningPid(join(dataDir, name, 'skiff.pid'))!;
          process.kill(pid, 'SIGKILL');
          await until('gone', () => (isAlive(pid) ? undefined : true));
        }
        return l.status(n, o);
      },
    }),
  });
  try {
    await m.start({ name, runtime: 'simulated' });
    await untilRunning(events, name);
    killDuringRead = true;
    const seen = (await m.refresh()).find((c) => c.name === name);
    assert.equal(killDuringRead, false, 'the kill landed inside the status read');
    assert.equal(seen?.state, 'failed', 'not "stopped"');
    assert.equal(seen?.crashed, true);
  } finally {
    killLeftover(name);
    m.close();
  }
});

test(
  'a kill -9 of a running cluster whose pid the host never learned is a crash too (its pid file is left behind)',
  { timeout: 60_000 },
  async () => {
    const events: HostEvent[] = [];
    const name = 'no-pid';
    const hub = createEventHub();
    hub.subscribe((e) => events.push(e));
    // The start's own pid read comes back empty (as when it lands before the pid file is written).
    const m = createClusterManager({ dataDir, hub, env, pollMs: 0, livenessMs: 0, wrapLifecycle: (l) => ({ ...l, pid: () => undefined }) });
    try {
      await m.start({ name, runtime: 'simulated' });
      await untilRunning(events, name);
      const pid = runningPid(join(dataDir, name, 'skiff.pid'))!;
      process.kill(pid, 'SIGKILL');
      await until('gone', () => (isAlive(pid) ? undefined : true));
      const seen = (await m.refresh()).find((c) => c.name === name);
      assert.equal(seen?.state, 'failed', 'not "stopped"');
      assert.equal(seen?.crashed, true);
    } finally {
      killLeftover(name);
      m.close();
    }
  },
);
