// The prober and lifecycle hooks over fake streams and a local HTTP server: thresholds,
// startup gating, liveness kills, readiness flips, preStop eating into the grace period.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { PassThrough } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../kinds/types';
import type { NodeStreams } from '../client/node-streams';
import type { RuntimeContainer } from './runtime';
import { createProber } from './probes';
import { runPostStart, runPreStop } from './lifecycle-hooks';

/** Streams whose exec exits with whatever `answer` says for the command. */
function fakeStreams(answer: (cmd: string[]) => { code: number; out?: string; delayMs?: number }) {
  const calls: string[][] = [];
  const streams = {
    async exec(_pod: KubeObject, _c: string, o: { command: string[] }) {
      calls.push(o.command);
      const a = answer(o.command);
      const stdout = new PassThrough();
      stdout.end(a.out ?? '');
      const exitCode = new Promise<number>((r) => setTimeout(() => r(a.code), a.delayMs ?? 0));
      return { stdout, stderr: new PassThrough().end() as PassThrough, resize() {}, exitCode, close() {} };
    },
  } as unknown as NodeStreams;
  return { streams, calls };
}

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1' } };
const ctr = (id: string): RuntimeContainer => ({
  id,
  podUid: 'u1',
  name: 'c',
  attempt: 0,
  image: 'i',
  imageID: 'i',
  state: 'running',
  createdAt: new Date(),
  startedAt: new Date(),
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fast = { periodSeconds: 1 }; // the shortest period Kubernetes allows

test('liveness: killed after failureThreshold consecutive failures, with Unhealthy events', async () => {
  const events: string[] = [];
  let changed = 0;
  const { streams } = fakeStreams(() => ({ code: 1, out: 'nope' }));
  const p = createProber({ streams, event: (_p, _t, r, m) => events.push(`${r}: ${m}`), changed: () => changed++ });
  const spec = { name: 'c', livenessProbe: { exec: { command: ['false'] }, ...fast, failureThreshold: 2 } };
  assert.equal(p.ensure(pod, spec, ctr('a'), '127.0.0.1').kill, undefined);
  await sleep(2500);
  const v = p.ensure(pod, spec, ctr('a'), '127.0.0.1');
  assert.equal(v.kill, 'liveness');
  assert.equal(changed, 1);
  assert.deepEqual(events, ['Unhealthy: Liveness probe failed: nope', 'Unhealthy: Liveness probe failed: nope']);
  p.close();
});

test('readiness over httpGet flips with the server; startup probe gates it', async () => {
  let status = 500;
  const srv = createServer((_q, s) => {
    s.statusCode = status;
    s.end();
  }).listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const port = (srv.address() as AddressInfo).port;
  let started = false;
  const { streams, calls } = fakeStreams(() => ({ code: started ? 0 : 1 }));
  const p = createProber({ streams, event: () => {}, changed: () => {} });
  const spec = {
    name: 'c',
    ports: [{ name: 'web', containerPort: port }],
    startupProbe: { exec: { command: ['ok'] }, ...fast, failureThreshold: 100 },
    readinessProbe: { httpGet: { path: '/', port: 'web' }, ...fast, failureThreshold: 1 },
  };
  assert.equal(p.ensure(pod, spec, ctr('b'), '127.0.0.1').ready, false);
  status = 200;
  await sleep(1200);
  assert.equal(p.ensure(pod, spec, ctr('b'), '127.0.0.1').ready, false, 'gated by the startup probe');
  started = true;
  await sleep(2300);
  assert.ok(calls.length >= 2, `calls ${calls.length}`);
  assert.equal(p.ensure(pod, spec, ctr('b'), '127.0.0.1').ready, true);
  status = 503;
  await sleep(1200);
  assert.equal(p.ensure(pod, spec, ctr('b'), '127.0.0.1').ready, false);
  p.prune('u1');
  srv.closeAllConnections();
  srv.close();
});

test('preStop runs and leaves the rest of the grace period; postStart failure is reported', async () => {
  const events: string[] = [];
  const { streams, calls } = fakeStreams((cmd) => ({
    code: cmd[0] === 'bad' ? 2 : 0,
    out: cmd[0] === 'bad' ? 'boom' : '',
    delayMs: cmd[0] === 'slow' ? 1100 : 0,
  }));
  const deps = { streams, event: (_p: KubeObject, _t: string, r: string, m: string) => events.push(`${r}: ${m}`) };
  const left = await runPreStop(deps, pod, { name: 'c', lifecycle: { preStop: { exec: { command: ['slow'] } } } }, '', 10);
  assert.equal(left, 9);
  assert.equal(await runPreStop(deps, pod, { name: 'c' }, '', 10), 10);
  assert.equal(await runPostStart(deps, pod, { name: 'c', lifecycle: { postStart: { exec: { command: ['bad'] } } } }, ''), false);
  assert.deepEqual(calls, [['slow'], ['bad']]);
  assert.deepEqual(events, ['FailedPostStartHook: PostStartHook failed: boom']);
});
