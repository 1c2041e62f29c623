import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeClusterConfig } from './cluster-config';
import { SkiffError } from './errors';
import { buildKubeconfigEntries } from './kubeconfig';
import { mergeIntoUserKubeconfig } from './kubeconfig-merge';
import { createClusterLifecycle, type ClusterLifecycleDeps } from './lifecycle';
import { isAlive } from './pid-file';

const CREDS = { caCert: 'ca', adminCert: 'cert', adminKey: 'key' };

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-lifecycle-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function lifecycleIn(dir: string, extra: Partial<ClusterLifecycleDeps> = {}) {
  const dockerCalls: string[] = [];
  const lifecycle = createClusterLifecycle({
    dataDir: join(dir, 'data'),
    env: { HOME: join(dir, 'home'), KUBECONFIG: join(dir, 'user-kubeconfig') },
    removeDockerResources: (_dir, name) => (dockerCalls.push(name), Promise.resolve(undefined)),
    stopTimeouts: { termMs: 5000, killMs: 2000 },
    ...extra,
  });
  return { lifecycle, dockerCalls };
}

/** A stopped cluster on disk whose entries were merged into `recorded`. */
function makeCluster(dataDir: string, name: string, recorded: string[]): void {
  mkdirSync(join(dataDir, name), { recursive: true });
  writeClusterConfig(join(dataDir, name, 'cluster.json'), {
    name,
    port: 1,
    datastore: 'sqlite',
    created: new Date(0).toISOString(),
    kubeconfigs: recorded,
  });
  for (const f of recorded)
    mergeIntoUserKubeconfig(f, buildKubeconfigEntries(name, 'https://127.0.0.1:1', CREDS), { switchContext: false });
}

test('delete with kubeconfig { update: false } leaves a kubeconfig cluster.json does not list byte-identical', async (t) => {
  const dir = scratch(t);
  const { lifecycle, dockerCalls } = lifecycleIn(dir);
  const recorded = join(dir, 'recorded-kubeconfig');
  makeCluster(lifecycle.dataDir, 'alpha', [recorded]);
  // kubectl's default file ($KUBECONFIG) also holds skiff-alpha, written by someone else.
  const unrelated = join(dir, 'user-kubeconfig');
  mergeIntoUserKubeconfig(unrelated, buildKubeconfigEntries('alpha', 'https://elsewhere:6443', CREDS), { switchContext: true });
  const before = readFileSync(unrelated, 'utf8');

  const r = await lifecycle.delete('alpha', { kubeconfig: { update: false } });

  assert.equal(readFileSync(unrelated, 'utf8'), before);
  assert.deepEqual(
    r.kubeconfigs.map((k) => k.file),
    [recorded],
  );
  assert.doesNotMatch(readFileSync(recorded, 'utf8'), /skiff-alpha/);
  assert.equal(r.existed, true);
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(dockerCalls, ['alpha']);
  assert.equal(existsSync(join(lifecycle.dataDir, 'alpha')), false);
});

test('delete with kubeconfig { update: true } also cleans the default kubeconfig, even for a cluster that is gone', async (t) => {
  const dir = scratch(t);
  const { lifecycle, dockerCalls } = lifecycleIn(dir);
  const userFile = join(dir, 'user-kubeconfig');
  mergeIntoUserKubeconfig(userFile, buildKubeconfigEntries('beta', 'https://127.0.0.1:2', CREDS), { switchContext: true });

  const r = await lifecycle.delete('beta', { kubeconfig: { update: true } });

  assert.equal(r.existed, false);
  assert.deepEqual(
    r.kubeconfigs.map((k) => k.file),
    [userFile],
  );
  assert.ok(r.kubeconfigs[0].backup && existsSync(r.kubeconfigs[0].backup));
  assert.doesNotMatch(readFileSync(userFile, 'utf8'), /skiff-beta/);
  assert.deepEqual(dockerCalls, [], 'nothing else is touched for a cluster without a data dir');
});

