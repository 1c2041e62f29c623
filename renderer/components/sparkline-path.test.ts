import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sparklinePath } from './sparkline-path';

test('points spread evenly across the width; the highest value at the top, the lowest at the bottom', () => {
  const { line, area } = sparklinePath([0, 5, 10], 100, 20, { pad: 0 });
  assert.equal(line, 'M0 20 L50 10 L100 0');
  assert.equal(area, 'M0 20 L50 10 L100 0 L100 20 L0 20 Z');
});

test('without a zero scale the lowest value sits on the floor; with one, the scale starts at 0', () => {
  assert.equal(sparklinePath([10, 20], 10, 10, { pad: 0 }).line, 'M0 10 L10 0');
  assert.equal(sparklinePath([10, 20], 10, 10, { pad: 0, zero: true }).line, 'M0 5 L10 0');
});

test('padding keeps the stroke inside the box', () => {
  assert.equal(sparklinePath([1, 2], 10, 10, { pad: 1 }).line, 'M1 9 L9 1');
});

test('one sample is a level line; a flat series sits mid-height, all zeros on the floor with a zero scale', () => {
  assert.equal(sparklinePath([7], 10, 10, { pad: 0 }).line, 'M0 5 L10 5');
  assert.equal(sparklinePath([3, 3, 3], 10, 10, { pad: 0 }).line, 'M0 5 L5 5 L10 5');
  assert.equal(sparklinePath([0, 0], 10, 10, { pad: 0, zero: true }).line, 'M0 10 L10 10');
});

test('nothing to draw: no values, only NaN, or an empty box', () => {
  assert.deepEqual(sparklinePath([], 10, 10), { line: '', area: '' });
  assert.deepEqual(sparklinePath([NaN], 10, 10), { line: '', area: '' });
  assert.deepEqual(sparklinePath([1, 2], 0, 10), { line: '', area: '' });
});
