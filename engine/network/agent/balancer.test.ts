import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBalancer, endpointKey } from './balancer';

const eps = [
  { ip: '10.0.0.1', port: 80 },
  { ip: '10.0.0.2', port: 80 },
  { ip: '10.0.0.3', port: 80 },
];

test('round-robin spreads over every endpoint', () => {
  const b = createBalancer();
  const picks = Array.from({ length: 6 }, () => endpointKey(b.pick('k', eps, '10.0.1.1')!));
  assert.deepEqual(picks, ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80', '10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80']);
  assert.equal(b.pick('k', [], '10.0.1.1'), undefined);
  assert.equal(b.pick('k', eps, 'c', undefined, new Set(eps.map(endpointKey))), undefined, 'all excluded');
});

test('ClientIP affinity sticks within the timeout and moves when the endpoint goes', () => {
  let now = 0;
  const b = createBalancer(() => now);
  const first = b.pick('k', eps, '10.0.1.1', 10)!;
  for (let i = 0; i < 5; i++) assert.deepEqual(b.pick('k', eps, '10.0.1.1', 10), first);
  assert.notDeepEqual(b.pick('k', eps, '10.0.1.2', 10), first, 'another client gets the next endpoint');
  const without = eps.filter((e) => endpointKey(e) !== endpointKey(first));
  const moved = b.pick('k', without, '10.0.1.1', 10)!;
  assert.notDeepEqual(moved, first);
  now += 9_000;
  assert.deepEqual(b.pick('k', eps, '10.0.1.1', 10), moved, 'sticks to the new one');
  now += 11_000;
  b.pick('k', eps, '10.0.1.1', 10); // expired: chosen anew (may be any)
  b.retain(new Set());
  assert.deepEqual(b.pick('k', eps, '10.0.1.9'), eps[0], 'state of gone routes is dropped');
});
