import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K8sError } from './errors';
import {
  createMetricsSampler,
  createRing,
  metricsPath,
  nodesList,
  podsList,
  recordSamples,
  type MetricsItem,
  type UsageSeries,
} from './metrics-sampler';

/** Manual timers and a fetch the test answers by hand. */
function harness() {
  let t = 0;
  const timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let seq = 0;
  const calls: Array<{ path: string; resolve(v: unknown): void; reject(e: unknown): void; signal?: AbortSignal }> = [];
  const sampler = createMetricsSampler({
    client: {
      getJson: (path, opts) =>
        new Promise((resolve, reject) =>
          calls.push({ path, resolve: resolve as (v: unknown) => void, reject, signal: opts?.signal }),
        ) as never,
    },
    now: () => t,
    setTimer: (fn, ms) => {
      timers.push({ at: t + ms, fn, id: ++seq });
      return seq;
    },
    clearTimer: (id) => {
      const i = timers.findIndex((x) => x.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  /** Moves the clock, firing timers that come due. */
  const advance = (ms: number) => {
    t += ms;
    for (let due = timers.filter((x) => x.at <= t); due.length; due = timers.filter((x) => x.at <= t)) {
      for (const d of due) {
        timers.splice(timers.indexOf(d), 1);
        d.fn();
      }
    }
  };
  const settle = () => new Promise((r) => setImmediate(r));
  return {
    sampler,
    calls,
    timers,
    advance,
    settle,
    get now() {
      return t;
    },
  };
}

const nodeItem = (name: string, cpu: string, memory: string, timestamp = ''): MetricsItem => ({
  metadata: { name },
  timestamp,
  usage: { cpu, memory },
});

test('a ring keeps the last N values, oldest first', () => {
  const r = createRing(3);
  assert.deepEqual(r.values(), []);
  assert.equal(r.last(), undefined);
  for (const v of [1, 2, 3, 4, 5]) r.push(v);
  assert.deepEqual(r.values(), [3, 4, 5]);
  assert.equal(r.last(), 5);
  assert.equal(r.length, 3);
});

test('samples parse quantities: nanocores to millicores, Ki to bytes; pods sum their containers', () => {
  const series = new Map<string, UsageSeries>();
  recordSamples(series, [
    nodeItem('n1', '123456789n', '1024Ki'),
    {
      metadata: { name: 'web', namespace: 'default' },
      containers: [
        { name: 'a', usage: { cpu: '250m', memory: '1Mi' } },
        { name: 'b', usage: { cpu: '0.5', memory: 'junk' } },
      ],
    },
  ]);
  assert.ok(Math.abs(series.get('n1')!.cpu.last()! - 123.456789) < 1e-9);
  assert.equal(series.get('n1')!.memory.last(), 1024 * 1024);
  const pod = series.get('default/web')!;
  assert.equal(pod.cpu.last(), 750);
  assert.equal(pod.memory.last(), 2 ** 20, 'an unreadable quantity counts as 0');
  assert.deepEqual(
    pod.containers.map((c) => [c.name, c.cpu]),
    [
      ['a', 250],
      ['b', 500],
    ],
  );
});

test('a repeated timestamp adds no point; objects gone from the answer are forgotten; 30 samples at most', () => {
  const series = new Map<string, UsageSeries>();
  recordSamples(series, [nodeItem('n1', '1m', '1', 't1'), nodeItem('n2', '1m', '1', 't1')]);
  recordSamples(series, [nodeItem('n1', '2m', '1', 't1')]);
  assert.deepEqual(series.get('n1')!.cpu.values(), [1]);
  assert.equal(series.has('n2'), false);
  for (let i = 0; i < 40; i++) recordSamples(series, [nodeItem('n1', `${i}m`, '1', `s${i}`)]);
  assert.equal(series.get('n1')!.cpu.length, 30);
  assert.equal(series.get('n1')!.cpu.values()[0], 10);
});

test('paths: nodes, one namespace, all namespaces', () => {
  assert.equal(metricsPath(nodesList), '/apis/metrics.k8s.io/v1beta1/nodes');
  assert.equal(metricsPath(podsList('default')), '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods');
  assert.equal(metricsPath(podsList('')), '/apis/metrics.k8s.io/v1beta1/pods');
});

test('polls every 10 s while subscribed, one request in flight, and stops on unsubscribe', async () => {
  const h = harness();
  let changes = 0;
  const off = h.sampler.subscribe(nodesList, () => changes++);
  assert.equal(h.calls.length, 1);
  void h.sampler.poll(nodesList); // a second ask while one is out joins it
  assert.equal(h.calls.length, 1);
  assert.equal(h.timers.length, 0, 'the next poll is timed only once this one ends');
  h.calls[0].resolve({ items: [nodeItem('n1', '5m', '1Mi', 't1')] });
  await h.settle();
  assert.equal(changes, 1);
  assert.equal(h.sampler.available(), true);
  assert.equal(h.sampler.series(nodesList, 'n1')!.cpu.last(), 5);
  h.advance(9_999);
  assert.equal(h.calls.length, 1);
  h.advance(1);
  assert.equal(h.calls.length, 2);
  off();
  assert.equal(h.calls[1].signal?.aborted, true, 'the poll of a list nobody watches is cancelled');
  h.calls[1].resolve({ items: [] });
  await h.settle();
  h.advance(60_000);
  assert.equal(h.calls.length, 2);
  assert.equal(h.timers.length, 0);
});

test('two views of one list share its poll', () => {
  const h = harness();
  const a = h.sampler.subscribe(podsList('default'), () => {});
  const b = h.sampler.subscribe(podsList('default'), () => {});
  assert.equal(h.calls.length, 1);
  a();
  assert.equal(h.calls[0].signal?.aborted, false, 'still watched by the other view');
  b();
  assert.equal(h.calls[0].signal?.aborted, true);
});

for (const code of [404, 503]) {
  test(`a ${code} pauses every list of the profile for 60 s and clears the charts, quietly`, async () => {
    const h = harness();
    let changes = 0;
    h.sampler.subscribe(nodesList, () => changes++);
    h.sampler.subscribe(podsList(''), () => changes++);
    assert.equal(h.calls.length, 2);
    h.calls[0].resolve({ items: [nodeItem('n1', '5m', '1Mi')] });
    await h.settle();
    assert.ok(h.sampler.series(nodesList, 'n1'));
    h.calls[1].reject(
      new K8sError('the server could not find the requested resource', code, code === 404 ? 'NotFound' : 'ServiceUnavailable', ''),
    );
    await h.settle();
    assert.equal(h.sampler.available(), false);
    assert.equal(h.sampler.series(nodesList, 'n1'), undefined, 'no stale charts');
    assert.ok(changes >= 3);
    h.advance(59_999);
    assert.equal(h.calls.length, 2, 'nothing asked during the back-off');
    void h.sampler.poll(nodesList);
    assert.equal(h.calls.length, 2, 'not even when asked directly');
    h.advance(1);
    assert.equal(h.calls.length, 4, 'both lists ask again after 60 s');
  });
}

test('a slow answer spaces the polls out (20 × what it took)', async () => {
  const h = harness();
  h.sampler.subscribe(podsList(''), () => {});
  h.advance(2_000);
  h.calls[0].resolve({ items: [] });
  await h.settle();
  h.advance(39_999);
  assert.equal(h.calls.length, 1);
  h.advance(1);
  assert.equal(h.calls.length, 2);
});

test('other failures keep the samples and retry at the usual pace', async () => {
  const h = harness();
  h.sampler.subscribe(nodesList, () => {});
  h.calls[0].resolve({ items: [nodeItem('n1', '5m', '1Mi', 't1')] });
  await h.settle();
  h.advance(10_000);
  h.calls[1].reject(new K8sError('boom', 500, 'InternalError', ''));
  await h.settle();
  assert.equal(h.sampler.available(), true);
  assert.equal(h.sampler.series(nodesList, 'n1')!.cpu.last(), 5);
  h.advance(10_000);
  assert.equal(h.calls.length, 3);
});
