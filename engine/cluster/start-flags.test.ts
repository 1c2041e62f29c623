import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foregroundArgs, type StartOptions } from './cluster-spawn';
import { clusterPaths } from './paths';
import { START_FLAGS, startFlagsHelp } from './start-flags';
import { parseFlags } from '../cli/args';
import { HELP } from '../cli/usage';

const everything: StartOptions = {
  kubeconfig: { update: true, file: '/tmp/skiff-kc', switchContext: false },
  port: 0,
  ingressPort: 8080,
  ingressHttpsPort: 8443,
  datastore: 'etcd',
  etcdEndpoints: ['http://127.0.0.1:2379', 'http://127.0.0.1:2380'],
  nodes: 3,
  nodeRuntime: 'docker',
  sandboxImage: 'registry.k8s.io/pause:3.10',
  podSecurity: 'restricted',
  lbPortRange: '8000-9000',
  auditPolicy: 'default',
  pkiFrom: '/tmp/skiff-pki',
  leaderElection: { leaseDurationMs: 15000, renewDeadlineMs: 10000, retryPeriodMs: 2000 },
  advertiseAddress: '192.168.1.5',
};

test('the child parses back every start option the parent passed', () => {
  const args = foregroundArgs('/tmp/skiff-data', clusterPaths('/tmp/skiff-data', 'x'), 'x', everything);
  assert.equal(args[0], 'start');
  const flags = parseFlags('start', args.slice(1));
  const { kubeconfig, ...rest } = everything;
  for (const [key, value] of Object.entries(rest)) assert.deepEqual(flags[key as keyof typeof flags], value, key);
  assert.equal(flags.kubeconfig, kubeconfig.update ? kubeconfig.file : undefined);
  assert.equal(flags.switchContext, false);
  assert.equal(flags.foreground, true);
  assert.equal(flags.name, 'x');
});

test('every start flag but --foreground reaches the child, and the help lists each once', () => {
  const args = foregroundArgs('/d', clusterPaths('/d', 'x'), 'x', everything);
  const help = startFlagsHelp();
  for (const f of START_FLAGS) {
    if (f.name !== 'foreground') assert.ok(args.includes(`--${f.name}`), f.name);
    assert.equal(help.split(`  --${f.name} `).length, 2, `--${f.name} once in the help`);
  }
  assert.ok(HELP.includes(help));
});

test('unset options pass no flag; the app keeps the user kubeconfig untouched', () => {
  const paths = clusterPaths('/d', 'x');
  assert.deepEqual(foregroundArgs('/d', paths, 'x', { kubeconfig: { update: false } }), [
    'start',
    '--foreground',
    '--name',
    'x',
    '--data-dir',
    '/d',
    '--kubeconfig',
    paths.kubeconfig,
    '--no-switch-context',
  ]);
  assert.deepEqual(foregroundArgs('/d', paths, 'x', { kubeconfig: { update: true } }).slice(6), []);
});
