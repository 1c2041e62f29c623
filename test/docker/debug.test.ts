// kubectl debug on a Docker node: the pods/ephemeralcontainers subresource adds a container,
// the kubelet starts it inside the pod (sharing the target's processes) and reports its status.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE } from './images';
import type { RunResult } from '../integration/harness';
import { startDockerCluster, waitFor, type DockerCluster } from './docker-cluster';

const skip = await dockerSkip();
const cluster = `dbg${process.pid}`;
let c: DockerCluster;
const kubectl = (args: string[], version = '1.33'): Promise<RunResult> => c.kubectl(args, { version });
const podJSON = (name: string) => c.podJSON(name);

before(async () => {
  if (!skip) c = await startDockerCluster(cluster, 'skiff-debug-');
});

after(async () => {
  if (!skip) await c?.stop();
});

test('discovery lists pods/ephemeralcontainers', { skip }, async () => {
  const r = await kubectl(['get', '--raw', '/api/v1']);
  const names = JSON.parse(r.stdout).resources.map((x: any) => x.name);
  assert.ok(names.includes('pods/ephemeralcontainers'), names.join(','));
});

test('kubectl debug --target starts an ephemeral container; logs show its output', { skip, timeout: 60_000 }, async () => {
  let r = await kubectl(['run', 'x', `--image=${BUSYBOX_IMAGE}`, '--', 'sleep', '3600']);
  assert.equal(r.code, 0, r.stderr);
  await waitFor('x Running', async () => (await podJSON('x')).status?.phase === 'Running');
  // The target's sleep is visible: the debug container shares its process namespace.
  r = await kubectl(['debug', 'pod/x', `--image=${BUSYBOX_IMAGE}`, '-c', 'dbg', '--target=x', '--', 'sh', '-c', 'echo hi-from-debug; ps']);
  assert.equal(r.code, 0, r.stderr);
  const pod = await waitFor('dbg terminated', async () => {
    const p = await podJSON('x');
    return p.status?.ephemeralContainerStatuses?.[0]?.state?.terminated && p;
  });
  assert.equal(pod.spec.ephemeralContainers[0].targetContainerName, 'x');
  const st = pod.status.ephemeralContainerStatuses[0];
  assert.equal(st.name, 'dbg');
  assert.equal(st.state.terminated.exitCode, 0);
  assert.equal(pod.status.phase, 'Running');
  const logs = await kubectl(['logs', 'x', '-c', 'dbg']);
  assert.match(logs.stdout, /hi-from-debug/);
  assert.match(logs.stdout, /sleep 3600/);
  // Ephemeral containers cannot be removed once added.
  const rm = await kubectl([
    'patch',
    'pod',
    'x',
    '--subresource=ephemeralcontainers',
    '--type=json',
    '-p',
    '[{"op":"remove","path":"/spec/ephemeralContainers/0"}]',
  ]);
  assert.notEqual(rm.code, 0);
  assert.match(rm.stderr, /may not be removed/);
  assert.equal((await kubectl(['delete', 'pod', 'x', '--grace-period=1'])).code, 0);
});
