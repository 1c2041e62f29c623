import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSchedulingQueue } from './queue';
import { makePod } from './testing/fixtures';

test('active queue pops higher priority first, then oldest', async () => {
  const q = createSchedulingQueue();
  q.upsert(makePod('a'), 'ns/a', 0);
  q.upsert(makePod('b'), 'ns/b', 10);
  q.upsert(makePod('c'), 'ns/c', 0);
  const order = [];
  for (let i = 0; i < 3; i++) order.push((await q.pop())!.key);
  assert.deepEqual(order, ['ns/b', 'ns/a', 'ns/c']);
  q.close();
  assert.equal(await q.pop(), undefined);
});

test('unschedulable pods wait for a cluster change, then come back after back-off', async () => {
  let t = 0;
  const q = createSchedulingQueue({ initialBackoffMs: 20, now: () => t });
  q.upsert(makePod('a'), 'ns/a', 0);
  const qp = (await q.pop())!;
  q.unschedulable(qp);
  assert.deepEqual(q.stats(), { active: 0, backoff: 0, unschedulable: 1 });
  t = 5;
  q.moveAll();
  assert.deepEqual(q.stats(), { active: 0, backoff: 1, unschedulable: 0 });
  t = 25;
  const again = await q.pop();
  assert.equal(again?.key, 'ns/a');
  assert.equal(again?.attempts, 1);
  q.close();
});

test('a change during the attempt sends the pod to back-off, not to the pool', async () => {
  const q = createSchedulingQueue({ initialBackoffMs: 10 });
  q.upsert(makePod('a'), 'ns/a', 0);
  const qp = (await q.pop())!;
  q.moveAll(); // e.g. a node was added while we were filtering
  q.unschedulable(qp);
  assert.equal(q.stats().unschedulable, 0);
  assert.equal((await q.pop())?.key, 'ns/a');
  q.close();
});

test('deleted pods never come back; a spec change wakes an unschedulable pod', async () => {
  const q = createSchedulingQueue({ initialBackoffMs: 1 });
  q.upsert(makePod('a'), 'ns/a', 0);
  q.upsert(makePod('b'), 'ns/b', 0);
  q.delete('ns/a');
  const b = (await q.pop())!;
  assert.equal(b.key, 'ns/b');
  q.unschedulable(b);
  q.upsert(makePod('b'), 'ns/b', 0, true);
  assert.equal((await q.pop())?.key, 'ns/b');
  q.close();
});
