import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { loadOrCreatePki } from '../../../engine/pki/load-or-create-pki';
import { createKubeTargets } from '../proxy/kube-target';
import { checkProfile, profileNamespaces } from './profile-check';
import type { Profile } from './profiles';
import { startTestApiServer, type TestApiServer } from '../testing/test-api-server';

let api: TestApiServer;
let fake: Server;
let fakePort: number;
let silent: NetServer;
let silentPort: number;
let deadPort: number;
let otherCa: string;
const sockets: Socket[] = [];
const targets = createKubeTargets();
const tmp = mkdtempSync(join(tmpdir(), 'skiff-check-'));

const b64 = (s: string) => Buffer.from(s).toString('base64');
function profile(
  name: string,
  server: string,
  user: Record<string, unknown>,
  cluster: Record<string, unknown> = {},
  namespace?: string,
): Profile {
  return {
    name,
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromString(
        JSON.stringify({
          'current-context': name,
          clusters: [{ name: 'c', cluster: { server, ...cluster } }],
          users: [{ name: 'u', user }],
          contexts: [{ name, context: { cluster: 'c', user: 'u', ...(namespace ? { namespace } : {}) } }],
        }),
      );
      return kc;
    },
  };
}

before(async () => {
  api = await startTestApiServer();
  otherCa = (await loadOrCreatePki(join(tmp, 'other'))).caCert;
  // A plain-HTTP API server whose user may read /version but not list nodes or namespaces.
  fake = createServer((req, res) => {
    if (req.url === '/version') return void res.end(JSON.stringify({ gitVersion: 'v1.30.2' }));
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', code: 403, message: `forbidden: ${req.url}` }));
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  fakePort = (fake.address() as { port: number }).port;
  // Accepts connections and never answers.
  silent = createNetServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as { port: number }).port;
  const probe = createNetServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  deadPort = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
});

after(async () => {
  sockets.forEach((s) => s.destroy());
  silent.close();
  fake.close();
  targets.close();
  await api.close();
  rmSync(tmp, { recursive: true, force: true });
});

const ca = () => readFileSync(join(api.dir, 'pki', 'ca.crt'), 'utf8');

test('ready: server version, node count and namespaces', async () => {
  const kc = new KubeConfig();
  kc.loadFromString(api.kubeconfigYaml);
  const c = await checkProfile({ name: 'fixture', kubeConfig: () => kc }, { targets });
  assert.equal(c.ok, true, c.reason);
  assert.equal(c.status, 'ready');
  assert.match(c.serverVersion ?? '', /^v1\.\d+\.\d+\+skiff$/);
  assert.equal(c.nodeCount, 0);
  assert.equal(c.namespaces?.from, 'cluster');
  assert.ok(c.namespaces?.namespaces.includes('default'));
  assert.equal(c.namespaces?.defaultNamespace, 'default');
});

test('401: the credentials were rejected', async () => {
  const c = await checkProfile(profile('badtoken', api.server.url, { token: 'not-a-token' }, { 'certificate-authority-data': b64(ca()) }), {
    targets,
  });
  assert.equal(c.ok, false);
  assert.equal(c.status, 'unreachable');
  assert.equal(c.reason, 'unauthorized: the credentials were rejected');
});

test('TLS: unknown authority and name mismatch', async () => {
  const unknown = await checkProfile(profile('otherca', api.server.url, { token: 'x' }, { 'certificate-authority-data': b64(otherCa) }), {
    targets,
  });
  assert.match(unknown.reason ?? '', /^certificate signed by unknown authority/);
  const mismatch = await checkProfile(
    profile('name', api.server.url, { token: 'x' }, { 'certificate-authority-data': b64(ca()), 'tls-server-name': 'wrong.example' }),
    { targets },
  );
  assert.match(mismatch.reason ?? '', /^certificate name mismatch: .* not wrong\.example/);
});

test('refused and timeout name the address', async () => {
  const refused = await checkProfile(
    profile('dead', `https://127.0.0.1:${deadPort}`, { token: 'x' }, { 'insecure-skip-tls-verify': true }),
    { targets },
  );
  assert.equal(refused.reason, `connection refused at 127.0.0.1:${deadPort}`);
  const t0 = Date.now();
  const slow = await checkProfile(
    profile('slow', `https://127.0.0.1:${silentPort}`, { token: 'x' }, { 'insecure-skip-tls-verify': true }),
    { targets, timeoutMs: 300 },
  );
  assert.equal(slow.reason, `no answer from 127.0.0.1:${silentPort} within 0.3 s`);
  assert.ok(Date.now() - t0 < 3000);
});

test('403 on nodes and namespaces is not a failure: node count unknown, allow-list offered', async () => {
  const p = profile('limited', `http://127.0.0.1:${fakePort}`, { token: 'x' }, { 'insecure-skip-tls-verify': true }, 'team-a');
  const c = await checkProfile(p, { targets, allowList: ['team-b', 'team-a'] });
  assert.equal(c.ok, true, c.reason);
  assert.equal(c.serverVersion, 'v1.30.2');
  assert.equal(c.nodeCount, undefined);
  assert.equal(c.nodesNote, 'node count unknown: this user may not list nodes (403)');
  assert.deepEqual(c.namespaces?.namespaces, ['team-a', 'team-b']);
  assert.equal(c.namespaces?.from, 'allow-list');
  assert.equal(c.namespaces?.defaultNamespace, 'team-a');
  const ns = await profileNamespaces(p, { targets, allowList: ['x'] });
  assert.deepEqual(ns.namespaces, ['team-a', 'x']);
});

test('a profile that cannot be used says why without connecting', async () => {
  const c = await checkProfile(
    {
      name: 'broken',
      kubeConfig: () => {
        throw new Error('cannot read client-key /x.key');
      },
    },
    { targets },
  );
  assert.equal(c.ok, false);
  assert.equal(c.status, 'unknown');
  assert.match(c.reason ?? '', /cannot read client-key/);
});
