import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  credentialsFor,
  imageRegistry,
  imageRepository,
  keyMatches,
  normalizeKey,
  parseDockerConfigSecret,
  type RegistryCredential,
} from './registry-auth';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (type: string, key: string, json: unknown) =>
  ({
    apiVersion: 'v1',
    kind: 'Secret',
    type,
    metadata: { name: 'regcred', namespace: 'team' },
    data: { [key]: b64(typeof json === 'string' ? json : JSON.stringify(json)) },
  }) as any;

test('image references normalize to the repository the keyring matches', () => {
  assert.equal(imageRepository('busybox'), 'docker.io/library/busybox');
  assert.equal(imageRepository('busybox:1.36'), 'docker.io/library/busybox');
  assert.equal(imageRepository('me/app:v1'), 'docker.io/me/app');
  assert.equal(imageRepository('127.0.0.1:5000/team/app:v1'), '127.0.0.1:5000/team/app');
  assert.equal(imageRepository('127.0.0.1:5000/team/app@sha256:abc'), '127.0.0.1:5000/team/app');
  assert.equal(imageRepository('localhost/app'), 'localhost/app');
  assert.equal(imageRegistry('ghcr.io/o/r:1'), 'ghcr.io');
  assert.equal(imageRegistry('nginx'), 'docker.io');
});

test('keys lose scheme and /v1/, Hub names become docker.io', () => {
  assert.equal(normalizeKey('https://index.docker.io/v1/'), 'docker.io');
  assert.equal(normalizeKey('http://127.0.0.1:5000'), '127.0.0.1:5000');
  assert.equal(normalizeKey('quay.io/coreos/'), 'quay.io/coreos');
  assert.equal(normalizeKey('Registry.Example.com/v2/team'), 'registry.example.com/team');
});

test('matching: port must be equal, path is a prefix, * globs one label', () => {
  assert.ok(keyMatches('127.0.0.1:5000', '127.0.0.1:5000/team/app'));
  assert.ok(!keyMatches('127.0.0.1', '127.0.0.1:5000/team/app'), 'no port on the key does not match a port');
  assert.ok(!keyMatches('127.0.0.1:5001', '127.0.0.1:5000/team/app'));
  assert.ok(keyMatches('quay.io/coreos', 'quay.io/coreos/etcd'));
  assert.ok(!keyMatches('quay.io/coreos', 'quay.io/other/etcd'));
  assert.ok(keyMatches('*.gcr.io', 'eu.gcr.io/p/img'));
  assert.ok(!keyMatches('*.gcr.io', 'gcr.io/p/img'), 'a glob does not match a missing label');
  assert.ok(keyMatches('docker.io', 'docker.io/library/busybox'));
});

test('credentialsFor picks the matching keys, most specific first', () => {
  const c = (server: string, username: string): RegistryCredential => ({ server, username, password: 'p', source: 'ns/s' });
  const creds = [c('quay.io', 'host'), c('quay.io/coreos', 'path'), c('ghcr.io', 'other'), c('https://index.docker.io/v1/', 'hub')];
  assert.deepEqual(
    credentialsFor('quay.io/coreos/etcd:3', creds).map((x) => x.username),
    ['path', 'host'],
  );
  assert.deepEqual(
    credentialsFor('quay.io/prometheus/node:1', creds).map((x) => x.username),
    ['host'],
  );
  assert.deepEqual(
    credentialsFor('busybox', creds).map((x) => x.username),
    ['hub'],
  );
  assert.deepEqual(credentialsFor('127.0.0.1:5000/a:1', creds), []);
});

test('dockerconfigjson Secrets: username/password, or auth that wins', () => {
  const s = secret('kubernetes.io/dockerconfigjson', '.dockerconfigjson', {
    auths: {
      '127.0.0.1:5000': { username: 'u', password: 'p', auth: b64('alice:s3:cret') },
      'ghcr.io': { username: 'bob', password: 'pw' },
    },
  });
  assert.deepEqual(parseDockerConfigSecret(s), [
    { server: '127.0.0.1:5000', username: 'alice', password: 's3:cret', source: 'team/regcred' },
    { server: 'ghcr.io', username: 'bob', password: 'pw', source: 'team/regcred' },
  ]);
});

test('legacy dockercfg Secrets have no "auths" wrapper; other types hold nothing', () => {
  const s = secret('kubernetes.io/dockercfg', '.dockercfg', { 'quay.io': { auth: b64('a:b') } });
  assert.deepEqual(
    parseDockerConfigSecret(s).map((c) => [c.server, c.username, c.password]),
    [['quay.io', 'a', 'b']],
  );
  assert.deepEqual(parseDockerConfigSecret(secret('Opaque', '.dockerconfigjson', { auths: { x: {} } })), []);
});

test('broken Secrets say which Secret and what to do', () => {
  assert.throws(
    () => parseDockerConfigSecret(secret('kubernetes.io/dockerconfigjson', '.dockerconfigjson', '{nope')),
    /^Error: Secret team\/regcred does not hold valid JSON docker config .*kubectl create secret docker-registry/,
  );
  assert.throws(
    () => parseDockerConfigSecret(secret('kubernetes.io/dockerconfigjson', '.dockerconfigjson', { other: 1 })),
    /Secret team\/regcred has no "auths" object/,
  );
  assert.throws(
    () =>
      parseDockerConfigSecret(secret('kubernetes.io/dockerconfigjson', '.dockerconfigjson', { auths: { h: { auth: b64('nocolon') } } })),
    /the "auth" of h is not base64 of "user:password"/,
  );
});
