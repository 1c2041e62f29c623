import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../kinds/types';
import { buildTlsTable, isLocalhostName, tlsFor } from './tls-table';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (name: string, data: Record<string, string>): KubeObject => ({
  metadata: { namespace: 'default', name, resourceVersion: '7' },
  data,
});
const ing = (name: string, tls: unknown[], created: string): KubeObject => ({
  metadata: { namespace: 'default', name, creationTimestamp: created },
  spec: { tls },
});

test('a host takes the oldest Ingress Secret; wildcards cover one label; missing and broken Secrets are problems', () => {
  const secrets = new Map([
    ['a', secret('a', { 'tls.crt': b64('CERT-A'), 'tls.key': b64('KEY-A') })],
    ['b', secret('b', { 'tls.crt': b64('CERT-B'), 'tls.key': b64('KEY-B') })],
    ['broken', secret('broken', { 'tls.crt': b64('x') })],
  ]);
  const { table, problems } = buildTlsTable(
    [
      ing('new', [{ hosts: ['x.example'], secretName: 'b' }], '2026-02-01T00:00:00Z'),
      ing('old', [{ hosts: ['x.example', '*.w.example', 'skiff-app.localhost'], secretName: 'a' }], '2026-01-01T00:00:00Z'),
      ing(
        'bad',
        [{ hosts: ['y.example'], secretName: 'gone' }, { hosts: ['z.example'], secretName: 'broken' }, { hosts: ['n.localhost'] }],
        '2026-03-01T00:00:00Z',
      ),
    ],
    (_ns, name) => secrets.get(name),
  );
  assert.equal(tlsFor(table, 'X.example.')?.cert, 'CERT-A');
  assert.equal(tlsFor(table, 'x.example')?.secret, 'default/a');
  assert.equal(tlsFor(table, 'q.w.example')?.key, 'KEY-A');
  assert.equal(tlsFor(table, 'p.q.w.example'), undefined);
  assert.equal(tlsFor(table, 'skiff-app.localhost'), undefined);
  assert.deepEqual(
    problems.map((p) => p.reason),
    ['SecretNotFound', 'SecretInvalid'],
  );
});

test('the localhost CA issues for localhost names only, never the app', () => {
  assert.ok(isLocalhostName('web.localhost'));
  assert.ok(isLocalhostName('localhost'));
  assert.ok(!isLocalhostName('skiff-app.localhost'));
  assert.ok(!isLocalhostName('example.com'));
  assert.ok(!isLocalhostName('a b.localhost'));
});