test('delete reports what Docker could not remove as a warning, and the data dir still goes', async (t) => {
  const dir = scratch(t);
  const { lifecycle } = lifecycleIn(dir, { removeDockerResources: () => Promise.resolve('could not remove; do it by hand') });
  makeCluster(lifecycle.dataDir, 'gamma', []);
  const r = await lifecycle.delete('gamma', { kubeconfig: { update: false } });
  assert.deepEqual(r.warnings, ['could not remove; do it by hand']);
  assert.equal(existsSync(join(lifecycle.dataDir, 'gamma')), false);
});

test('stop of a cluster that is not running says so and removes a stale pid file', async (t) => {
  const dir = scratch(t);
  const { lifecycle } = lifecycleIn(dir);
  assert.deepEqual(await lifecycle.stop('never'), { stopped: false, reason: 'not running' });
  makeCluster(lifecycle.dataDir, 'stale', []);
  const pidFile = lifecycle.paths('stale').pid;
  writeFileSync(pidFile, '999999999\n');
  assert.deepEqual(await lifecycle.stop('stale'), { stopped: false, reason: 'not running' });
  assert.equal(existsSync(pidFile), false);
});

test('stop signals a running cluster process and waits until it has exited', async (t) => {
  const dir = scratch(t);
  const { lifecycle } = lifecycleIn(dir);
  makeCluster(lifecycle.dataDir, 'live', []);
  // Looks like a cluster process to the pid checks: `skiff ... --foreground` in its command line.
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'skiff', '--foreground'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  writeFileSync(lifecycle.paths('live').pid, `${child.pid}\n`);
  assert.equal(lifecycle.pid('live'), child.pid);

  const r = await lifecycle.stop('live');

  assert.deepEqual(r, { stopped: true, pid: child.pid });
  await exited;
  assert.equal(isAlive(child.pid!), false);
  assert.equal(existsSync(lifecycle.paths('live').pid), false);
});

