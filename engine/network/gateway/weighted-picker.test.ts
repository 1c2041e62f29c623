import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWeightedPicker } from './weighted-picker';

test('splits are exact over every run of total picks, and spread out', () => {
  const p = createWeightedPicker([90, 10]);
  const counts = [0, 0];
  const picks: number[] = [];
  for (let i = 0; i < 1000; i++) picks.push(p.pick()!);
  for (const i of picks) counts[i]++;
  assert.deepEqual(counts, [900, 100]);
  // Smooth: never two picks of the small side in a row.
  assert.ok(!picks.some((v, i) => v === 1 && picks[i + 1] === 1));
  const three = createWeightedPicker([5, 1, 1]);
  assert.deepEqual(
    Array.from({ length: 7 }, () => three.pick()),
    [0, 0, 1, 0, 2, 0, 0],
  );
});

test('zero weights are never picked; all zero picks nothing', () => {
  const p = createWeightedPicker([0, 3]);
  for (let i = 0; i < 5; i++) assert.equal(p.pick(), 1);
  assert.equal(createWeightedPicker([0, 0]).pick(), undefined);
});
