// pods/log through a real API server with a fake node whose log streams the test controls,
// read by real kubectl (oldest and newest supported) and by plain HTTPS.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:https';
import { PassThrough, Readable } from 'node:stream';
import type { LogOptions, NodeStreams } from '../../engine/client/node-streams';
import type { KubeObject } from '../../engine/kinds/types';
import { startApiFixture, type ApiFixture } from './api-fixture';
import { spawn } from 'node:child_process';
import { kubectlPath, run } from './harness';

let f: ApiFixture;
let kubeconfig: string;
const calls: Array<{ pod: string; container: string; opts: LogOptions }> = [];
const T0 = Date.parse('2026-01-01T00:00:00Z');
// Line i was written at T0 + i minutes.
const LINES = ['one', 'two', 'three', 'four'];
let followStream: PassThrough | undefined;
let followClosed = false;

function fakeLogs(pod: KubeObject, container: string, opts: LogOptions): Readable {
  calls.push({ pod: pod.metadata.name!, container, opts });
  if (opts.follow) {
    followClosed = false;
    followStream = new PassThrough();
    followStream.on('close', () => {
      followClosed = true;
    });
    followStream.write('first\n');
    return followStream;
  }
  const prefix = opts.previous ? 'old-' : `${container}-`;
  let lines = LINES.map((l, i) => ({ at: new Date(T0 + i * 60_000), text: prefix + l }));
  if (opts.since) lines = lines.filter((l) => l.at >= opts.since!);
  if (opts.tailLines !== undefined) lines = lines.slice(Math.max(0, lines.length - opts.tailLines));
  const text = lines.map((l) => `${opts.timestamps ? l.at.toISOString().replace('.000Z', '.000000000Z') + ' ' : ''}${l.text}\n`).join('');
  return Readable.from([Buffer.from(text)]);
}

const fake: NodeStreams = {
  logs: async (pod, container, opts) => fakeLogs(pod, container, opts),
  exec: async () => {
    throw new Error('no exec here');
  },
  attach: async () => {
    throw new Error('no attach here');
  },
  portForward: async () => {
    throw new Error('no port-forward here');
  },
};

const running = { running: { startedAt: '2026-01-01T00:00:00Z' } };
const status = (name: string, state: object, last?: object) => ({
  name,
  ready: true,
  restartCount: last ? 1 : 0,
  image: 'busybox',
  imageID: '',
  containerID: 'docker://abc',
  state,
  lastState: last ?? {},
});

async function createPod(name: string, containers: string[], opts: { node?: string; init?: string[]; statuses?: object[] } = {}) {
  const core = f.server.core;
  const def = core.kinds.byResource('', 'v1', 'pods')!;
  const spec: any = { containers: containers.map((c) => ({ name: c, image: 'busybox' })) };
  if (opts.node) spec.nodeName = opts.node;
  if (opts.init) spec.initContainers = opts.init.map((c) => ({ name: c, image: 'busybox' }));
  await core.resources.create(def, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec } as any, {});
  if (opts.statuses) {
    await core.resources.mutate(
      def,
      'default',
      name,
      (cur: any) => ({ ...cur, status: { phase: 'Running', containerStatuses: opts.statuses } }),
      { subresource: 'status' } as any,
    );
  }
}

before(async () => {
  f = await startApiFixture();
  f.server.core.nodeStreams.set('node-x', fake);
  kubeconfig = join(f.dir, 'kubeconfig');
  writeFileSync(kubeconfig, f.kubeconfigYaml);
  mkdirSync(join(f.dir, 'home'), { recursive: true });
  await createPod('web', ['main'], { node: 'node-x', statuses: [status('main', running)] });
  await createPod('multi', ['a', 'b'], { node: 'node-x', init: ['setup'], statuses: [status('a', running), status('b', running)] });
  await createPod('waiting', ['c'], {
    node: 'node-x',
    statuses: [{ ...status('c', { waiting: { reason: 'ContainerCreating' } }), containerID: undefined }],
  });
  await createPod('restarted', ['main'], {
    node: 'node-x',
    statuses: [status('main', running, { terminated: { exitCode: 1, reason: 'Error', containerID: 'docker://old' } })],
  });
  await createPod('orphan', ['main'], { node: 'node-gone', statuses: [status('main', running)] });
  await createPod('unbound', ['main']);
});
after(async () => {
  await f?.close();
});

