import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDockerDiskFull, isNoSpace } from './disk-full';

const dockerSays = () =>
  Object.assign(new Error('(HTTP code 500) server error - mkdir /var/lib/docker/overlay2/abc-init: no space left on device'), {
    statusCode: 500,
  });

void test("Docker's no-space errors become a message to act on and DiskPressure until Docker writes again", () => {
  let t = 0;
  let changes = 0;
  const disk = createDockerDiskFull({ rootDir: () => '/var/lib/docker', now: () => t, forgetMs: 1000, changed: () => changes++ });
  const other = new Error('No such image: nope');
  assert.equal(disk.check(other), other, 'other errors pass unchanged');
  assert.equal(disk.pressure(), undefined);

  const e = disk.check(dockerSays()) as Error & { statusCode?: number };
  assert.match(e.message, /^Docker's disk is full \(\/var\/lib\/docker\): no space left on device\. Free space for Docker/);
  assert.match(e.message, /Docker said: .*overlay2\/abc-init: no space left on device$/);
  assert.equal(e.statusCode, 500);
  assert.match(disk.pressure()!, /^Docker's disk is full \(\/var\/lib\/docker\)/);
  disk.check(dockerSays()); // still full: no second change
  assert.equal(changes, 1);

  disk.ok();
  assert.equal(disk.pressure(), undefined);
  assert.equal(changes, 2);

  disk.check(dockerSays());
  t = 1001; // not seen again within forgetMs: forgotten (the next failed retry says it again)
  assert.equal(disk.pressure(), undefined);
  assert.ok(isNoSpace(new Error('write /x: ENOSPC')));
});
