// The `skiff` command end to end: real processes, a temp HOME and SKIFF_HOME, and the real
// kubectl talking to the cluster it starts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isAlive } from '../../engine/cluster/pid-file';
import { openStore } from '../../engine/store/open-store';
import { findEtcdBinary, startEtcdTestServer } from '../../engine/store/testing/etcd-test-server';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/skiff.mjs');
const KUBECTL = '/usr/bin/kubectl';

const USER_KUBECONFIG = `# my clusters
apiVersion: v1
clusters:
- cluster:
    server: https://prod.example:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: prod-admin
  name: prod
current-context: prod
kind: Config
preferences: {}
users:
- name: prod-admin
  user:
    token: not-a-real-token
`;

const tmp = mkdtempSync(join(tmpdir(), 'skiff-cli-'));
const home = join(tmp, 'home');
const skiffHome = join(tmp, 'skiff');
const userConfig = join(home, '.kube', 'config');
const env: Record<string, string> = { ...(process.env as Record<string, string>), HOME: home, SKIFF_HOME: skiffHome };
delete env.KUBECONFIG;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function skiff(...args: string[]): Promise<Run> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - t0 }));
  });
}

function kubectl(args: string[], extraEnv: Record<string, string> = {}, input?: string): string {
  return execFileSync(KUBECTL, args, { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 20_000, input });
}

