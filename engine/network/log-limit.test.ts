import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLimitedLog } from './log-limit';

test('one line per key and interval, then a count of what was left out', () => {
  const lines: string[] = [];
  let t = 0;
  const log = createLimitedLog(
    (l) => lines.push(l),
    1000,
    () => t,
  );
  for (let i = 0; i < 50; i++) log('refused', `refused #${i}`);
  log('other', 'other key');
  t = 1500;
  log('refused', 'refused again');
  assert.deepEqual(lines, ['refused #0', 'other key', 'refused again (49 more like it in the last 2 s not logged)']);
});
