// Issue 15: `kubectl delete node` of a Docker node whose kubelet runs in this Skiff. Its pods are
// collected by the pod GC and its kubelet removes their containers at once (before, they ran on
// until the cluster stopped), says so with a NodeDeleted event, and does not re-create the Node.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE } from './images';
import { startDockerCluster, waitFor, type DockerCluster } from './docker-cluster';
import { listClusterContainers } from '../../engine/docker/network';

const skip = await dockerSkip();
let c: DockerCluster;

before(async () => {
  if (!skip) c = await startDockerCluster(`nd${process.pid}`);
});
after(async () => {
  await c?.stop();
});

test('deleting a Docker node removes its pods, their containers, and it stays deleted', { skip, timeout: 90_000 }, async () => {
  const run = await c.kubectl(['run', 'doomed', `--image=${BUSYBOX_IMAGE}`, '--image-pull-policy=Never', '--', 'sleep', '3600']);
  assert.equal(run.code, 0, run.stderr);
  await waitFor(
    'doomed Running',
    async () => ((await c.podJSON('doomed')) as { status?: { phase?: string } }).status?.phase === 'Running',
    30_000,
  );
  const docker = new Docker();
  const podContainers = async () =>
    (await listClusterContainers(docker, c.ref, { all: true })).filter((x) => /doomed/.test(x.Names.join(' ')));
  assert.ok((await podContainers()).length >= 2, 'sandbox and app container exist');
  const node = (await c.kubectl(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;

  assert.equal((await c.kubectl(['delete', 'node', node])).code, 0);
  await waitFor('its containers removed', async () => (await podContainers()).length === 0, 20_000);
  await waitFor('the pod collected', async () => (await c.kubectl(['get', 'pod', 'doomed'])).code !== 0, 20_000);
  const events = await c.kubectl(['get', 'events', '-A', '--field-selector', 'reason=NodeDeleted', '-o', 'jsonpath={.items[*].message}']);
  assert.match(
    events.stdout,
    new RegExp(`Node ${node} was deleted from the cluster: its kubelet removed the containers of its 1 pod\\(s\\)`),
  );
  assert.notEqual((await c.kubectl(['get', 'node', node])).code, 0, 'not re-created');
});
