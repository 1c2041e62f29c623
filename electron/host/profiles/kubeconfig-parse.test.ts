import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeconfigFileError, parseKubeconfig, readKubeconfigFile } from './kubeconfig-parse';

const dir = mkdtempSync(join(tmpdir(), 'skiff-kparse-'));
mkdirSync(join(dir, 'certs'));
writeFileSync(join(dir, 'certs', 'ca.crt'), 'CA');
writeFileSync(join(dir, 'certs', 'me.crt'), 'CERT');
writeFileSync(join(dir, 'certs', 'me.key'), 'KEY');
writeFileSync(join(dir, 'certs', 'token'), 'tok-from-file\n');

const file = (name: string, doc: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return p;
};

test('one entry per context; relative paths resolve against the file, as kubectl does', () => {
  const p = file('config', {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'a',
    clusters: [{ name: 'c', cluster: { server: 'https://x:6443/', 'certificate-authority': 'certs/ca.crt' } }],
    users: [
      { name: 'cert', user: { 'client-certificate': 'certs/me.crt', 'client-key': './certs/me.key' } },
      { name: 'tf', user: { 'token-file': 'certs/token' } },
      { name: 'tf2', user: { tokenFile: 'certs/token' } },
      { name: 'ex', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './bin/plugin', args: ['x'] } } },
      { name: 'onpath', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'aws' } } },
    ],
    contexts: [
      { name: 'a', context: { cluster: 'c', user: 'cert', namespace: 'team' } },
      { name: 'b', context: { cluster: 'c', user: 'tf' } },
    ],
  });
  const k = readKubeconfigFile(p);
  assert.deepEqual(
    k.contexts.map((c) => c.name),
    ['a', 'b'],
  );
  assert.equal(k.contexts[0].context?.namespace, 'team');
  assert.equal(k.currentContext, 'a');
  const c = k.clusters.get('c')!.value!;
  assert.equal(c.server, 'https://x:6443');
  assert.equal(c.caFile, join(dir, 'certs/ca.crt'));
  assert.equal(k.users.get('cert')!.value!.certFile, join(dir, 'certs/me.crt'));
  assert.equal(k.users.get('cert')!.value!.keyFile, join(dir, 'certs/me.key'));
  // token-file resolved relative to the file, not to the process's cwd, and not read while parsing
  // (issue 12: an imported file's token-file is read only when used, after any consent)
  assert.equal(k.users.get('tf')!.tokenFile, join(dir, 'certs/token'));
  assert.equal(k.users.get('tf')!.value!.token, undefined);
  assert.equal(k.users.get('tf2')!.tokenFile, join(dir, 'certs/token'), "kubectl's own spelling, tokenFile, is the same field");
  assert.equal(k.users.get('ex')!.value!.exec.command, join(dir, 'bin/plugin'));
  assert.equal(k.users.get('onpath')!.value!.exec.command, 'aws', 'a bare command is looked up on PATH, not made relative');
  assert.deepEqual(k.problems, []);
  assert.ok(k.references.includes(join(dir, 'certs/token')));
});

test('bad YAML and non-kubeconfigs fail the file with the problem', () => {
  assert.throws(
    () => readKubeconfigFile(file('bad', 'clusters: [\n  - name: x\n    cluster: {server: "https://a"\n')),
    (e: unknown) => {
      assert.ok(e instanceof KubeconfigFileError);
      assert.equal(e.file, join(dir, 'bad'));
      assert.match(e.problem, /^not valid YAML: .*line \d+/);
      return true;
    },
  );
  assert.throws(() => readKubeconfigFile(file('list', '- a\n- b\n')), /not a kubeconfig: .* found a list/);
  assert.throws(() => readKubeconfigFile(join(dir, 'nope')), /cannot read the file: no such file/);
  assert.deepEqual(parseKubeconfig('', { file: 'empty' }).contexts, [], 'an empty file is an empty kubeconfig');
});

test('a bad entry spoils only itself: invalid cluster, unreadable files, nameless entries', () => {
  const k = readKubeconfigFile(
    file('mixed', {
      clusters: [
        { name: 'nosrv', cluster: {} },
        { name: 'ok', cluster: { server: 'https://ok' } },
        { cluster: { server: 'https://anon' } },
        { name: 'badca', cluster: { server: 'https://b', 'certificate-authority': 'certs/missing.crt' } },
      ],
      users: [
        { name: 'tf', user: { 'token-file': 'certs/missing-token' } },
        { name: 'dirkey', user: { 'client-certificate': 'certs', 'client-key': 'certs/me.key' } },
        { name: 'fine', user: { token: 't' } },
      ],
      contexts: [
        { name: 'x', context: { cluster: 'ok', user: 'fine' } },
        { name: 'nocluster', context: {} },
        { name: 'x', context: { cluster: 'ok' } },
      ],
      'clusters-extra': 1,
    }),
  );
  assert.match(k.clusters.get('nosrv')!.problem!, /cluster "nosrv" is invalid: clusters\[0\]\.cluster\.server is missing/);
  assert.equal(k.clusters.get('ok')!.problem, undefined);
  assert.match(k.clusters.get('badca')!.problem!, /cannot read certificate-authority .*certs\/missing\.crt: no such file/);
  assert.match(k.users.get('tf')!.problem!, /cannot read token-file .*missing-token: no such file/);
  assert.match(k.users.get('dirkey')!.problem!, /cannot read client-certificate .*certs: it is a directory/);
  assert.equal(k.users.get('fine')!.value!.token, 't');
  assert.match(k.problems.join('\n'), /clusters\[2\] is invalid: clusters\[2\]\.name is missing/);
  assert.match(k.problems.join('\n'), /context "x" is defined more than once/);
  assert.match(k.contexts.find((c) => c.name === 'nocluster')!.problem!, /contexts\[1\]\.context\.cluster is missing/);
  assert.deepEqual(readKubeconfigFile(file('notlist', { clusters: { a: 1 } })).problems, ['"clusters" is not a list']);
});
