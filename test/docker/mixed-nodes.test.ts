// A Docker-backed cluster with a simulated node added beside its Docker node: pods pinned to
// each run where they were put — a real container on the Docker node, a simulated one on the other.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Docker from 'dockerode';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE } from './images';
import { run } from '../integration/harness';
import { startDockerCluster, waitFor, type DockerCluster } from './docker-cluster';

const skip = await dockerSkip();
const cluster = `dm${process.pid}`;
const root = new URL('../..', import.meta.url).pathname;
let c: DockerCluster;

before(async () => {
  if (!skip) c = await startDockerCluster(cluster, 'skiff-docker-mixed-');
});
after(async () => {
  if (!skip) await c?.stop();
});

const pinned = (name: string, node: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { nodeName: node, containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] },
  });

test('skiff node add puts a simulated node beside the Docker node; pods run on either', { skip, timeout: 120_000 }, async () => {
  const add = await run(process.execPath, [join(root, 'bin/skiff.mjs'), 'node', 'add', 'sim-1', '--name', cluster, '--data-dir', c.dir], {
    env: c.env(),
  });
  assert.equal(add.code, 0, add.stderr);
  await waitFor(
    '2 Ready nodes',
    async () => ((await c.kubectl(['get', 'nodes', '--no-headers'])).stdout.match(/ Ready /g) ?? []).length === 2,
    60_000,
  );
  const dockerNode = `${cluster}-node-1`;
  for (const [name, node] of [
    ['on-docker', dockerNode],
    ['on-sim', 'sim-1'],
  ]) {
    const r = await c.kubectl(['apply', '-f', '-'], { input: pinned(name, node) });
    assert.equal(r.code, 0, r.stderr);
  }
  await waitFor(
    'both Running',
    async () => (await c.podJSON('on-docker')).status?.phase === 'Running' && (await c.podJSON('on-sim')).status?.phase === 'Running',
    60_000,
  );
  const containers = await new Docker().listContainers({ filters: { label: [`skiff.cluster=${cluster}`, 'skiff.container=main'] } });
  assert.deepEqual(
    containers.map((x) => x.Labels['skiff.pod']),
    ['on-docker'],
    'only the Docker node made a container',
  );
  assert.equal((await c.kubectl(['exec', 'on-docker', '--', 'echo', 'real'])).stdout.trim(), 'real');
  const sim = await c.kubectl(['exec', 'on-sim', '--', 'echo', 'x']);
  assert.notEqual(sim.code, 0, 'a simulated pod runs no process');
  assert.match(sim.stderr, /simulated/i);
});
