// Docker node status: capacity, nodeInfo and images come from the Docker host; a Docker engine
// that stops answering turns the node NotReady and its return makes it Ready again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { dockerSkip } from './docker-available';
import { BUSYBOX_IMAGE, ensureTestImages } from './images';
import { startTestCore, eventually, type TestCluster } from '../../engine/apiserver/testing/test-cluster';
import { R } from '../../engine/client/types';
import type { KubeObject } from '../../engine/kinds/types';
import type { Condition } from '../../engine/apimachinery/workload-types';
import { createKubelet } from '../../engine/kubelet/kubelet';
import { createSimulatedRuntime } from '../../engine/kubelet/simulated-runtime';
import { createWriteQueue } from '../../engine/kubelet/status-writer';
import { createRuntimeHealth } from '../../engine/kubelet/docker/health';
import { dockerHostFacts } from '../../engine/kubelet/docker/node-info';
import { removeClusterResources } from '../../engine/docker/network';
import { createSimulatedNodes, startNodeManager, type NodeManager } from '../../engine/kubelet/index';

const skip = await dockerSkip();
const sh = (args: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile('docker', args, (e, out, err) => (e ? reject(new Error(err || e.message)) : resolve(out))),
  );
const ready = (n: KubeObject) => n.status?.conditions?.find((c: Condition) => c.type === 'Ready');

describe('runtime health', () => {
  test('a dead Docker socket is reported down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-dead-'));
    const changes: boolean[] = [];
    const h = createRuntimeHealth({
      docker: new Docker({ socketPath: join(dir, 'nope.sock') }),
      intervalMs: 60_000,
      onChange: (ok) => changes.push(ok),
    });
    try {
      assert.equal(h.healthy(), true);
      assert.equal(await h.check(), false);
      assert.equal(h.healthy(), false);
      assert.deepEqual(changes, [false]);
      // What the node's Ready condition and the log then say: the socket tried and what to do.
      assert.match(h.why() ?? '', new RegExp(`^Docker is not running: no socket at ${join(dir, 'nope.sock')}\\. To fix: .*Docker Desktop`));
    } finally {
      h.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the node goes NotReady while the runtime is down and recovers by itself', async () => {
    const c: TestCluster = await startTestCore();
    const writes = createWriteQueue();
    const runtime = createSimulatedRuntime({ startDelayMs: 10 });
    let up = true;
    const fake = { ping: () => (up ? Promise.resolve('OK') : Promise.reject(new Error('connect ENOENT'))) } as unknown as Docker;
    const kubelet = createKubelet({
      client: c.client,
      nodeName: 'h-node-1',
      runtime,
      writes,
      hostIP: '10.0.0.9',
      runtimeHealthy: () => health.healthy(),
      runtimeDownWhy: () => health.why(),
      hostFacts: async () => ({
        capacity: { cpu: '3', memory: '1000Ki', pods: '110' },
        nodeInfo: { osImage: 'Test OS' },
        images: [{ names: ['a:1'], sizeBytes: 5 }],
      }),
    });
    const health = createRuntimeHealth({ docker: fake, intervalMs: 50, onChange: () => kubelet.refreshNodeStatus() });
    try {
      await kubelet.start();
      let n = await c.client.get(R.nodes, undefined, 'h-node-1');
      assert.equal(ready(n).status, 'True');
      assert.equal(n.status.capacity.cpu, '3');
      assert.equal(n.status.nodeInfo.osImage, 'Test OS');
      assert.deepEqual(n.status.images, [{ names: ['a:1'], sizeBytes: 5 }]);
      up = false;
      n = (await eventually(async () => {
        const x = await c.client.get(R.nodes, undefined, 'h-node-1');
        return ready(x).status === 'False' && x;
      }, 'NotReady')) as KubeObject;
      assert.equal(ready(n).reason, 'KubeletNotReady');
      assert.match(ready(n).message, /container runtime is down: Docker is not running: no socket at .*\. To fix: /);
      up = true;
      await eventually(async () => ready(await c.client.get(R.nodes, undefined, 'h-node-1')).status === 'True', 'Ready again');
    } finally {
      health.stop();
      kubelet.stop();
      runtime.close();
      writes.stop();
      await c.close();
    }
  });
});

describe('Docker node status', { skip }, () => {
  const cluster = `dn${process.pid}`;
  let c: TestCluster;
  let nm: NodeManager;
  let dir: string;

  before(async () => {
    await ensureTestImages();
    dir = mkdtempSync(join(tmpdir(), 'skiff-docker-node-'));
    c = await startTestCore();
    nm = await startNodeManager({ client: c.client, docker: { cluster, dataDir: dir } });
    await createSimulatedNodes(c.client, cluster, 1, 1, 'docker');
  });
  after(async () => {
    nm?.stop();
    await c?.close();
    await removeClusterResources(new Docker(), cluster);
    rmSync(dir, { recursive: true, force: true });
  });

  test('host facts match docker info and docker images', async () => {
    const facts = await dockerHostFacts(new Docker());
    const [ncpu, mem, version, kernel] = (await sh(['info', '--format', '{{.NCPU}} {{.MemTotal}} {{.ServerVersion}} {{.KernelVersion}}']))
      .trim()
      .split(' ');
    assert.equal(facts.capacity.cpu, ncpu);
    assert.equal(facts.capacity.memory, `${Math.floor(Number(mem) / 1024)}Ki`);
    assert.equal(facts.nodeInfo.containerRuntimeVersion, `docker://${version}`);
    assert.equal(facts.nodeInfo.kernelVersion, kernel);
    assert.ok(
      facts.images.some((i) => i.names.includes(BUSYBOX_IMAGE) && i.sizeBytes > 0),
      JSON.stringify(facts.images),
    );
  });

  test('the Docker node posts them: capacity, nodeInfo, images, Ready', async () => {
    const [ncpu, version] = await sh(['version', '--format', '{{.Server.Version}}']).then(async (v) => [
      (await sh(['info', '--format', '{{.NCPU}}'])).trim(),
      v.trim(),
    ]);
    const n = await eventually(
      async () => {
        const x = await c.client.get(R.nodes, undefined, `${cluster}-node-1`);
        return x.status?.nodeInfo?.containerRuntimeVersion?.startsWith('docker://') && x;
      },
      'docker node status',
      15_000,
    );
    assert.equal(ready(n).status, 'True');
    assert.equal(n.status.nodeInfo.containerRuntimeVersion, `docker://${version}`);
    assert.equal(n.status.capacity.cpu, ncpu);
    assert.equal(n.status.allocatable.pods, '110');
    assert.ok(
      n.status.images.some((i: { names: string[] }) => i.names.includes(BUSYBOX_IMAGE)),
      'busybox test image listed',
    );
  });
});
