import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countByPhase, phaseOfStatus } from './pod-buckets';

test('pod Table statuses fall into phases', () => {
  assert.equal(phaseOfStatus('Running'), 'Running');
  assert.equal(phaseOfStatus('Completed'), 'Succeeded');
  assert.equal(phaseOfStatus('CrashLoopBackOff'), 'Failed');
  assert.equal(phaseOfStatus('Error'), 'Failed');
  assert.equal(phaseOfStatus('ContainerCreating'), 'Pending');
  assert.equal(phaseOfStatus('Init:0/1'), 'Pending');
  assert.equal(phaseOfStatus('Terminating'), 'Pending');
  assert.equal(phaseOfStatus('Weird'), 'Unknown');
  assert.equal(phaseOfStatus('ImagePullBackOff'), 'Pending', 'a pod waiting for its image is Pending, as its phase says');
  assert.equal(phaseOfStatus('ErrImagePull'), 'Pending');
  assert.deepEqual(countByPhase(['Running', 'Running', 'Pending', 'OOMKilled']), {
    Running: 2,
    Pending: 1,
    Succeeded: 0,
    Failed: 1,
    Unknown: 0,
  });
});
