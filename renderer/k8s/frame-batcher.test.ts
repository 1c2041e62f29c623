import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFrameBatcher } from './frame-batcher';

test('many pushes within a frame are delivered once, in order', () => {
  const frames: Array<() => void> = [];
  const got: number[][] = [];
  const b = createFrameBatcher<number>(
    (items) => got.push(items),
    (cb) => frames.push(cb),
  );
  for (let i = 0; i < 100; i++) b.push(i);
  assert.equal(frames.length, 1, 'one frame scheduled');
  frames.shift()!();
  assert.equal(got.length, 1);
  assert.equal(got[0].length, 100);
  b.push(100);
  assert.equal(frames.length, 1);
  b.flush();
  assert.deepEqual(got[1], [100]);
  frames.shift()!(); // the scheduled frame finds nothing left
  assert.equal(got.length, 2);
});

test('cancel drops pending items', () => {
  const frames: Array<() => void> = [];
  const got: number[][] = [];
  const b = createFrameBatcher<number>(
    (items) => got.push(items),
    (cb) => frames.push(cb),
  );
  b.push(1);
  b.cancel();
  b.push(2);
  frames.forEach((f) => f());
  assert.equal(got.length, 0);
});
