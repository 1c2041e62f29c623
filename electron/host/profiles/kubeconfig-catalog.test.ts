import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog, type LoadedSource } from './kubeconfig-catalog';
import { parseKubeconfig } from './kubeconfig-parse';

const doc = (file: string, d: { clusters?: Array<[string, string]>; users?: string[]; contexts: Array<[string, string, string?]> }) =>
  parseKubeconfig(
    JSON.stringify({
      clusters: (d.clusters ?? []).map(([name, server]) => ({ name, cluster: { server } })),
      users: (d.users ?? []).map((name) => ({ name, user: { token: `tok-${file}-${name}` } })),
      contexts: d.contexts.map(([name, cluster, user]) => ({ name, context: { cluster, ...(user ? { user } : {}) } })),
    }),
    { file },
  );

const source = (id: string, docs: ReturnType<typeof doc>[], extra: Partial<LoadedSource> = {}): LoadedSource => ({
  id,
  kind: 'file',
  label: id,
  files: docs.map((d) => ({ path: d.file, doc: d })),
  hidden: [],
  merge: false,
  watched: true,
  encrypted: false,
  problems: [],
  ...extra,
});

test('duplicate context names across files are both shown, the second as <context>@<file basename>', () => {
  const a = doc('/home/me/.kube/config', { clusters: [['prod', 'https://a']], users: ['me'], contexts: [['prod', 'prod', 'me']] });
  const b = doc('/work/other/prod.yaml', { clusters: [['prod', 'https://b']], users: ['me'], contexts: [['prod', 'prod', 'me']] });
  const c = doc('/x/prod.yaml', { clusters: [['prod', 'https://c']], users: ['me'], contexts: [['prod', 'prod', 'me']] });
  const cat = buildCatalog([source('default', [a]), source('s1', [b]), source('s2', [c])]);
  assert.deepEqual(
    cat.entries.map((e) => [e.name, e.duplicateOf, e.cluster?.server]),
    [
      ['prod', undefined, 'https://a'],
      ['prod@prod.yaml', 'prod', 'https://b'],
      ['prod@prod.yaml-2', 'prod', 'https://c'],
    ],
  );
  assert.deepEqual(
    cat.sources.map((s) => s.profiles),
    [['prod'], ['prod@prod.yaml'], ['prod@prod.yaml-2']],
  );
  assert.notEqual(cat.entries[0].fingerprint, cat.entries[1].fingerprint);
});

test("KUBECONFIG's files merge as kubectl does: the first file defining a cluster or user wins", () => {
  const first = doc('/k/one', { clusters: [['shared', 'https://first']], users: ['u'], contexts: [['a', 'shared', 'u']] });
  const second = doc('/k/two', {
    clusters: [
      ['shared', 'https://second'],
      ['own', 'https://own'],
    ],
    contexts: [
      ['b', 'shared', 'u'],
      ['a', 'shared', 'u'],
      ['c', 'own', 'u'],
    ],
  });
  const cat = buildCatalog([source('default', [first, second], { kind: 'default', merge: true })]);
  const by = Object.fromEntries(cat.entries.map((e) => [e.name, e]));
  assert.equal(by.b.cluster?.server, 'https://first', "a context of the second file uses the first file's cluster of that name");
  assert.equal(by.b.user?.token, 'tok-/k/one-u', 'and its user, defined only in the first file');
  assert.equal(by.c.cluster?.server, 'https://own');
  // kubectl drops the second "a"; we show it, resolving in its own file first.
  assert.equal(by['a@two'].duplicateOf, 'a');
  assert.equal(by['a@two'].cluster?.server, 'https://second');
  assert.equal(by['a@two'].error, undefined);
});

test('missing cluster or user: an error on that profile only, listed with its file', () => {
  const d = doc('/f/cfg', {
    clusters: [['c', 'https://c']],
    users: ['u'],
    contexts: [
      ['ok', 'c', 'u'],
      ['nocl', 'gone', 'u'],
      ['nouser', 'c', 'ghost'],
      ['anon', 'c'],
    ],
  });
  const cat = buildCatalog([source('s', [d])]);
  const by = Object.fromEntries(cat.entries.map((e) => [e.name, e]));
  assert.equal(by.ok.error, undefined);
  assert.equal(by.nocl.error, 'context "nocl" names cluster "gone", but /f/cfg does not define it');
  assert.equal(by.nouser.error, 'context "nouser" names user "ghost", but /f/cfg does not define it');
  assert.equal(by.anon.error, undefined, 'a context without a user is anonymous, as in kubectl');
  assert.deepEqual(
    cat.sources[0].errors.map((e) => [e.file, e.context]),
    [
      ['/f/cfg', 'nocl'],
      ['/f/cfg', 'nouser'],
    ],
  );
});

test('local profiles keep their names; hidden contexts are not listed; file errors are kept', () => {
  const d = doc('/h/.kube/config', {
    clusters: [
      ['skiff-local', 'https://127.0.0.1:6443'],
      ['remote', 'https://skiff.example:6443'],
    ],
    users: ['u'],
    contexts: [
      ['skiff-local', 'skiff-local', 'u'],
      ['skiff-dev', 'remote', 'u'],
      ['hide-me', 'remote', 'u'],
    ],
  });
  const cat = buildCatalog(
    [
      source('default', [d], { kind: 'default', merge: true, hidden: ['hide-me'] }),
      source('s', [], {
        files: [
          { path: '/bad.yaml', error: 'not valid YAML: x' },
          { path: '/nope', absent: true },
        ],
      }),
    ],
    new Set(['skiff-local', 'skiff-dev']),
  );
  assert.deepEqual(
    cat.entries.map((e) => [e.name, e.duplicateOf]),
    [['skiff-dev@config', 'skiff-dev']],
    'same name but not on this machine: a duplicate',
  );
  assert.match(cat.sources[0].notes[0].problem, /shown as the local cluster's profile "skiff-local"/);
  assert.deepEqual(cat.sources[0].hidden, ['hide-me']);
  assert.deepEqual(cat.sources[1].errors, [{ file: '/bad.yaml', problem: 'not valid YAML: x' }]);
  assert.match(cat.sources[1].notes[0].problem, /does not exist/);
});
