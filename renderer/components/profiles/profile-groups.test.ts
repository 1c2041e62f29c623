import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProfileSource, ProfileSummary } from '../../../electron/host/protocol';
import { localProfileNames, profileGroups, profileNote, sourceLabel } from './profile-groups';

const src = (
  id: string,
  kind: ProfileSource['kind'],
  label: string,
  profiles: string[],
  errors: ProfileSource['errors'] = [],
): ProfileSource => ({
  id,
  kind,
  label,
  paths: [label],
  watched: kind !== 'paste',
  encrypted: kind === 'paste',
  profiles,
  hidden: [],
  errors,
  notes: [],
});
const prof = (name: string, sourceId: string, over: Partial<ProfileSummary> = {}): ProfileSummary => ({
  name,
  source: 'kubeconfig',
  status: 'ready',
  sourceId,
  context: name,
  ...over,
});

test('profiles are grouped by source in source order; a context problem stays with its profile, file problems go to the group', () => {
  const sources = [
    src('default', 'default', '/home/u/.kube/config', []),
    src('a', 'file', '/tmp/x/clusters.yaml', ['multi', 'orphan']),
    src('b', 'dir', '/tmp/team', [], [{ file: '/tmp/team/broken.yaml', problem: 'not valid YAML: line 3' }]),
  ];
  sources[1].errors = [{ file: '/tmp/x/clusters.yaml', context: 'orphan', problem: 'names cluster "gone"' }];
  const profiles = [
    prof('orphan', 'a', { status: 'unknown', error: 'names cluster "gone"' }),
    prof('multi', 'a'),
    prof('skiff-local', '', { source: 'local' }),
  ];
  const groups = profileGroups(profiles, sources, new Set(['skiff-local']));
  assert.deepEqual(
    groups.map((g) => [g.id, g.label, g.profiles.map((p) => p.name), g.problems.length]),
    [
      ['a', 'clusters.yaml', ['orphan', 'multi'], 0],
      ['b', 'team/', [], 1],
    ],
  );
  assert.equal(groups[1].problems[0].file, '/tmp/team/broken.yaml');
});

test('a kubeconfig context named like a local profile is the local cluster; unknown sources still show their profiles', () => {
  const groups = profileGroups(
    [prof('skiff-dev', 'a'), prof('late', 'zzz')],
    [src('a', 'file', '/k', ['skiff-dev'])],
    new Set(['skiff-dev']),
  );
  assert.deepEqual(
    groups.map((g) => [g.id, g.profiles.map((p) => p.name)]),
    [['', ['late']]],
  );
  assert.ok(
    localProfileNames({ dev: { name: 'dev', profile: 'skiff-dev', state: 'running', steps: [], progress: 1 } }, []).has('skiff-dev'),
  );
});

test('labels and notes say what a person needs', () => {
  assert.equal(sourceLabel(src('c', 'copy', '/a/b/prod.yaml', [])), 'prod.yaml (copy)');
  assert.equal(sourceLabel(src('p', 'paste', 'pasted: ci', [])), 'Pasted: ci');
  assert.equal(sourceLabel(src('d', 'default', '$KUBECONFIG (/a:/b)', [])), 'Default kubeconfig');
  assert.equal(profileNote(prof('x', 'a')), undefined);
  assert.equal(
    profileNote(prof('x', 'a', { status: 'unreachable', reason: 'connection refused at 127.0.0.1:1' })),
    'connection refused at 127.0.0.1:1',
  );
  assert.equal(
    profileNote(prof('x', 'a', { status: 'unknown', exec: { command: '/opt/bin/aws', args: [], env: [], via: 'exec', consented: false } })),
    'needs your consent to run aws',
  );
  assert.equal(profileNote(prof('x', 'a', { status: 'unknown' })), 'checking…');
});
