import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDurationMs, parseSimulateAnnotation, SIMULATE_ANNOTATION } from './simulate-annotation';
import { createIPAllocator, indexOfPodCIDR, nodeIPFor, podCIDRFor } from './pod-cidr';
import { createWriteQueue } from './status-writer';

test('durations: units and plain seconds', () => {
  assert.equal(parseDurationMs('250ms'), 250);
  assert.equal(parseDurationMs('2s'), 2000);
  assert.equal(parseDurationMs('1m'), 60_000);
  assert.equal(parseDurationMs(1.5), 1500);
  assert.equal(parseDurationMs('soon'), undefined);
});

test('simulate annotation: pod-wide settings with per-container overrides', () => {
  const b = parseSimulateAnnotation({
    [SIMULATE_ANNOTATION]: '{"exitCode":1,"after":"2s","cpu":"250m","memory":"64Mi","containers":{"side":{"exitCode":0,"ready":false}}}',
  });
  assert.deepEqual(b('app'), { exitCode: 1, afterMs: 2000, cpuNanoCores: 250_000_000, memoryBytes: 64 * 1024 * 1024 });
  assert.deepEqual(b('side'), { exitCode: 0, afterMs: 2000, cpuNanoCores: 250_000_000, memoryBytes: 64 * 1024 * 1024, ready: false });
  assert.deepEqual(parseSimulateAnnotation({ [SIMULATE_ANNOTATION]: '{not json' })('app'), {});
  assert.deepEqual(parseSimulateAnnotation(undefined)('app'), {});
});

test('pod CIDRs and node IPs per node index', () => {
  assert.equal(podCIDRFor(0), '10.244.0.0/24');
  assert.equal(podCIDRFor(999), '10.247.231.0/24');
  assert.equal(indexOfPodCIDR(podCIDRFor(999)), 999);
  assert.equal(indexOfPodCIDR('192.168.0.0/24'), undefined);
  assert.equal(nodeIPFor(0), '172.18.0.2');
  assert.equal(nodeIPFor(300), '172.18.1.46');
  const ips = createIPAllocator('10.244.3.0/24');
  const a = ips.allocate();
  assert.equal(a, '10.244.3.2');
  assert.equal(ips.allocate(), '10.244.3.3');
  ips.release(a);
  for (let i = 0; i < 252; i++) ips.allocate(); // .2–.254 hold 253 pods
  assert.throws(() => ips.allocate(), /exhausted/);
});

test('write queue coalesces a key and caps writes in flight', async () => {
  const q = createWriteQueue({ concurrency: 2 });
  const done: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const write = (tag: string) => async () => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 5));
    done.push(tag);
    inFlight--;
  };
  q.enqueue('a', write('a1'));
  q.enqueue('a', write('a2')); // replaces a1 before it ran
  for (const k of ['b', 'c', 'd']) q.enqueue(k, write(k));
  await q.idle();
  assert.deepEqual(done.sort(), ['a2', 'b', 'c', 'd']);
  assert.equal(maxInFlight, 2);

  // Urgent writes overtake queued normal ones.
  const order: string[] = [];
  const w = (tag: string) => async () => {
    order.push(tag);
  };
  const q1 = createWriteQueue({ concurrency: 1 });
  q1.enqueue('busy', () => new Promise((r) => setTimeout(r, 5)));
  q1.enqueue('pod', w('pod'));
  q1.enqueue('lease', w('lease'), true);
  await q1.idle();
  assert.deepEqual(order, ['lease', 'pod']);
  q.stop();
  q1.stop();
});
