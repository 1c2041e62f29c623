// Docker's own disk nearly full, then full: a dedicated engine whose data root is a small tmpfs.
// Filled to all but a few MiB, the runtime warns (DiskPressure with the space left) while
// containers are still made; the warning clears once space is freed. Then filled to the brim
// under a Docker runtime with a running pod. Creating a container then fails with a message that
// says whose disk is full and what to do (pods carry it as CreateContainerError and a Failed
// event, see engine/kubelet/container-failure.test.ts), the node's DiskPressure message says the
// same, and once space is freed containers are made again and the pressure is gone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerSkip } from '../docker/docker-available';
import { BUSYBOX_IMAGE, PAUSE_IMAGE, ensureTestImages } from '../docker/images';
import { dedicatedDockerdSkip, startDedicatedDockerd, type DedicatedDockerd } from './testing/dedicated-dockerd';
import { fillDisk } from './testing/small-disk';
import { waitFor } from '../wait-for';
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
  "Docker's disk nearly full: DiskPressure says so before it fills, containers still start, and it clears",
  { skip, timeout: 120_000 },
  async () => {
    let changes = 0;
    const early = createDockerRuntime({
      cluster: 'dockerlow',
      node: 'n1',
      dataDir: dir,
      docker: d.docker,
      sandboxImage: PAUSE_IMAGE,
      onDiskPressure: () => changes++,
      diskCheckMs: 200,
    });
    const low = { ...pod, metadata: { ...pod.metadata, name: 'low', uid: `low-0000-1111-2222-${process.pid}` } };
    try {
      const sb = await early.ensureSandbox({ pod: low });
      assert.equal(early.diskPressure(), undefined, 'room enough at first');
      const filler = join(d.dir, 'data', 'low-filler');
      fillDisk(filler, 4 * 1024 * 1024); // 4 MiB left of 96: under the 10 % threshold
      const said = await waitFor<string>('DiskPressure before the disk is full', () => Promise.resolve(early.diskPressure()), 10_000, 100);
      console.log(`# ${said}`);
      assert.match(
        said,
        new RegExp(
          `^Docker's disk is almost full \\(${join(d.dir, 'data')}\\): [0-9.]+ MiB free of 96 MiB \\([0-9.]+ %\\)\\. Free space for Docker`,
        ),
      );
      assert.equal(changes, 1, 'the node status is refreshed when the disk runs low');
      const id = await early.createContainer({ podUid: low.metadata.uid, sandboxId: sb.id, spec, attempt: 0, init: false });
      await early.startContainer(id);
      assert.match(early.diskPressure() ?? '', /almost full/, 'still warned while containers start');
      rmSync(filler);
      await waitFor('DiskPressure cleared once space is freed', () => Promise.resolve(early.diskPressure() === undefined), 10_000, 100);
      assert.equal(changes, 2);
    } finally {
      await early.removeAll();
      early.close();
    }
  },
);

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
      diskCheckMs: 3_600_000, // the nearly-full check is the test above's
    });
    const sb = await rt.ensureSandbox({ pod });
    const make = (attempt: number) => rt!.createContainer({ podUid: pod.metadata.uid!, sandboxId: sb.id, spec, attempt, init: false });
    await rt.startContainer(await make(0));
    assert.equal(rt.diskPressure(), undefined);

    const filler = join(d.dir, 'data', 'filler');
    fillDisk(filler);
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
