// Simulated nodes through real kubectl and `skiff node`: registration, pods running with
// statuses and IPs, the simulate annotation, and adding/stopping/removing nodes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from './sim-cluster';
import { eventually } from '../../engine/apiserver/testing/test-cluster';

const podYaml = (name: string, node: string, extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
${extra}spec:
  nodeName: ${node}
  containers:
  - name: app
    image: nginx:1.27
`;

describe('simulated nodes (kubectl, skiff node)', () => {
  let sim: SimCluster;
  const jsonpath = async (args: string[], path: string) => (await sim.kubectl([...args, '-o', `jsonpath=${path}`])).stdout;

  before(async () => {
    sim = await startSimCluster({ nodes: 2, name: 'nt' });
  });
  after(async () => {
    await sim?.stop();
  });

  test('nodes are Ready with kubelet version and capacity', async () => {
    await eventually(async () => (await sim.kubectl(['get', 'nodes'])).stdout.match(/\bReady\b/g)?.length === 2, '2 Ready nodes', 15_000);
    const out = await sim.ok(['get', 'nodes', '-o', 'wide']);
    assert.match(out, /nt-node-1\s+Ready\s+\S+\s+\S+\s+v1\.33\.0\s+172\.18\.0\.2/);
    assert.match(out, /skiff-simulated:\/\/0\.1/);
    assert.equal(await jsonpath(['get', 'node', 'nt-node-2'], '{.status.allocatable.pods}'), '110');
    assert.match(await sim.ok(['get', 'lease', '-n', 'kube-node-lease']), /nt-node-1\s+nt-node-1/);
    const d = await sim.ok(['describe', 'node', 'nt-node-1']);
    assert.match(d, /Ready\s+True\s.*KubeletReady\s+kubelet is posting ready status/);
    assert.match(d, /PodCIDR:\s+10\.244\.0\.0\/24/);
    assert.match(d, /Kubelet Version:\s+v1\.33\.0/);
  });

  test('a pod bound to a node runs; describe shows its events', async () => {
    await sim.ok(['apply', '-f', '-'], podYaml('web', 'nt-node-2'));
    await eventually(async () => / 1\/1 +Running +0 /.test((await sim.kubectl(['get', 'pod', 'web'])).stdout), 'web Running', 15_000);
    const wide = await sim.ok(['get', 'pod', 'web', '-o', 'wide']);
    assert.match(wide, /10\.244\.1\.\d+\s+nt-node-2/);
    const describe = await eventually(
      async () => {
        const d = (await sim.kubectl(['describe', 'pod', 'web'])).stdout;
        return /Started\s+\S+\s+kubelet\s+Started container app/.test(d) && d;
      },
      'Started event',
      10_000,
    );
    assert.match(describe as string, /Pulled/);
    assert.match(describe as string, /Ready\s+True/);
  });

  test('the simulate annotation makes a container crash-loop', async () => {
    await sim.ok(
      ['apply', '-f', '-'],
      podYaml('crash', 'nt-node-1', `  annotations:\n    skiff.dev/simulate: '{"exitCode":2,"after":"100ms"}'\n`),
    );
    await eventually(
      async () => /crash\s+0\/1\s+(CrashLoopBackOff|Error)\s+[1-9]/.test((await sim.kubectl(['get', 'pod', 'crash'])).stdout),
      'crash restarts',
      20_000,
    );
    assert.equal(await jsonpath(['get', 'pod', 'crash'], '{.status.containerStatuses[0].lastState.terminated.exitCode}'), '2');
  });

  test('skiff node add / stop / start / remove', async () => {
    const add = await sim.skiff(['node', 'add']);
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /node\/nt-node-3 added/);
    await eventually(async () => /nt-node-3\s+Ready/.test((await sim.kubectl(['get', 'nodes'])).stdout), 'node 3 Ready', 15_000);

    const stop = await sim.skiff(['node', 'stop', 'nt-node-3']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match((await sim.skiff(['node', 'list'])).stdout, /nt-node-3\s+\S+\s+simulated\s+yes/);
    assert.equal(await jsonpath(['get', 'node', 'nt-node-3'], '{.metadata.annotations.skiff\\.dev/node-stopped}'), 'true');
    assert.equal((await sim.skiff(['node', 'start', 'nt-node-3'])).code, 0);
    assert.match((await sim.skiff(['node', 'list'])).stdout, /nt-node-3\s+\S+\s+simulated\s+no/);

    const rm = await sim.skiff(['node', 'remove', 'nt-node-3']);
    assert.equal(rm.code, 0, rm.stderr);
    assert.doesNotMatch(await sim.ok(['get', 'nodes']), /nt-node-3/);
    const missing = await sim.skiff(['node', 'stop', 'nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^skiff: nodes "nope" not found/);
  });
});
