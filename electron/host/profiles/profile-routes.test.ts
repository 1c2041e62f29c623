// The profile API of the host in browser mode, against a real API server: kubeconfig profiles
// listed with the local ones, checked, proxied, exec consent, namespaces, export, removal, events.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startApp, type RunningApp } from '../app-main';
import type { HostEvent, ProfileCheck, ProfileSource, ProfileSummary } from '../protocol';
import { startTestApiServer, type TestApiServer } from '../testing/test-api-server';
import { httpGet } from '../testing/test-http';
import { loginHeaders } from '../testing/session-login';

let dir: string;
let api: TestApiServer;
let app: RunningApp;
let headers: Record<string, string>;
let kubeFile: string;
let original: string;
const events: HostEvent[] = [];
let closeEvents = () => {};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-proutes-'));
  api = await startTestApiServer('fixture');
  const token = readFileSync(join(api.dir, 'pki', 'admin.token'), 'utf8').trim();
  const kc = parseYaml(api.kubeconfigYaml);
  const plugin = join(dir, 'plugin.sh');
  writeFileSync(
    plugin,
    `#!/bin/sh\ntouch "${join(dir, 'ran')}"\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${token}"}}'\n`,
  );
  chmodSync(plugin, 0o755);
  kc.users.push({ name: 'ex', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, args: [] } } });
  kc.contexts.push({ name: 'via-plugin', context: { cluster: kc.clusters[0].name, user: 'ex' } });
  mkdirSync(join(dir, 'home', '.kube'), { recursive: true });
  kubeFile = join(dir, 'home', '.kube', 'config');
  original = JSON.stringify(kc);
  writeFileSync(kubeFile, original);
  mkdirSync(join(dir, 'web'));
  writeFileSync(join(dir, 'web', 'index.html'), '<!doctype html>');
  app = await startApp({
    dataDir: join(dir, 'data'),
    env: { ...process.env, HOME: join(dir, 'home'), KUBECONFIG: undefined },
    staticDir: join(dir, 'web'),
    pollMs: 0,
    profilePollMs: 200,
  });
  headers = await loginHeaders(app.port, app.launchUrl);
  await new Promise<void>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: app.port, path: '/api/events', headers: { ...headers, host: `127.0.0.1:${app.port}` }, agent: false },
      (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          buf += d;
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const data = buf
              .slice(0, i)
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n');
            buf = buf.slice(i + 2);
            if (data) events.push(JSON.parse(data));
          }
        });
        resolve();
      },
    );
    req.on('error', reject);
    closeEvents = () => req.destroy();
    req.end();
  });
});