function assertOneLineError(r: Run, pattern: RegExp) {
  assert.notEqual(r.code, 0);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one stderr line, got: ${r.stderr}`);
  assert.match(lines[0], /^skiff: [^;]+; .+/);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

const backups = () => readdirSync(join(home, '.kube')).filter((f) => f.includes('.skiff-backup-'));
const clusterPid = (name: string) => {
  try {
    return Number(readFileSync(join(skiffHome, name, 'skiff.pid'), 'utf8'));
  } catch {
    return undefined;
  }
};

before(() => {
  mkdirSync(join(home, '.kube'), { recursive: true });
  writeFileSync(userConfig, USER_KUBECONFIG, { mode: 0o600 });
});

after(() => {
  // Never leave a cluster process behind, whatever failed.
  for (const name of existsSync(skiffHome) ? readdirSync(skiffHome) : []) {
    const pid = clusterPid(name);
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe('skiff CLI', { concurrency: false }, () => {
  let port = 0;
  let cmRv = '';

  test('a bad flag or value is one line on stderr and a non-zero exit', async () => {
    assertOneLineError(await skiff('start', '--nmae', 't1'), /unknown flag --nmae/);
    assertOneLineError(await skiff('start', '--port', 'abc'), /invalid --port "abc"/);
    assertOneLineError(await skiff('start', '--datastore', 'mysql'), /invalid --datastore/);
    assertOneLineError(await skiff('launch'), /unknown command "launch"/);
  });

  test('start runs detached, reports its steps and merges the user kubeconfig after a backup', async () => {
    const r = await skiff('start', '--name', 't1', '--port', '0');
    assert.equal(r.code, 0, r.stderr);
    for (const step of ['pki', 'store', 'apiserver', 'kubeconfig']) assert.match(r.stdout, new RegExp(`✓ ${step}\\b.*\\(\\d+ ms\\)`));
    assert.match(r.stdout, /kubectl --context skiff-t1 get nodes/);
    console.log(`# skiff start (cold, first PKI) to ready: ${Math.round(r.ms)} ms`);
    port = JSON.parse(readFileSync(join(skiffHome, 't1', 'cluster.json'), 'utf8')).port;
    assert.ok(port > 0);

    const cfg = parse(readFileSync(userConfig, 'utf8'));
    const orig = parse(USER_KUBECONFIG);
    assert.equal(cfg['current-context'], 'skiff-t1');
    assert.deepEqual(
      cfg.clusters.filter((c: { name: string }) => c.name !== 'skiff-t1'),
      orig.clusters,
    );
    assert.deepEqual(
      cfg.users.filter((c: { name: string }) => c.name !== 'skiff-t1'),
      orig.users,
    );
    assert.deepEqual(
      cfg.contexts.filter((c: { name: string }) => c.name !== 'skiff-t1'),
      orig.contexts,
    );
    assert.match(readFileSync(userConfig, 'utf8'), /^# my clusters/);
    assert.equal(backups().length, 1);
    assert.equal(readFileSync(join(home, '.kube', backups()[0]), 'utf8'), USER_KUBECONFIG);
  });

  test('status exits 0 while ready; kubectl works through the merged context', async () => {
    const s = await skiff('status', '--name', 't1');
    assert.equal(s.code, 0, s.stdout + s.stderr);
    assert.match(s.stdout, /running \(pid \d+\)/);
    assert.match(s.stdout, new RegExp(`https://127\\.0\\.0\\.1:${port}`));
    const ns = kubectl(['--context', 'skiff-t1', 'get', 'ns', '-o', 'name']);
    assert.match(ns, /namespace\/default/);
    assert.match(ns, /namespace\/kube-system/);
    kubectl(
      ['--context', 'skiff-t1', 'create', '-f', '-'],
      {},
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep-me\ndata:\n  a: b\n',
    );
    cmRv = kubectl(['--context', 'skiff-t1', 'get', 'configmap', 'keep-me', '-o', 'jsonpath={.metadata.resourceVersion}']);
    assert.match(cmRv, /^\d+$/);
  });

  test('start while running says so and exits 0', async () => {
    const r = await skiff('start', '--name', 't1');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /already running/);
    assert.match(r.stdout, /kubectl --context skiff-t1/);
  });

  test('a port in use is one line and a non-zero exit', async () => {
    assertOneLineError(await skiff('start', '--name', 't2', '--port', String(port)), new RegExp(`port ${port} .*in use`));
    assert.equal(clusterPid('t2'), undefined, 'no leftover process');
    assert.equal((await skiff('delete', '--name', 't2')).code, 0);
  });

  test('stop ends the process; status then exits non-zero', async () => {
    const pid = clusterPid('t1')!;
    const r = await skiff('stop', '--name', 't1');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /stopped/);
    assert.equal(isAlive(pid), false, 'process gone');
    assert.ok(!existsSync(join(skiffHome, 't1', 'skiff.pid')));
    const s = await skiff('status', '--name', 't1');
    assert.notEqual(s.code, 0);
    assert.match(s.stdout, /stopped/);
  });

  test('restart reuses the port and brings back the ConfigMap with its resourceVersion', async () => {
    const r = await skiff('start', '--name', 't1');
    assert.equal(r.code, 0, r.stderr);
    console.log(`# skiff start (restart) to ready: ${Math.round(r.ms)} ms`);
    assert.match(r.stdout, new RegExp(`https://127\\.0\\.0\\.1:${port}`));
    const rv = kubectl(['--context', 'skiff-t1', 'get', 'configmap', 'keep-me', '-o', 'jsonpath={.metadata.resourceVersion}']);
    assert.equal(rv, cmRv);
    const k = await skiff('kubeconfig', '--name', 't1');
    assert.equal(k.code, 0);
    assert.equal(parse(k.stdout).clusters[0].cluster.server, `https://127.0.0.1:${port}`);
  });

  test('delete stops the cluster, removes its dir and only our kubeconfig entries', async () => {
    const pid = clusterPid('t1')!;
    const r = await skiff('delete', '--name', 't1');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(isAlive(pid), false, 'process gone');
    assert.ok(!existsSync(join(skiffHome, 't1')));
    const cfg = parse(readFileSync(userConfig, 'utf8'));
    const orig = parse(USER_KUBECONFIG);
    assert.deepEqual(cfg.clusters, orig.clusters);
    assert.deepEqual(cfg.users, orig.users);
    assert.deepEqual(cfg.contexts, orig.contexts);
    assert.equal(cfg['current-context'], '');
  });

  test('--kubeconfig FILE writes only that file', async () => {
    const before = readFileSync(userConfig, 'utf8');
    const nBackups = backups().length;
    const file = join(tmp, 'only-here.yaml');
    const r = await skiff('start', '--name', 't3', '--kubeconfig', file);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`KUBECONFIG=${file} kubectl`));
    assert.equal(readFileSync(userConfig, 'utf8'), before);
    assert.equal(backups().length, nBackups);
    assert.match(kubectl(['get', 'ns', 'default', '-o', 'name'], { KUBECONFIG: file }), /namespace\/default/);
    assert.equal((await skiff('delete', '--name', 't3')).code, 0);
    assert.equal(readFileSync(userConfig, 'utf8'), before);
  });

  test('a kubeconfig that cannot be parsed fails the start with its problem, and the cluster does not stay running', async () => {
    const file = join(tmp, 'broken.yaml');
    writeFileSync(file, 'clusters: [unclosed\n');
    const r = await skiff('start', '--name', 't6', '--kubeconfig', file);
    assertOneLineError(r, /cannot parse kubeconfig .*broken\.yaml/);
    assert.equal(readFileSync(file, 'utf8'), 'clusters: [unclosed\n', 'the file is left as it was');
    const pidFile = join(skiffHome, 't6', 'skiff.pid');
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined;
    assert.ok(pid === undefined || !isAlive(pid), 'the cluster process stopped');
    await skiff('delete', '--name', 't6');
  });

  test('an unreachable etcd is one line naming the endpoint', async () => {
    const r = await skiff('start', '--name', 't4', '--etcd-endpoints', 'http://127.0.0.1:1');
    assertOneLineError(r, /etcd.*http:\/\/127\.0\.0\.1:1/);
    await skiff('delete', '--name', 't4');
  });

  test('--foreground runs in this process and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'start', '--foreground', '--name', 't5', '--kubeconfig', join(tmp, 't5.yaml')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready: ${out}`)), 20_000);
      child.stdout.on('data', () => out.includes('ready at') && (clearTimeout(timer), resolve()));
    });
    assert.equal(clusterPid('t5'), child.pid);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(out, /stopped/);
    assert.ok(!existsSync(join(skiffHome, 't5', 'skiff.pid')));
    assert.equal((await skiff('delete', '--name', 't5')).code, 0);
  });

  test(
    'an etcd-backed cluster keeps its data in etcd and delete removes it',
    { skip: findEtcdBinary() ? false : 'no etcd binary' },
    async () => {
      const etcd = await startEtcdTestServer();
      try {
        const file = join(tmp, 'etcd.yaml');
        const r = await skiff('start', '--name', 'e1', '--etcd-endpoints', etcd.endpoints.join(','), '--kubeconfig', file);
        assert.equal(r.code, 0, r.stderr);
        assert.match(kubectl(['get', 'ns', '-o', 'name'], { KUBECONFIG: file }), /namespace\/kube-system/);
        const store = await openStore({ kind: 'etcd', endpoints: etcd.endpoints, prefix: '/skiff/e1' });
        try {
          assert.ok((await store.count('/')) > 0, 'objects live in etcd under /skiff/e1');
          assert.equal((await skiff('delete', '--name', 'e1')).code, 0);
          assert.equal(await store.count('/'), 0, 'delete removed them');
        } finally {
          await store.close();
        }
      } finally {
        await etcd.stop();
      }
    },
  );

  test('an unusable data dir is one line', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    assertOneLineError(await skiff('start', '--data-dir', file), /data dir/);
  });
});
