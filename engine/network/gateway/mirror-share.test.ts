import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createShareCounter, mirrorShare } from './mirror-share';

const count = (share: ReturnType<typeof mirrorShare>, n: number) => {
  const c = createShareCounter();
  let taken = 0;
  for (let i = 0; i < n; i++) if (c.take('r', share)) taken++;
  return taken;
};

test('percent and fraction mirror exactly that share of requests; no field mirrors all', () => {
  const ref = { name: 'shadow', port: 80 };
  assert.equal(count(mirrorShare({ backendRef: ref, percent: 20 }), 1000), 200);
  assert.equal(count(mirrorShare({ backendRef: ref, percent: 0 }), 1000), 0);
  assert.equal(count(mirrorShare({ backendRef: ref, fraction: { numerator: 1, denominator: 3 } }), 999), 333);
  assert.equal(count(mirrorShare({ backendRef: ref, fraction: { numerator: 33 } }), 100), 33); // denominator 100 by default
  assert.equal(count(mirrorShare({ backendRef: ref }), 50), 50);
  assert.equal(count(mirrorShare({ backendRef: ref, percent: 100 }), 50), 50);
});

test('each key counts on its own', () => {
  const c = createShareCounter();
  const half = { numerator: 1, denominator: 2 };
  assert.deepEqual([c.take('a', half), c.take('b', half), c.take('a', half), c.take('b', half)], [false, false, true, true]);
});