after(async () => {
  closeEvents();
  await app?.close();
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = (path: string, method = 'GET', body?: unknown) =>
  httpGet(
    app.port,
    path,
    { ...headers, 'content-type': 'application/json' },
    method,
    body === undefined ? undefined : JSON.stringify(body),
  );
const json = async <T>(path: string, method = 'GET', body?: unknown, status = 200): Promise<T> => {
  const r = await call(path, method, body);
  assert.equal(r.status, status, `${method} ${path}: ${r.body}`);
  return JSON.parse(r.body) as T;
};
async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 5000): Promise<T> {
  const t = Date.now();
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() - t > ms) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('the default kubeconfig gives profiles; checked in the background; proxied like local ones', async () => {
  const list = await json<ProfileSummary[]>('/api/profiles');
  assert.deepEqual(
    list.map((p) => [p.name, p.source]),
    [
      ['skiff-fixture', 'kubeconfig'],
      ['via-plugin', 'kubeconfig'],
    ],
  );
  const sources = await json<ProfileSource[]>('/api/profile-sources');
  assert.equal(sources[0].id, 'default');
  assert.deepEqual(sources[0].paths, [kubeFile]);
  await until('background check', async () =>
    (await json<ProfileSummary[]>('/api/profiles')).find((p) => p.name === 'skiff-fixture' && p.status === 'ready'),
  );
  const nodes = await call('/k8s/skiff-fixture/api/v1/namespaces');
  assert.equal(nodes.status, 200, nodes.body);
  const check = await json<ProfileCheck>('/api/profiles/skiff-fixture/check', 'POST');
  assert.equal(check.ok, true);
  assert.equal(check.nodeCount, 0);
});

test('exec consent over the API: 401 ExecConsentRequired until allowed, then the plugin token works', async () => {
  const p = (await json<ProfileSummary[]>('/api/profiles')).find((x) => x.name === 'via-plugin')!;
  assert.equal(p.exec?.consented, false);
  const denied = await call('/k8s/via-plugin/api/v1/namespaces');
  assert.equal(denied.status, 401);
  assert.equal(JSON.parse(denied.body).reason, 'ExecConsentRequired');
  assert.equal(existsSync(join(dir, 'ran')), false);
  assert.equal((await call('/api/profiles/via-plugin/consent', 'POST', { command: '/bin/sh', args: [], env: [] })).status, 409);
  assert.equal((await call('/api/profiles/via-plugin/consent', 'POST')).status, 400);
  const allowed = await json<ProfileSummary>('/api/profiles/via-plugin/consent', 'POST', {
    command: p.exec!.command,
    args: p.exec!.args,
    env: p.exec!.env,
  });
  assert.equal(allowed.exec?.consented, true);
  const ok = await call('/k8s/via-plugin/api/v1/namespaces');
  assert.equal(ok.status, 200, ok.body);
  assert.ok(existsSync(join(dir, 'ran')));
  const revoked = await json<ProfileSummary>('/api/profiles/via-plugin/consent', 'DELETE');
  assert.equal(revoked.exec?.consented, false);
});

test('namespaces, kubeconfig export and bad requests', async () => {
  const ns = await json<{ namespaces: string[]; from: string }>('/api/profiles/skiff-fixture/namespaces');
  assert.equal(ns.from, 'cluster');
  assert.ok(ns.namespaces.includes('kube-system'));
  const set = await json<ProfileSummary>('/api/profiles/skiff-fixture/namespaces', 'PUT', { namespaces: ['team-a'] });
  assert.deepEqual(set.allowedNamespaces, ['team-a']);
  assert.equal((await call('/api/profiles/skiff-fixture/namespaces', 'PUT', { namespaces: 'x' })).status, 400);
  const k = await call('/api/profiles/skiff-fixture/kubeconfig');
  assert.equal(k.status, 200);
  assert.match(String(k.headers['content-type']), /^application\/yaml/);
  const doc = parseYaml(k.body);
  assert.deepEqual(
    doc.contexts.map((c: { name: string }) => c.name),
    ['skiff-fixture'],
    'that profile only',
  );
  assert.ok(doc.users[0].user['client-key-data'], 'credentials inlined');
  assert.equal((await call('/api/profiles/ghost/check', 'POST')).status, 404);
  assert.equal((await call('/api/profiles/skiff-fixture/check')).status, 405);
  const bad = await call('/api/profile-sources', 'POST', { path: join(dir, 'missing.yaml') });
  assert.equal(bad.status, 404);
  assert.match(JSON.parse(bad.body).error, /no such file or folder/);
  const rel = await call('/api/profile-sources', 'POST', { path: 'x.yaml' });
  assert.equal(rel.status, 400);
  assert.equal((await call('/api/profile-sources/s-nope', 'DELETE')).status, 404);
});

test('edits of the watched file arrive as profiles events; removal hides; the file is never written', async () => {
  const kc = JSON.parse(original);
  kc.contexts.push({ name: 'added-live', context: { cluster: kc.clusters[0].name, user: kc.users[0].name } });
  writeFileSync(kubeFile, JSON.stringify(kc));
  await until('profiles event with added-live', () =>
    events.some((e) => e.type === 'profiles' && e.profiles.some((p) => p.name === 'added-live')),
  );
  assert.ok(events.some((e) => e.type === 'profile-sources'));
  const text = readFileSync(kubeFile, 'utf8');
  const r = await json<{ removed: string }>('/api/profiles/added-live', 'DELETE');
  assert.equal(r.removed, 'hidden');
  assert.ok(!(await json<ProfileSummary[]>('/api/profiles')).some((p) => p.name === 'added-live'));
  assert.equal(readFileSync(kubeFile, 'utf8'), text);
});
