import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCoalescingRunner } from './coalescing-runner';

const unexpected = (e: unknown) => assert.fail(`unexpected error: ${String(e)}`);

/** Work whose runs end only when the test releases them, counting runs and overlaps. */
function gatedWork() {
  const gates: (() => void)[] = [];
  let active = 0;
  const seen = { runs: 0, maxActive: 0 };
  const work = async () => {
    seen.runs++;
    active++;
    seen.maxActive = Math.max(seen.maxActive, active);
    await new Promise<void>((resolve) => gates.push(resolve));
    active--;
  };
  /** Ends the oldest run in progress, once it has started. */
  const release = async () => {
    while (!gates.length) await new Promise((r) => setImmediate(r));
    gates.shift()!();
  };
  return { work, release, seen };
}

test('kicks during a run coalesce into exactly one more run, never overlapping', async () => {
  const g = gatedWork();
  const runner = createCoalescingRunner(g.work, unexpected);
  const first = runner.kick();
  const second = runner.kick();
  const third = runner.kick();
  assert.equal(second, first, 'a kick during a run waits for the same runs');
  assert.equal(third, first);
  await g.release();
  await g.release();
  await first;
  assert.deepEqual(g.seen, { runs: 2, maxActive: 1 });
  await runner.settled();
});

test('a kick after the runs ended starts a new run', async () => {
  let runs = 0;
  const runner = createCoalescingRunner(() => Promise.resolve(void runs++), unexpected);
  await runner.kick();
  await runner.kick();
  assert.equal(runs, 2);
});

test('settled waits for the runs in progress, and is resolved when idle', async () => {
  const g = gatedWork();
  const runner = createCoalescingRunner(g.work, unexpected);
  await runner.settled();
  void runner.kick();
  let done = false;
  const settled = runner.settled().then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false);
  await g.release();
  await settled;
  assert.equal(done, true);
});

test('after close nothing runs, and a run in progress does not repeat', async () => {
  const g = gatedWork();
  const runner = createCoalescingRunner(g.work, unexpected);
  const running = runner.kick();
  void runner.kick();
  runner.close();
  await g.release();
  await running;
  await runner.kick();
  assert.equal(g.seen.runs, 1);
});

test('a failed run is reported and later kicks still run', async () => {
  const errors: unknown[] = [];
  let runs = 0;
  let pending: () => void = () => {};
  const runner = createCoalescingRunner(
    async () => {
      runs++;
      if (runs === 1) {
        await new Promise<void>((r) => (pending = r));
        throw new Error('boom');
      }
    },
    (e) => errors.push(e),
  );
  const first = runner.kick();
  void runner.kick(); // asked for during the failing run: still happens
  await new Promise((r) => setImmediate(r));
  pending();
  await first;
  assert.equal(runs, 2);
  assert.deepEqual(
    errors.map((e) => (e as Error).message),
    ['boom'],
  );
  await runner.kick();
  assert.equal(runs, 3);
});
