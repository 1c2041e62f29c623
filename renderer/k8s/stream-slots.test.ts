import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStreamSlots } from './stream-slots';

test('slots run out and come back; releasing twice frees one slot only', () => {
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
