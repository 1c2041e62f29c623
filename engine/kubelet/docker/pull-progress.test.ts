import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgressThrottle, createPullProgress, formatBytes, formatPullProgress } from './pull-progress';

test('Docker pull lines sum into bytes and layers', () => {
  const p = createPullProgress();
  p.update({ status: 'Pulling from team/app', id: 'v1' }); // names the tag, not a layer
  assert.deepEqual(p.summary(), { layers: 0, layersDone: 0, downloadedBytes: 0, totalBytes: 0 });
  p.update({ status: 'Already exists', id: 'aaa' });
  p.update({ status: 'Pulling fs layer', id: 'bbb' });
  p.update({ status: 'Pulling fs layer', id: 'ccc' });
  p.update({ status: 'Waiting', id: 'ccc' });
  p.update({ status: 'Downloading', id: 'bbb', progressDetail: { current: 500_000, total: 2_000_000 } });
  assert.deepEqual(p.summary(), { layers: 3, layersDone: 1, downloadedBytes: 500_000, totalBytes: 2_000_000 });
  p.update({ status: 'Downloading', id: 'ccc', progressDetail: { current: 100, total: 1_000 } });
  p.update({ status: 'Download complete', id: 'bbb' });
  p.update({ status: 'Extracting', id: 'bbb', progressDetail: { current: 10, total: 4_000_000 } });
  assert.deepEqual(p.summary(), { layers: 3, layersDone: 1, downloadedBytes: 2_000_100, totalBytes: 2_001_000 });
  p.update({ status: 'Pull complete', id: 'bbb' });
  p.update({ status: 'Retrying in 5 seconds', id: 'ccc' });
  assert.deepEqual(p.summary(), { layers: 3, layersDone: 2, downloadedBytes: 2_000_000, totalBytes: 2_001_000 });
  p.update({ status: 'Digest: sha256:abc' });
  p.update({ status: 'Status: Downloaded newer image for x' });
  assert.equal(p.summary().layers, 3);
});

test('progress messages read like docker pull', () => {
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(1_234), '1.2 kB');
  assert.equal(formatBytes(45_600_000), '45.6 MB');
  assert.equal(formatBytes(3_210_000_000), '3.2 GB');
  assert.equal(
    formatPullProgress('r/app:v1', { layers: 3, layersDone: 1, downloadedBytes: 1_200_000, totalBytes: 3_400_000 }),
    'Pulling image "r/app:v1": 1.2 MB of 3.4 MB downloaded, 1 of 3 layers done',
  );
});

test('the throttle: nothing for short pulls, then one per interval, only on change', () => {
  const due = createProgressThrottle(2000, 10_000);
  assert.equal(due(11_000, 'a'), false, 'too early');
  assert.equal(due(12_000, 'a'), true);
  assert.equal(due(13_000, 'b'), false, 'within the interval');
  assert.equal(due(14_100, 'b'), true);
  assert.equal(due(17_000, 'b'), false, 'unchanged');
  assert.equal(due(17_001, 'c'), true);
});
