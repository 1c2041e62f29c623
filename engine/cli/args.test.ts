import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { parseCommand, parseFlags } from './args';
import { SkiffError } from '../cluster/errors';

test('parses every start flag in both spellings', () => {
  const f = parseFlags('start', [
    '--name',
    'dev',
    '--data-dir=d',
    '--port',
    '0',
    '--kubeconfig',
    'k.yaml',
    '--etcd-endpoints=http://a:2379,https://b:2379',
    '--foreground',
    '--no-switch-context',
    '--pod-security=privileged',
  ]);
  assert.deepEqual(f, {
    name: 'dev',
    dataDir: resolve('d'),
    port: 0,
    kubeconfig: resolve('k.yaml'),
    datastore: 'etcd',
    etcdEndpoints: ['http://a:2379', 'https://b:2379'],
    podSecurity: 'privileged',
    foreground: true,
    switchContext: false,
    help: false,
  });
  assert.deepEqual(parseFlags('stop', []), { name: 'local', foreground: false, switchContext: true, help: false });
});

test('commands: help and version aliases, unknown command', () => {
  assert.equal(parseCommand([]).command, 'help');
  assert.equal(parseCommand(['--help']).command, 'help');
  assert.equal(parseCommand(['--version']).command, 'version');
  assert.deepEqual(parseCommand(['status', '--name', 'x']), { command: 'status', rest: ['--name', 'x'] });
  assert.throws(() => parseCommand(['strat']), /unknown command "strat"/);
});

test('rejects mistakes with a SkiffError that says what to do', () => {
  const cases: [string, string[], RegExp][] = [
    ['start', ['--bogus'], /unknown flag --bogus/],
    ['stop', ['--port', '1'], /unknown flag --port for "skiff stop"/],
    ['start', ['--port', '65536'], /invalid --port/],
    ['start', ['--port', '-1'], /--port needs a value|invalid --port/],
    ['start', ['--port'], /--port needs a value/],
    ['start', ['--name', 'Bad_Name'], /invalid cluster name/],
    ['start', ['--datastore', 'redis'], /invalid --datastore "redis"/],
    ['start', ['--pod-security', 'none'], /invalid --pod-security "none"/],
    ['start', ['--etcd-endpoints', 'localhost:2379'], /invalid etcd endpoint/],
    ['start', ['--datastore', 'sqlite', '--etcd-endpoints', 'http://a:1'], /needs --datastore etcd/],
    ['start', ['--foreground=yes'], /takes no value/],
    ['start', ['--name', 'a', '--name', 'b'], /given twice/],
    ['start', ['extra'], /unexpected argument "extra"/],
  ];
  for (const [cmd, argv, re] of cases) {
    assert.throws(
      () => parseFlags(cmd as 'start', argv),
      (err: Error) => err instanceof SkiffError && re.test(err.message) && err.message.includes('; '),
      argv.join(' '),
    );
  }
});

test('--lb-port-range takes low-high and refuses anything else', () => {
  assert.equal(parseFlags('start', ['--lb-port-range', ' 8000-9000']).lbPortRange, '8000-9000');
  assert.throws(() => parseFlags('start', ['--lb-port-range', '9000-80']), /invalid --lb-port-range: "9000-80" is not a port range/);
  assert.throws(() => parseFlags('start', ['--lb-port-range=80']), /invalid --lb-port-range/);
});

test('HA flags: --pki-from and the leader election timings (checked against each other, etcd only)', () => {
  const f = parseFlags('start', [
    '--etcd-endpoints',
    'http://a:2379',
    '--pki-from',
    'p',
    '--leader-elect-lease-duration',
    '5s',
    '--leader-elect-renew-deadline=4s',
    '--leader-elect-retry-period',
    '500ms',
  ]);
  assert.equal(f.pkiFrom, resolve('p'));
  assert.deepEqual(f.leaderElection, { leaseDurationMs: 5000, renewDeadlineMs: 4000, retryPeriodMs: 500 });
  const refused = (argv: string[], re: RegExp) =>
    assert.throws(
      () => parseFlags('start', argv),
      (e: unknown) => e instanceof SkiffError && re.test(e.message),
    );
  refused(
    ['--datastore', 'etcd', '--leader-elect-renew-deadline', '20s'],
    /renew-deadline must be shorter than --leader-elect-lease-duration/,
  );
  refused(['--datastore', 'etcd', '--leader-elect-retry-period', '10s'], /retry-period must be shorter/);
  refused(['--datastore', 'sqlite', '--leader-elect-lease-duration', '20s'], /need --datastore etcd/);
  refused(['--leader-elect-lease-duration', 'soon'], /invalid --leader-elect-lease-duration "soon"/);
});
