import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createExpectations, EXPECTATIONS_TTL_MS } from './expectations';

void test('creations by count: satisfied once each is observed or given back', () => {
  const e = createExpectations(() => 0);
  assert.equal(e.satisfied('ns/a'), true);
  e.expectCreations('ns/a', 3);
  e.creationObserved('ns/a');
  e.lowerCreations('ns/a', 1);
  assert.equal(e.satisfied('ns/a'), false);
  e.creationObserved('ns/a');
  assert.equal(e.satisfied('ns/a'), true);
  e.creationObserved('ns/a'); // an extra event never goes below zero
  e.expectCreations('ns/a', 1);
  assert.equal(e.satisfied('ns/a'), false);
});

void test('deletions by uid: only the expected objects count', () => {
  const e = createExpectations(() => 0);
  e.expectDeletions('ns/a', ['u1', 'u2']);
  e.deletionObserved('ns/a', 'u3');
  e.deletionObserved('ns/a', 'u1');
  assert.equal(e.satisfied('ns/a'), false);
  e.deletionObserved('ns/a', 'u2');
  assert.equal(e.satisfied('ns/a'), true);
});

void test('expectations expire after the TTL on the injected clock (a lost event)', () => {
  let t = 1000;
  const e = createExpectations(() => t);
  e.expectCreations('ns/a', 1);
  t += EXPECTATIONS_TTL_MS;
  assert.equal(e.satisfied('ns/a'), false);
  t += 1;
  assert.equal(e.satisfied('ns/a'), true);
  e.forget('ns/a');
  assert.equal(e.satisfied('ns/a'), true);
});
