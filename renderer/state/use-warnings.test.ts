import { test } from 'node:test';
import assert from 'node:assert/strict';
import { warningsByUid } from './use-warnings';

const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 0, min)).toISOString();
const now = Date.parse(at(30));

void test('recent warnings are summed by the uid of the object they are about; old ones mark nothing', () => {
  const w = warningsByUid(
    [
      {
        metadata: { name: 'a' },
        involvedObject: { uid: 'pod-1' },
        reason: 'Failed',
        message: 'pull failed',
        count: 2,
        lastTimestamp: at(25),
      },
      {
        metadata: { name: 'b' },
        involvedObject: { uid: 'pod-1' },
        reason: 'BackOff',
        message: 'back-off',
        count: 3,
        lastTimestamp: at(29),
      },
      { metadata: { name: 'c' }, involvedObject: { uid: 'pod-2' }, reason: 'Unhealthy', message: 'probe', lastTimestamp: at(1) },
    ],
    now,
  );
  assert.deepEqual(w.get('pod-1'), { count: 5, reason: 'BackOff', message: 'back-off' });
  assert.equal(w.has('pod-2'), false, 'a warning from 29 minutes ago is history');
});