/** A raw GET as the admin, returning status, content type and body. */
function get(path: string): Promise<{ status: number; type: string; body: string }> {
  const url = new URL(path, f.server.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: f.pki.caCert, headers: { Authorization: `Bearer ${f.pki.adminToken}` } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const logPath = (pod: string, query = '') => `/api/v1/namespaces/default/pods/${pod}/log${query}`;

describe('pods/log over HTTP', () => {
  test("single container: 200 text/plain with the node's text", async () => {
    const r = await get(logPath('web'));
    assert.equal(r.status, 200);
    assert.equal(r.type, 'text/plain');
    assert.equal(r.body, 'main-one\nmain-two\nmain-three\nmain-four\n');
  });
  test('passes tail, since, timestamps and previous through to the node', async () => {
    await get(logPath('web', '?tailLines=2&timestamps=true&sinceSeconds=30'));
    const o = calls.at(-1)!.opts;
    assert.equal(o.tailLines, 2);
    assert.equal(o.timestamps, true);
    assert.ok(o.since && Math.abs(Date.now() - 30_000 - o.since.getTime()) < 5_000);
    await get(logPath('restarted', '?previous=true&sinceTime=2026-01-01T00:01:00Z'));
    assert.equal(calls.at(-1)!.opts.previous, true);
    assert.equal(calls.at(-1)!.opts.since?.toISOString(), '2026-01-01T00:01:00.000Z');
  });
  test("Go's ParseBool spellings (the Python client's True/False) reach the node", async () => {
    await get(logPath('web', '?timestamps=True&previous=False'));
    assert.equal(calls.at(-1)!.opts.timestamps, true);
    assert.equal(calls.at(-1)!.opts.previous, false);
    await get(logPath('restarted', '?previous=T&timestamps=f'));
    assert.equal(calls.at(-1)!.opts.previous, true);
    assert.equal(calls.at(-1)!.opts.timestamps, false);
    const bad = await get(logPath('web', '?timestamps=yes'));
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.body).message, /strconv.ParseBool: parsing "yes": invalid syntax/);
  });
  test('follow=True streams like follow=true', async () => {
    const url = new URL(logPath('web', '?follow=True'), f.server.url);
    const first = await new Promise<string>((resolve, reject) => {
      const req = request(url, { ca: f.pki.caCert, headers: { Authorization: `Bearer ${f.pki.adminToken}` } }, (res) => {
        res.once('data', (d) => {
          resolve(String(d));
          req.destroy();
        });
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(first, 'first\n');
    assert.equal(calls.at(-1)!.opts.follow, true);
  });
  test('limitBytes truncates even if the node sends more', async () => {
    const r = await get(logPath('web', '?limitBytes=5'));
    assert.equal(r.body, 'main-');
  });
  test('multi-container pod without a container: 400 naming containers and init containers', async () => {
    const r = await get(logPath('multi'));
    assert.equal(r.status, 400);
    assert.equal(
      JSON.parse(r.body).message,
      'a container name must be specified for pod multi, choose one of: [a b] or one of the init containers: [setup]',
    );
  });
  test('unknown container: 400', async () => {
    const r = await get(logPath('web', '?container=x'));
    assert.equal(r.status, 400);
    assert.equal(JSON.parse(r.body).message, 'container x is not valid for pod web');
  });
  test('waiting container: 400 with the waiting reason', async () => {
    const r = await get(logPath('waiting'));
    assert.equal(r.status, 400);
    assert.equal(JSON.parse(r.body).message, 'container "c" in pod "waiting" is waiting to start: ContainerCreating');
  });
  test('previous without a terminated instance: 400', async () => {
    const r = await get(logPath('web', '?previous=true'));
    assert.equal(r.status, 400);
    assert.equal(JSON.parse(r.body).message, 'previous terminated container "main" in pod "web" not found');
  });
  test('node without streams: 503', async () => {
    const r = await get(logPath('orphan'));
    assert.equal(r.status, 503);
    assert.match(JSON.parse(r.body).message, /node-gone/);
  });
  test('unscheduled pod: empty 200, like upstream', async () => {
    const r = await get(logPath('unbound'));
    assert.equal(r.status, 200);
    assert.equal(r.body, '');
  });
  test('invalid options: 422 PodLogOptions', async () => {
    const r = await get(logPath('web', '?tailLines=-1'));
    assert.equal(r.status, 422);
    assert.match(JSON.parse(r.body).message, /^PodLogOptions "web" is invalid: tailLines: Invalid value: -1/);
  });
  test('missing pod: 404', async () => {
    const r = await get(logPath('nope'));
    assert.equal(r.status, 404);
  });
});

/** `kubectl logs -f` as a child process whose stdout the test watches. */
function follow(version: string, pod: string) {
  const child = spawn(kubectlPath(version), ['--kubeconfig', kubeconfig, 'logs', '-f', pod], {
    env: { PATH: process.env.PATH ?? '', HOME: join(f.dir, 'home') },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    exited,
    output: () => out,
    async waitFor(re: RegExp) {
      const start = Date.now();
      while (!re.test(out)) {
        if (Date.now() - start > 10_000) throw new Error(`timed out waiting for ${re} in:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

const kubectl = (version: string, args: string[]) =>
  run(kubectlPath(version), ['--kubeconfig', kubeconfig, ...args], { env: { HOME: join(f.dir, 'home') }, timeoutMs: 30_000 });

for (const version of ['1.27', '1.33']) {
  describe(`kubectl ${version} logs`, () => {
    test('prints the log', async () => {
      const r = await kubectl(version, ['logs', 'web']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'main-one\nmain-two\nmain-three\nmain-four\n');
    });
    test('-c picks the container', async () => {
      const r = await kubectl(version, ['logs', 'multi', '-c', 'b']);
      assert.equal(r.stdout, 'b-one\nb-two\nb-three\nb-four\n', r.stderr);
    });
    test('--tail, --timestamps and --limit-bytes', async () => {
      assert.equal((await kubectl(version, ['logs', 'web', '--tail=1'])).stdout, 'main-four\n');
      assert.equal(
        (await kubectl(version, ['logs', 'web', '--tail=1', '--timestamps'])).stdout,
        '2026-01-01T00:03:00.000000000Z main-four\n',
      );
      assert.equal((await kubectl(version, ['logs', 'web', '--limit-bytes=8'])).stdout, 'main-one');
    });
    test('--since and --since-time reach the node', async () => {
      await kubectl(version, ['logs', 'web', '--since=1h']);
      const since = calls.at(-1)!.opts.since!;
      assert.ok(Math.abs(Date.now() - 3_600_000 - since.getTime()) < 10_000);
      const r = await kubectl(version, ['logs', 'web', '--since-time=2026-01-01T00:02:00Z']);
      assert.equal(r.stdout, 'main-three\nmain-four\n', r.stderr);
    });
    test('--previous reads the last terminated instance', async () => {
      const r = await kubectl(version, ['logs', 'restarted', '--previous']);
      assert.equal(r.stdout, 'old-one\nold-two\nold-three\nold-four\n', r.stderr);
      const bad = await kubectl(version, ['logs', 'web', '--previous']);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /previous terminated container "main" in pod "web" not found/);
    });
    test('errors are printed as the server words them', async () => {
      const w = await kubectl(version, ['logs', 'waiting']);
      assert.notEqual(w.code, 0);
      assert.match(w.stderr, /Error from server \(BadRequest\): container "c" in pod "waiting" is waiting to start: ContainerCreating/);
      const x = await kubectl(version, ['logs', 'web', '-c', 'x']);
      assert.match(x.stderr, /container x is not valid for pod web/);
    });
    test('-f shows new lines as they come and ends when the container does', async () => {
      const p = follow(version, 'web');
      await p.waitFor(/first\n/);
      assert.equal(calls.at(-1)!.opts.follow, true);
      followStream!.write('second\n');
      await p.waitFor(/second\n/);
      followStream!.end('last\n');
      await p.exited;
      assert.equal(p.output(), 'first\nsecond\nlast\n');
    });
    test('-f stops the node stream when kubectl goes away', async () => {
      const p = follow(version, 'web');
      await p.waitFor(/first\n/);
      p.child.kill('SIGTERM');
      await p.exited;
      const start = Date.now();
      while (!followClosed && Date.now() - start < 5_000) await new Promise((r) => setTimeout(r, 50));
      assert.ok(followClosed, 'the node log stream was not closed');
    });
  });
}
