import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { createDockerDiskLow, lowThreshold, statfsSpace, type DiskSpace } from './disk-low';

const GiB = 1024 ** 3;

void test('a nearly full Docker disk is said before it fills, and cleared once space is freed', async () => {
  let space: DiskSpace = { free: 20 * GiB, total: 100 * GiB };
  let changes = 0;
  const low = createDockerDiskLow({ rootDir: () => '/var/lib/docker', space: () => Promise.resolve(space), changed: () => changes++ });
  try {
    await low.check();
    assert.equal(low.pressure(), undefined);
    space = { free: 3 * GiB, total: 100 * GiB };
    await low.check();
    assert.equal(
      low.pressure(),
      "Docker's disk is almost full (/var/lib/docker): 3.0 GiB free of 100.0 GiB (3.0 %). Free space for Docker (`docker system prune`, or a larger disk) before pods can no longer start",
    );
    assert.equal(changes, 1);
    space = { free: 2 * GiB, total: 100 * GiB };
    await low.check();
    assert.match(low.pressure() ?? '', /2\.0 GiB free/, 'the message follows the numbers');
    assert.equal(changes, 1, 'still low: no new flip');
    space = { free: 5.2 * GiB, total: 100 * GiB };
    await low.check();
    assert.ok(low.pressure(), 'just above the threshold is not enough to clear (no flapping)');
    space = { free: 8 * GiB, total: 100 * GiB };
    await low.check();
    assert.equal(low.pressure(), undefined);
    assert.equal(changes, 2);
  } finally {
    low.stop();
  }
});

void test('thresholds: 10 % on a small disk, 5 GiB on a big one; no root or an unreadable one says nothing', async () => {
  assert.equal(lowThreshold(10 * GiB), 1 * GiB);
  assert.equal(lowThreshold(1000 * GiB), 5 * GiB);
  const none = createDockerDiskLow({ rootDir: () => undefined, space: () => Promise.resolve({ free: 0, total: 1 }) });
  const gone = createDockerDiskLow({ rootDir: () => '/nonexistent/docker' });
  await none.check();
  await gone.check();
  assert.equal(none.pressure(), undefined);
  assert.equal(gone.pressure(), undefined);
  none.stop();
  gone.stop();
  const real = await statfsSpace(tmpdir());
  assert.ok(real.total > 0 && real.free >= 0 && real.free <= real.total, JSON.stringify(real));
});
