import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLeaderElector, type LeaderElector } from './leader-election';
import { createFakeClock, type FakeClock } from './testing/fake-clock';
import { fakeLeases } from './testing/fake-leases';
import type { KubeObject } from '../kinds/types';

type LeaseSpec = { holderIdentity: string; leaseDurationSeconds: number; leaseTransitions: number; renewTime: string };
const specOf = (l: KubeObject) => l.spec as LeaseSpec;
import { startTestCore } from '../apiserver/testing/test-cluster';
import { createInProcessClient } from '../apiserver/in-process-client';
import { CONTROLLER_MANAGER, SCHEDULER } from '../apiserver/authz/users';
import { R } from './types';

interface Candidate {
  id: string;
  cut: { hung: boolean };
  leading: boolean;
  starts: number;
  elector: LeaderElector;
}

function candidates(clock: FakeClock, ids: string[], store = fakeLeases()) {
  const all: Candidate[] = [];
  const add = (id: string) => {
    const c = { id, cut: { hung: false }, leading: false, starts: 0 } as Candidate;
    c.elector = startLeaderElector({
      client: store.clientFor(c.cut),
      name: 'kube-controller-manager',
      identity: id,
      clock,
      onStartedLeading: () => {
        c.leading = true;
        c.starts++;
      },
      onStoppedLeading: () => void (c.leading = false),
    });
    all.push(c);
    return c;
  };
  for (const id of ids) add(id);
  return { all, store, add };
}

/** Steps time in 100 ms slices, failing if two candidates ever act at once; returns ms until `done`. */
async function runUntil(clock: FakeClock, all: Candidate[], done: () => boolean, limitMs: number) {
  for (let t = 0; t <= limitMs; t += 100) {
    assert.ok(all.filter((c) => c.leading).length <= 1, `two leaders at +${t} ms`);
    if (done()) return t;
    await clock.advance(100);
  }
  assert.fail(`not done within ${limitMs} ms`);
}

test('one of two candidates leads and records the Lease as upstream does', async () => {
  const clock = createFakeClock();
  const { all, store } = candidates(clock, ['a', 'b']);
  await runUntil(clock, all, () => all.some((c) => c.leading), 3000);
  await clock.advance(5000);
  assert.deepEqual(all.map((c) => c.leading).sort(), [false, true]);
  const lease = store.leases.get('kube-controller-manager')!;
  const leader = all.find((c) => c.leading)!;
  assert.equal(specOf(lease).holderIdentity, leader.id);
  assert.equal(specOf(lease).leaseDurationSeconds, 15);
  assert.equal(specOf(lease).leaseTransitions, 0);
  assert.match(specOf(lease).renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.ok(Date.parse(specOf(lease).renewTime) >= clock.now() - 2000, 'renewed every retry period');
  assert.equal(all.find((c) => !c.leading)!.elector.leader(), leader.id);
  for (const c of all) await c.elector.stop();
});

test('a leader cut off stops acting at its renew deadline, before the other takes the lease', async () => {
  const clock = createFakeClock();
  const { all, store } = candidates(clock, ['a']);
  await runUntil(clock, all, () => all[0].leading, 1000);
  const b = candidates(clock, [], store).add('b');
  all.push(b);
  await clock.advance(3000);
  all[0].cut.hung = true; // its requests never answer (a partition, or a process stopped mid-request)
  const lastRenew = Date.parse(specOf(store.leases.get('kube-controller-manager')!).renewTime);
  await runUntil(clock, all, () => !all[0].leading, 12_000);
  assert.equal(b.leading, false);
  assert.ok(clock.now() - lastRenew <= 10_000, 'stopped within the 10 s renew deadline');
  await runUntil(clock, all, () => b.leading, 10_000);
  assert.ok(clock.now() - lastRenew >= 15_000, 'the other waited the whole 15 s lease');
  assert.ok(clock.now() - lastRenew <= 17_000, 'and took over within lease + retry period');
  const lease = store.leases.get('kube-controller-manager')!;
  assert.equal(specOf(lease).holderIdentity, 'b');
  assert.equal(specOf(lease).leaseTransitions, 1);
  await b.elector.stop();
});

test('a leader that finds the lease rewritten to another holder stops at once', async () => {
  const clock = createFakeClock();
  const { all, store } = candidates(clock, ['a']);
  await runUntil(clock, all, () => all[0].leading, 1000);
  // Someone else rewrites the lease behind its back: the leader must notice and stop at once.
  const l = store.leases.get('kube-controller-manager')!;
  store.leases.set('kube-controller-manager', {
    ...l,
    metadata: { ...l.metadata, resourceVersion: '999' },
    spec: { ...specOf(l), holderIdentity: 'x' },
  });
  await clock.advance(2100);
  assert.equal(all[0].leading, false);
  await all[0].elector.stop();
});

test('stop releases the lease so the other takes over on its next try; a restart with the same identity takes it back at once', async () => {
  const clock = createFakeClock();
  const { all, store } = candidates(clock, ['a', 'b']);
  await runUntil(clock, all, () => all.some((c) => c.leading), 3000);
  const leader = all.find((c) => c.leading)!;
  const other = all.find((c) => !c.leading)!;
  await leader.elector.stop();
  assert.equal(specOf(store.leases.get('kube-controller-manager')!).holderIdentity, '');
  const took = await runUntil(clock, all, () => other.leading, 5000);
  assert.ok(took <= 2100, `took over ${took} ms after the release`);
  // `other` is killed (no release); restarted with its identity it does not wait the lease out.
  other.cut.hung = true;
  const again = candidates(clock, [], store).add(other.id);
  await clock.advance(100);
  assert.equal(again.leading, true);
  await again.elector.stop();
});

test('timings that would allow two leaders are refused', () => {
  const clock = createFakeClock();
  const client = fakeLeases().clientFor({ hung: false });
  const base = { client, name: 'x', identity: 'a', clock, onStartedLeading() {}, onStoppedLeading() {} };
  assert.throws(() => startLeaderElector({ ...base, timings: { leaseDurationMs: 10_000, renewDeadlineMs: 10_000 } }), /renew deadline/);
  assert.throws(() => startLeaderElector({ ...base, timings: { retryPeriodMs: 10_000 } }), /retry period/);
});

test('over the real API, the scheduler and the controller manager take their own Leases in kube-system (RBAC allows exactly that)', async () => {
  const tc = await startTestCore();
  try {
    const stops: LeaderElector[] = [];
    for (const [user, name] of [
      [SCHEDULER, 'kube-scheduler'],
      [CONTROLLER_MANAGER, 'kube-controller-manager'],
    ] as const) {
      let led = false;
      const e = startLeaderElector({
        client: createInProcessClient(tc.core, { user }),
        name,
        identity: `host_${name}`,
        timings: { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 200 },
        onStartedLeading: () => void (led = true),
        onStoppedLeading: () => void (led = false),
      });
      stops.push(e);
      for (let i = 0; i < 100 && !led; i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(led, `${name} leads`);
      const lease = await tc.client.get(R.leases, 'kube-system', name);
      assert.equal(specOf(lease).holderIdentity, `host_${name}`);
      assert.equal(specOf(lease).leaseDurationSeconds, 3);
    }
    for (const e of stops) await e.stop();
  } finally {
    await tc.close();
  }
});
