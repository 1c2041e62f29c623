// Docker's own disk full: a dedicated engine whose data root is a small tmpfs, filled to the brim
// under a Docker runtime with a running pod. Creating a container then fails with a message that
// says whose disk is full and what to do (pods carry it as CreateContainerError and a Failed
// event, see engine/kubelet/container-failure.test.ts), the node's DiskPressure message says the
// same, and once space is freed containers are made again and the pressure is gone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerSkip } from '../docker/docker-available';
import { BUSYBOX_IMAGE, PAUSE_IMAGE, ensureTestImages } from '../docker/images';
import { dedicatedDockerdSkip, startDedicatedDockerd, type DedicatedDockerd } from './testing/dedicated-dockerd';
import { createDockerRuntime, type DockerRuntime } from '../../engine/kubelet/docker/docker-runtime';
import type { KubeObject } from '../../engine/kinds/types';

const skip = (await dockerSkip()) || (await dedicatedDockerdSkip());
if (skip && process.env.SKIFF_REQUIRE_DOCKER) throw new Error(`SKIFF_REQUIRE_DOCKER is set but ${skip}`);
let d: DedicatedDockerd;
let rt: DockerRuntime | undefined;
let dir: string;

const spec = { name: 'app', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] };
const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'full', namespace: 'default', uid: `full-0000-1111-2222-${process.pid}` },
  spec: { nodeName: 'n1', containers: [spec] },
};

/** Writes until the filesystem refuses: the brim. */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(256 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

before(async () => {
  if (skip) return;
  d = await startDedicatedDockerd('full', { dataRootSize: '96m' });
  await ensureTestImages(d.host);
  dir = mkdtempSync(join(tmpdir(), 'skiff-dockerfull-'));
});

after(async () => {
  if (skip) return;
  rt?.close();
  await d.destroy();
  rmSync(dir, { recursive: true, force: true });
});

void test(
  "Docker's disk full: a message saying so and DiskPressure, and containers again once space is freed",
  { skip, timeout: 120_000 },
  async () => {
    let changes = 0;
    rt = createDockerRuntime({
      cluster: 'dockerfull',
      node: 'n1',
      dataDir: dir,
      docker: d.docker,
      sandboxImage: PAUSE_IMAGE,
      onDiskPressure: () => changes++,
    });
    const sb = await rt.ensureSandbox({ pod });
    const make = (attempt: number) => rt!.createContainer({ podUid: pod.metadata.uid!, sandboxId: sb.id, spec, attempt, init: false });
    await rt.startContainer(await make(0));
    assert.equal(rt.diskPressure(), undefined);

    const filler = join(d.dir, 'data', 'filler');
    fill(filler);
    const err = await make(1).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(err, 'creating a container on a full Docker disk fails');
    console.log(`# ${err.message}`);
    assert.match(
      err.message,
      new RegExp(`^Docker's disk is full \\(${join(d.dir, 'data')}\\): no space left on device\\. Free space for Docker`),
    );
    assert.match(err.message, /Docker said: .*no space left on device/);
    assert.match(rt.diskPressure() ?? '', /^Docker's disk is full .*: no space left on device; pods cannot start until space is freed$/);
    assert.equal(changes, 1, 'the node status is refreshed when the disk fills');

    rmSync(filler);
    await rt.startContainer(await make(1));
    assert.equal(rt.diskPressure(), undefined, 'DiskPressure ends once Docker writes again');
    assert.equal(changes, 2);
  },
);
