import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWhileLeading, type Fence } from './leader-run';
import { createFakeClock } from './testing/fake-clock';
import { fakeLeases } from './testing/fake-leases';
import { R, type KubeClient } from './types';

/** A client whose writes the test resolves by hand; counts what reached it. */
function slowWrites() {
  const pending: (() => void)[] = [];
  let sent = 0;
  const client = {
    create: () => {
      sent++;
      return new Promise((r) => pending.push(() => r({})));
    },
    get: () => Promise.resolve({}),
  } as unknown as KubeClient;
  return { client, pending, sent: () => sent };
}

test('a component runs only while leading; its writes fail once the term ends, even before the deadline timer runs', async () => {
  const clock = createFakeClock();
  const leases = fakeLeases();
  const cut = { hung: false };
  const w = slowWrites();
  let fenced: KubeClient | undefined;
  let runs = 0;
  let stops = 0;
  const run = runWhileLeading({
    client: leases.clientFor(cut),
    name: 'kube-controller-manager',
    identity: 'a',
    clock,
    run: (fence: Fence) => {
      runs++;
      fenced = fence(w.client);
      return Promise.resolve({ stop: () => void stops++ });
    },
  });
  await clock.advance(10);
  assert.equal(runs, 1);
  assert.equal(run.isLeader(), true);
  await fenced!.get(R.pods, 'default', 'x'); // reads are never fenced
  void fenced!.create(R.pods, 'default', {} as never);
  assert.equal(w.sent(), 1, 'a write while leading goes through');

  cut.hung = true; // renewals stop answering
  // Time passes beyond the renew deadline without the deadline's timer having run (a blocked loop).
  const now = clock.now.bind(clock);
  clock.now = () => now() + 10_001;
  await assert.rejects(fenced!.create(R.pods, 'default', {} as never), /not the leader/);
  assert.equal(w.sent(), 1, 'refused before it was sent');
  clock.now = now;
  await clock.advance(10_000);
  assert.equal(run.isLeader(), false);
  assert.equal(stops, 1, 'stopped when the term ended');
  await assert.rejects(fenced!.create(R.pods, 'default', {} as never), /not the leader/);
  w.pending.shift()!();
  await run.stop();
});

test("a new term starts only after the old term's writes in flight have settled", async () => {
  const clock = createFakeClock();
  const leases = fakeLeases();
  const cut = { hung: false };
  const w = slowWrites();
  let runs = 0;
  const run = runWhileLeading({
    client: leases.clientFor(cut),
    name: 'kube-scheduler',
    identity: 'a',
    clock,
    run: (fence: Fence) => {
      if (++runs === 1) void fence(w.client).create(R.pods, 'default', {} as never); // never answered yet
      return Promise.resolve({ stop() {} });
    },
  });
  await clock.advance(10);
  cut.hung = true;
  await clock.advance(10_500); // lost (renew deadline)
  assert.equal(run.isLeader(), false);
  cut.hung = false;
  await clock.advance(15_000); // the hung renewal never answers; a fresh try takes the lease again
  assert.equal(run.isLeader(), true, 'leading again');
  assert.equal(runs, 1, 'but the component waits for the old write');
  w.pending.shift()!();
  await clock.advance(10);
  assert.equal(runs, 2, 'then starts afresh');
  await run.stop();
});
