import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusTone, readyTone, toneForCell } from './status-tone';

test('status words map to one tone each', () => {
  for (const s of ['Running', 'Ready', 'Completed', 'Succeeded', 'Bound']) assert.equal(statusTone(s), 'ok', s);
  for (const s of ['Pending', 'ContainerCreating', 'Terminating', 'Init:0/1', 'Ready,SchedulingDisabled'])
    assert.equal(statusTone(s), 'warn', s);
  for (const s of ['Failed', 'Error', 'CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'NotReady'])
    assert.equal(statusTone(s), 'bad', s);
  assert.equal(statusTone('something'), undefined);
});

test('ready fractions and column routing', () => {
  assert.equal(readyTone('2/2'), 'ok');
  assert.equal(readyTone('1/2'), 'warn');
  assert.equal(toneForCell('STATUS', 'Running'), 'ok');
  assert.equal(toneForCell('Ready', '0/1'), 'warn');
  assert.equal(toneForCell('Name', 'Failed'), undefined);
});
