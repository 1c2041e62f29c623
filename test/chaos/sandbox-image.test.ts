// An offline machine: a Docker engine that holds no sandbox image and cannot pull one. Skiff
// builds its own pause image, the first pod runs, and the engine's event stream shows no pull.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerSkip } from '../docker/docker-available';
import { BUSYBOX_IMAGE, ensureTestImages } from '../docker/images';
import { run, kubectlPath } from '../integration/harness';
import { waitFor } from '../wait-for';
import { dedicatedDockerdSkip, startDedicatedDockerd, type DedicatedDockerd } from './testing/dedicated-dockerd';
import { ensurePauseImage, PAUSE_DIGEST_LABEL, PAUSE_IMAGE_REPO } from '../../engine/docker/pause-image';
import type { ControlPlane } from '../../engine/cluster/control-plane';

const skip = (await dockerSkip()) || (await dedicatedDockerdSkip());
if (skip && process.env.SKIFF_REQUIRE_DOCKER) throw new Error(`SKIFF_REQUIRE_DOCKER is set but ${skip}`);
let d: DedicatedDockerd;
let cp: ControlPlane | undefined;
let dir: string;
const events: any[] = [];
let stream: NodeJS.ReadableStream | undefined;

before(async () => {
  if (skip) return;
  d = await startDedicatedDockerd('sandbox');
  await ensureTestImages(d.host); // the pod's own image only
  dir = mkdtempSync(join(tmpdir(), 'skiff-sandbox-'));
  // Everything in this process (the cluster too) talks to the dedicated engine.
  process.env.DOCKER_HOST = d.host;
  delete process.env.SKIFF_SANDBOX_IMAGE;
  stream = await d.docker.getEvents({ filters: { type: ['image'] } });
  stream.on('data', (b: Buffer) => {
    for (const line of b.toString().split('\n').filter(Boolean)) events.push(JSON.parse(line));
  });
});

after(async () => {
  if (skip) return;
  (stream as any)?.destroy?.();
  await cp?.stop().catch(() => {});
  await d.destroy();
  rmSync(dir, { recursive: true, force: true });
});

test('with no sandbox image in Docker the first pod runs and nothing is pulled', { skip, timeout: 180_000 }, async () => {
  const images = await d.docker.listImages();
  assert.ok(!images.some((i) => (i.RepoTags ?? []).some((t) => t.startsWith('registry.k8s.io/pause') || t.startsWith(PAUSE_IMAGE_REPO))));
  const { startControlPlane } = await import('../../engine/cluster/control-plane');
  cp = await startControlPlane({ name: 'offline', dataDir: dir, datastore: 'sqlite', nodes: 1, nodeRuntime: 'docker' });
  const env = { PATH: process.env.PATH ?? '', KUBECONFIG: cp.kubeconfigPath, HOME: dir };
  const kubectl = (args: string[]) => run(kubectlPath(), args, { env });
  const r = await kubectl(['run', 'first', `--image=${BUSYBOX_IMAGE}`, '--image-pull-policy=Never', '--', 'sleep', '3600']);
  assert.equal(r.code, 0, r.stderr);
  await waitFor(
    'pod first Running',
    async () => (await kubectl(['get', 'pod', 'first', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running',
    60_000,
  );

  const pulls = events.filter((e) => e.Action === 'pull');
  assert.deepEqual(pulls, [], 'Docker recorded no pull');
  const built = (await d.docker.listImages()).find((i) => (i.RepoTags ?? []).some((t) => t.startsWith(`${PAUSE_IMAGE_REPO}:`)));
  assert.ok(built, 'skiff/pause was built');
  const sandbox = (await d.docker.listContainers({ filters: { label: ['skiff.container=POD', 'skiff.pod=first'] } }))[0];
  assert.match(sandbox.Image, /^skiff\/pause:/);

  // Found again by tag and digest label: no second import.
  const imports = () => events.filter((e) => e.Action === 'import').length;
  const before = imports();
  const tag = await ensurePauseImage(d.docker);
  assert.equal((await d.docker.getImage(tag).inspect()).Config.Labels?.[PAUSE_DIGEST_LABEL]?.length, 64);
  assert.equal(imports(), before);

  // The pause process ends at once on SIGTERM, even as PID 1 (docker stop waits no grace period).
  const t = Date.now();
  await d.docker.getContainer(sandbox.Id).stop({ t: 20 });
  assert.ok(Date.now() - t < 10_000, 'pause exited on SIGTERM');
  assert.equal((await d.docker.getContainer(sandbox.Id).inspect()).State.ExitCode, 0);
});