test('stop of a process that ignores SIGTERM kills it, then stops its containers itself', async (t) => {
  const dir = scratch(t);
  const stopped: string[] = [];
  const { lifecycle } = lifecycleIn(dir, {
    stopTimeouts: { termMs: 300, killMs: 2000 },
    stopContainers: (_dir, name) => (stopped.push(name), Promise.resolve(2)),
  });
  makeCluster(lifecycle.dataDir, 'stuck', []);
  const script = "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)";
  const child = spawn(process.execPath, ['-e', script, 'skiff', '--foreground'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(() => child.kill('SIGKILL'));
  await new Promise((r) => child.stdout.once('data', r)); // its SIGTERM handler is in place
  writeFileSync(lifecycle.paths('stuck').pid, `${child.pid}\n`);

  const r = await lifecycle.stop('stuck');

  assert.deepEqual(r, { stopped: true, pid: child.pid });
  assert.deepEqual(stopped, ['stuck'], 'the containers a killed process left running are stopped');
});

test('a clean stop leaves the containers to the process', async (t) => {
  const dir = scratch(t);
  const stopped: string[] = [];
  const { lifecycle } = lifecycleIn(dir, { stopContainers: (_dir, name) => (stopped.push(name), Promise.resolve(0)) });
  makeCluster(lifecycle.dataDir, 'clean', []);
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'skiff', '--foreground'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  writeFileSync(lifecycle.paths('clean').pid, `${child.pid}\n`);
  await lifecycle.stop('clean');
  assert.deepEqual(stopped, []);
});

test('status of a missing cluster, a stopped one, a broken cluster.json and one without credentials', async (t) => {
  const dir = scratch(t);
  const { lifecycle } = lifecycleIn(dir);
  const missing = await lifecycle.status('nothere');
  assert.equal(missing.config, undefined);
  assert.equal(missing.pid, undefined);
  assert.equal(missing.ready, false);
  assert.equal(missing.configError, undefined);

  makeCluster(lifecycle.dataDir, 'idle', []);
  const idle = await lifecycle.status('idle');
  assert.equal(idle.config?.name, 'idle');
  assert.equal(idle.url, 'https://127.0.0.1:1');
  assert.equal(idle.pid, undefined);
  assert.equal(idle.ready, false);
  assert.deepEqual(lifecycle.list(), ['idle']);

  mkdirSync(join(lifecycle.dataDir, 'broken'));
  writeFileSync(join(lifecycle.dataDir, 'broken', 'cluster.json'), '{');
  const broken = await lifecycle.status('broken');
  assert.ok(broken.configError instanceof SkiffError);
  assert.match(broken.configError.message, /cannot read .*cluster\.json/);

  // Running (a live process holds the pid file) but its admin credentials are gone.
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'skiff', '--foreground'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  writeFileSync(lifecycle.paths('idle').pid, `${child.pid}\n`);
  const nocreds = await lifecycle.status('idle');
  assert.equal(nocreds.pid, child.pid);
  assert.equal(nocreds.ready, false);
  assert.equal(nocreds.reason, 'admin credentials missing');
});

test('start runs `skiff start --foreground` with explicit options and relays its progress and readiness', async (t) => {
  const dir = scratch(t);
  // A stand-in for bin/skiff.mjs: records its arguments, then speaks the child protocol.
  const bin = join(dir, 'fake-skiff.mjs');
  writeFileSync(
    bin,
    `import { writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(join(dir, 'argv.json'))}, JSON.stringify(process.argv.slice(2)));
writeFileSync(${JSON.stringify(join(dir, 'arenas'))}, String(process.env.MALLOC_ARENA_MAX));
process.send({ type: 'step', step: 'store', detail: 'sqlite' });
process.send({ type: 'ready', url: 'https://127.0.0.1:9', kubeconfig: { file: 'k', explicit: true, switched: true } }, () => process.exit(0));
`,
  );
  const { lifecycle } = lifecycleIn(dir, { skiffBin: bin, logLabel: 'test' });
  const steps: string[] = [];
  const ready = await new Promise<string>((resolve, reject) => {
    lifecycle.start(
      'app',
      { nodes: 2, nodeRuntime: 'simulated', kubeconfig: { update: false } },
      { step: (s, d) => steps.push(`${s} ${d}`), ready: (url) => resolve(url), failed: (m) => reject(new Error(m)) },
    );
  });
  assert.equal(ready, 'https://127.0.0.1:9');
  assert.deepEqual(steps, ['store sqlite']);
  const paths = lifecycle.paths('app');
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'argv.json'), 'utf8')), [
    'start',
    '--foreground',
    '--name',
    'app',
    '--data-dir',
    lifecycle.dataDir,
    '--kubeconfig',
    paths.kubeconfig,
    '--no-switch-context',
    '--nodes',
    '2',
    '--node-runtime',
    'simulated',
  ]);
  assert.match(readFileSync(paths.log, 'utf8'), /--- test start /);
  assert.equal(readFileSync(join(dir, 'arenas'), 'utf8'), '2', 'the cluster process runs with two malloc arenas');
});

test('start of a process that exits before it is ready fails with how it ended', async (t) => {
  const dir = scratch(t);
  const bin = join(dir, 'exits.mjs');
  writeFileSync(bin, 'process.exit(3);\n');
  const { lifecycle } = lifecycleIn(dir, { skiffBin: bin });
  const [message, exited] = await new Promise<[string, boolean | undefined]>((resolve) => {
    lifecycle.start(
      'early',
      { kubeconfig: { update: true } },
      { step() {}, ready: () => resolve(['ready?', undefined]), failed: (m, e) => resolve([m, e]) },
    );
  });
  assert.equal(message, 'the cluster process exited (code 3) before it was ready');
  assert.equal(exited, true);
});
