// The whole host in browser mode, in process: launch URL, host API, events, a real cluster
// started through the API, the kube proxy reaching it, stop and delete.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runningPid } from '../../engine/cluster/pid-file';
import { parseAppFlags, startApp, type RunningApp } from './app-main';
import type { AppInfo, HostEvent, LocalCluster } from './protocol';
import { httpGet } from './testing/test-http';

let dir: string;
let app: RunningApp;
let headers: Record<string, string>;
const events: HostEvent[] = [];
let closeEvents: () => void = () => {};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-app-'));
  mkdirSync(join(dir, 'web'));
  mkdirSync(join(dir, 'home'));
  writeFileSync(join(dir, 'web', 'index.html'), '<!doctype html><title>app</title>');
  const env = { ...process.env, HOME: join(dir, 'home'), SKIFF_DEFAULT_IMAGE: 'busybox:test', KUBECONFIG: undefined };
  app = await startApp({ dataDir: join(dir, 'data'), env, staticDir: join(dir, 'web'), pollMs: 0 });
});

after(async () => {
  closeEvents();
  await app?.close();
  const pid = runningPid(join(dir, 'data', 'web', 'skiff.pid'));
  if (pid) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const api = (path: string, method = 'GET', body?: string) =>
  httpGet(app.port, path, { ...headers, 'content-type': 'application/json' }, method, body);

function openEvents(): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: app.port, path: '/api/events', headers: { ...headers, host: `127.0.0.1:${app.port}` }, agent: false },
      (res) => {
        assert.equal(res.statusCode, 200);
        assert.match(String(res.headers['content-type']), /^text\/event-stream/);
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          buf += d;
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const data = block
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n');
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
}

async function until<T>(what: string, check: () => T | undefined, ms = 45_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events).slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('skiff app flags', () => {
  assert.deepEqual(parseAppFlags(['--web', '--port', '8080', '--no-open']), { open: false, help: false, port: 8080 });
  assert.equal(parseAppFlags(['--data-dir=/tmp/x']).dataDir, '/tmp/x');
  assert.throws(() => parseAppFlags(['--port', 'abc']), /invalid --port "abc"/);
  assert.throws(() => parseAppFlags(['--nope']), /unknown argument "--nope"/);
  assert.throws(() => parseAppFlags(['--port']), /--port needs a value/);
  assert.equal(parseAppFlags(['--open', '#/c/skiff-dev/core/pods?ns=x']).route, '/c/skiff-dev/core/pods?ns=x');
  assert.equal(parseAppFlags(['--open=/c/p']).route, '/c/p');
  assert.throws(() => parseAppFlags(['--open', 'pods']), /invalid --open "pods"; a route looks like \/c\/<profile>/);
  assert.throws(() => parseAppFlags(['--open']), /--open needs a value/);
});

test('the launch URL opens the session', async () => {
  assert.match(app.launchUrl, new RegExp(`^http://127\\.0\\.0\\.1:${app.port}/\\?token=`));
  const u = new URL(app.launchUrl);
  assert.equal((await httpGet(app.port, '/api/app')).status, 403);
  const r = await httpGet(app.port, u.pathname + u.search);
  assert.equal(r.status, 302);
  const cookie = String(r.headers['set-cookie']?.[0]).split(';')[0];
  assert.match(cookie, /^skiff_session=/);
  const origin = `http://127.0.0.1:${app.port}`;
  assert.equal((await httpGet(app.port, '/api/app', { cookie, origin })).status, 401, 'the cookie alone is not enough');
  const token = u.searchParams.get('token') ?? '';
  const traded = await httpGet(app.port, '/api/session', { cookie, origin }, 'POST', JSON.stringify({ token }));
  assert.equal(traded.status, 200, traded.body);
  headers = { cookie, origin, 'x-skiff-session': (JSON.parse(traded.body) as { secret: string }).secret };
});

test('GET /api/app', async () => {
  const r = await api('/api/app');
  assert.equal(r.status, 200);
  const info = JSON.parse(r.body) as AppInfo;
  assert.equal(info.version, '0.1.0');
  assert.equal(info.mode, 'web');
  assert.equal(info.dataDir, join(dir, 'data'));
  assert.equal(info.defaultImage, 'busybox:test');
  assert.equal(typeof info.docker.available, 'boolean');
  if (!info.docker.available) assert.match(info.docker.hint ?? '', /Docker is not running: .*start/);
});

test('bad requests are HostErrors', async () => {
  const bad = await api('/api/clusters', 'POST', '{nope');
  assert.equal(bad.status, 400);
  assert.match(JSON.parse(bad.body).error, /not valid JSON/);
  const field = await api('/api/clusters', 'POST', JSON.stringify({ nodes: 'two' }));
  assert.equal(field.status, 400);
  assert.deepEqual(Object.keys(JSON.parse(field.body)).sort(), ['error', 'hint']);
  assert.equal((await api('/api/clusters/ghost/stop', 'POST')).status, 404);
  assert.equal((await api('/api/clusters', 'PUT')).status, 405);
  assert.equal((await api('/api/nothing')).status, 404);
});

test('start a cluster through the API, reach it through the proxy, stop and delete it', { timeout: 60_000 }, async () => {
  await openEvents();
  await until('initial profiles event', () => events.find((e) => e.type === 'profiles'));
  assert.deepEqual(JSON.parse((await api('/api/clusters')).body), []);

  const r = await api('/api/clusters', 'POST', JSON.stringify({ name: 'web', nodes: 1, runtime: 'simulated' }));
  assert.equal(r.status, 202, r.body);
  assert.equal((JSON.parse(r.body) as LocalCluster).state, 'starting');
  assert.equal((await api('/api/clusters', 'POST', JSON.stringify({ name: 'web' }))).status, 409);

  const running = await until('running event', () =>
    events.map((e) => (e.type === 'cluster' ? e.cluster : undefined)).find((c) => c?.state === 'running' || c?.state === 'failed'),
  );
  assert.equal(running.state, 'running', running.error);
  await until('ready profile', () =>
    events.find(
      (e) => e.type === 'profiles' && e.profiles.some((p) => p.name === 'skiff-web' && p.status === 'ready' && p.simulated === true),
    ),
  );

  const nodes = await api('/k8s/skiff-web/api/v1/nodes');
  assert.equal(nodes.status, 200, nodes.body);
  assert.deepEqual(
    JSON.parse(nodes.body).items.map((n: { metadata: { name: string } }) => n.metadata.name),
    ['web-node-1'],
  );
  const profiles = JSON.parse((await api('/api/profiles')).body);
  assert.equal(profiles[0].name, 'skiff-web');

  const stopped = await api('/api/clusters/web/stop', 'POST');
  assert.equal(stopped.status, 200, stopped.body);
  assert.equal(JSON.parse(stopped.body).state, 'stopped');
  const down = await api('/k8s/skiff-web/api/v1/nodes');
  assert.equal(down.status, 503);
  assert.match(JSON.parse(down.body).message, /connection refused at 127\.0\.0\.1:\d+/);

  const del = await api('/api/clusters/web', 'DELETE');
  assert.equal(del.status, 200);
  assert.deepEqual(JSON.parse(del.body), { deleted: 'web' });
  await until('cluster-deleted event', () => events.find((e) => e.type === 'cluster-deleted' && e.name === 'web'));
  assert.equal(existsSync(join(dir, 'data', 'web')), false);
  assert.equal((await api('/k8s/skiff-web/api/v1/nodes')).status, 404, 'the profile went with the cluster');
  assert.equal(existsSync(join(dir, 'home', '.kube')), false, 'the user kubeconfig was never written');
});
