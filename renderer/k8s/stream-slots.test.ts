import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStreamSlots } from './stream-slots';

void test('slots run out and come back; releasing twice frees one slot only', () => {
  const s = createStreamSlots(2);
  const a = s.tryAcquire()!;
  const b = s.tryAcquire()!;
  assert.equal(s.tryAcquire(), null);
  a();
  a();
  assert.equal(s.inUse(), 1);
  assert.ok(s.tryAcquire());
  assert.equal(s.tryAcquire(), null);
  b();
  assert.equal(s.inUse(), 1);
});

void test('a foreground stream takes the newest background slot when none is free; background never displaces', () => {
  const s = createStreamSlots(3);
  const revoked: string[] = [];
  const bg = (name: string) => s.tryAcquire({ priority: 'background', onRevoke: () => revoked.push(name) });
  const list = s.tryAcquire(); // the focused view
  const pods = bg('pods');
  const services = bg('services');
  assert.ok(list && pods && services);
  assert.equal(bg('deployments'), null, 'background waits for a free slot');
  assert.deepEqual(revoked, []);

  const log = s.tryAcquire({ priority: 'foreground' })!;
  assert.ok(log, 'the followed log gets a slot');
  assert.deepEqual(revoked, ['services'], 'the newest background stream gave way');
  assert.equal(s.inUse(), 3);
  services(); // the revoked stream's release frees nothing: its slot is the log's now
  assert.equal(s.inUse(), 3);

  const log2 = s.tryAcquire()!;
  assert.deepEqual(revoked, ['services', 'pods']);
  assert.equal(s.tryAcquire(), null, 'foreground streams are never displaced');
  assert.equal(revoked.length, 2);

  // Slots given back go to whoever asks next; background streams come back when one is free.
  log();
  assert.equal(s.inUse(), 2);
  const again = bg('pods')!;
  assert.ok(again);
  assert.equal(bg('services'), null);
  log2();
  list();
  assert.equal(s.inUse(), 1);
  pods();
  assert.equal(s.inUse(), 1, 'an old release of a revoked slot does not free the new one');
  again();
  assert.equal(s.inUse(), 0);
});

void test('a background request without onRevoke is a programming error', () => {
  assert.throws(() => createStreamSlots(1).tryAcquire({ priority: 'background' }), /onRevoke/);
});
