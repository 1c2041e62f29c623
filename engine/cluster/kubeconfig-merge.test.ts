import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildKubeconfigEntries, entryNames, kubeconfigYaml, userKubeconfigPath } from './kubeconfig';
import { mergeIntoUserKubeconfig, removeFromUserKubeconfig } from './kubeconfig-merge';
import { SkiffError } from './errors';

// Shaped like a file kubectl wrote, plus a user's comment.
const USER_CONFIG = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: QUJD
    server: https://prod.example:6443
  name: prod
contexts:
- context:
    cluster: prod
    namespace: team-a
    user: prod-admin
  name: prod
current-context: prod
kind: Config
preferences: {}
users:
# exec plugin: keep as is
- name: prod-admin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - eks
      - get-token
      command: aws
`;

const creds = { caCert: 'CA PEM', adminCert: 'CERT PEM', adminKey: 'KEY PEM' };
const entries = buildKubeconfigEntries('t1', 'https://127.0.0.1:7443', creds);

function withDir(fn: (dir: string) => void) {
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-kc-'));
    try {
      fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const backups = (dir: string) => readdirSync(dir).filter((f) => f.includes('.skiff-backup-'));

test(
  'merge adds our entries, keeps every other entry and comment, and backs up first',
  withDir((dir) => {
    const file = join(dir, 'config');
    writeFileSync(file, USER_CONFIG, { mode: 0o644 });
    const r = mergeIntoUserKubeconfig(file, entries, { switchContext: true });
    assert.equal(r.written, file);
    assert.ok(r.backup);
    assert.equal(readFileSync(r.backup, 'utf8'), USER_CONFIG);
    assert.equal(statSync(r.backup).mode & 0o777, 0o600);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const text = readFileSync(file, 'utf8');
    for (const line of USER_CONFIG.split('\n').filter((l) => !l.startsWith('current-context'))) {
      assert.ok(text.includes(line), `line kept: ${line}`);
    }
    const before = parse(USER_CONFIG);
    const after = parse(text);
    assert.equal(after['current-context'], 'skiff-t1');
    assert.deepEqual(after.clusters, [...before.clusters, entries.cluster]);
    assert.deepEqual(after.users, [...before.users, entries.user]);
    assert.deepEqual(after.contexts, [...before.contexts, entries.context]);
    assert.deepEqual(after.preferences, {});
    // kubectl itself reads the result.
    const out = execFileSync('kubectl', ['config', 'get-contexts', '-o', 'name', '--kubeconfig', file], { encoding: 'utf8' });
    assert.deepEqual(out.trim().split('\n').sort(), ['prod', 'skiff-t1']);
  }),
);

test(
  'merge without switching leaves current-context; a repeat merge writes nothing',
  withDir((dir) => {
    const file = join(dir, 'config');
    writeFileSync(file, USER_CONFIG);
    mergeIntoUserKubeconfig(file, entries, { switchContext: false });
    assert.equal(parse(readFileSync(file, 'utf8'))['current-context'], 'prod');
    assert.equal(backups(dir).length, 1);
    const text = readFileSync(file, 'utf8');
    assert.deepEqual(mergeIntoUserKubeconfig(file, entries, { switchContext: false }), {});
    assert.equal(readFileSync(file, 'utf8'), text);
    assert.equal(backups(dir).length, 1, 'no backup when nothing changes');
  }),
);

test(
  'merge replaces our stale entries instead of duplicating them',
  withDir((dir) => {
    const file = join(dir, 'config');
    mergeIntoUserKubeconfig(file, entries, { switchContext: true });
    const moved = buildKubeconfigEntries('t1', 'https://127.0.0.1:9999', creds);
    mergeIntoUserKubeconfig(file, moved, { switchContext: true, now: new Date(Date.now() + 1) });
    const cfg = parse(readFileSync(file, 'utf8'));
    assert.equal(cfg.clusters.length, 1);
    assert.equal(cfg.clusters[0].cluster.server, 'https://127.0.0.1:9999');
  }),
);

test(
  'merge creates a missing file and directory without a backup',
  withDir((dir) => {
    const file = join(dir, 'home', '.kube', 'config');
    const r = mergeIntoUserKubeconfig(file, entries, { switchContext: true });
    assert.equal(r.backup, undefined);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(parse(readFileSync(file, 'utf8')), parse(kubeconfigYaml(entries)));
  }),
);

test(
  'merge writes through a symlinked kubeconfig',
  withDir((dir) => {
    const real = join(dir, 'real-config');
    const link = join(dir, 'config');
    writeFileSync(real, USER_CONFIG);
    symlinkSync(real, link);
    mergeIntoUserKubeconfig(link, entries, { switchContext: true });
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(parse(readFileSync(real, 'utf8'))['current-context'], 'skiff-t1');
  }),
);

test(
  'merge refuses a file that is not YAML with a SkiffError and leaves it alone',
  withDir((dir) => {
    const file = join(dir, 'config');
    writeFileSync(file, 'clusters: [unclosed\n');
    assert.throws(() => mergeIntoUserKubeconfig(file, entries, { switchContext: true }), SkiffError);
    assert.equal(readFileSync(file, 'utf8'), 'clusters: [unclosed\n');
    assert.equal(backups(dir).length, 0);
  }),
);

test(
  'remove deletes only our entries and unsets current-context when it was ours',
  withDir((dir) => {
    const file = join(dir, 'config');
    writeFileSync(file, USER_CONFIG);
    mergeIntoUserKubeconfig(file, entries, { switchContext: true });
    const r = removeFromUserKubeconfig(file, entryNames('t1'), { now: new Date(Date.now() + 5) });
    assert.ok(r.backup && existsSync(r.backup));
    const cfg = parse(readFileSync(file, 'utf8'));
    const before = parse(USER_CONFIG);
    assert.deepEqual(cfg.clusters, before.clusters);
    assert.deepEqual(cfg.users, before.users);
    assert.deepEqual(cfg.contexts, before.contexts);
    assert.equal(cfg['current-context'], '');
    assert.match(readFileSync(file, 'utf8'), /# exec plugin: keep as is/);
  }),
);

test(
  'remove keeps a foreign current-context and is a no-op when nothing is ours',
  withDir((dir) => {
    const file = join(dir, 'config');
    writeFileSync(file, USER_CONFIG);
    assert.deepEqual(removeFromUserKubeconfig(file, entryNames('t1')), {});
    assert.equal(readFileSync(file, 'utf8'), USER_CONFIG);
    mergeIntoUserKubeconfig(file, entries, { switchContext: false });
    removeFromUserKubeconfig(file, entryNames('t1'), { now: new Date(Date.now() + 5) });
    assert.equal(parse(readFileSync(file, 'utf8'))['current-context'], 'prod');
    assert.deepEqual(removeFromUserKubeconfig(join(dir, 'missing'), entryNames('t1')), {});
  }),
);

test('userKubeconfigPath uses the first KUBECONFIG path, else ~/.kube/config', () => {
  assert.equal(userKubeconfigPath({ KUBECONFIG: ':/a/one:/b/two', HOME: '/h' }), '/a/one');
  assert.equal(userKubeconfigPath({ HOME: '/h' }), '/h/.kube/config');
  assert.equal(userKubeconfigPath({ KUBECONFIG: '', HOME: '/h' }), '/h/.kube/config');
});
