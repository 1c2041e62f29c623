// The API server starts on the subnet its Docker network is expected to get, while Docker makes
// the network. When another network takes that subnet in between (another Skiff process, or the
// user), the start is made again on the subnet the network really got: the Service CIDR the API
// server serves is always the network's upper half.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Docker } from '../../engine/docker/dockerode';
import { guessClusterSubnet, removeClusterResources } from '../../engine/docker/network';
import { networkName, type ClusterRef } from '../../engine/docker/names';
import { loadClusterRef } from '../../engine/cluster/cluster-id';
import { startControlPlane, type ControlPlaneDeps } from '../../engine/cluster/control-plane';
import { defaultControlPlaneDeps } from '../../engine/cluster/control-plane-deps';
import type { Store } from '../../engine/store/types';
import { dockerSkip } from './docker-available';

const skip = await dockerSkip();
const docker = new Docker();
const dataDir = mkdtempSync(join(tmpdir(), 'skiff-netguess-'));
const cleanup: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
});

const upperHalf = (subnet: string) => subnet.replace(/^(\d+\.\d+)\.0\.0\/16$/, '$1.128.0/17');

test('two clusters starting in one process are promised different subnets', { skip }, async () => {
  const a: ClusterRef = { name: `guess-a-${process.pid}`, uid: 'aaaaaaaa-1', legacy: false };
  const b: ClusterRef = { name: `guess-b-${process.pid}`, uid: 'bbbbbbbb-1', legacy: false };
  const first = await guessClusterSubnet(docker, a);
  const second = await guessClusterSubnet(docker, b);
  assert.match(first, /^10\.\d+\.0\.0\/16$/);
  assert.notEqual(first, second);
});

test('another network takes the expected subnet mid-start: the API server is started again on the real one', { skip }, async () => {
  const name = `guess-race-${process.pid}`;
  mkdirSync(join(dataDir, name), { recursive: true });
  const ref = loadClusterRef(join(dataDir, name), name, { create: true });
  cleanup.push(() => removeClusterResources(docker, ref));
  const served: string[] = [];
  let stolen = '';
  // The real network steps; a store and API server that only record what they were given.
  const deps: ControlPlaneDeps = {
    prepareNetwork: (cluster, preferred, log) => defaultControlPlaneDeps.prepareNetwork!(cluster, preferred, log),
    async guessSubnet(cluster, preferred) {
      const subnet = await defaultControlPlaneDeps.guessSubnet!(cluster, preferred);
      if (!stolen) {
        // What another process does between our look and our create.
        stolen = subnet;
        const other = `skiff-test-thief-${process.pid}`;
        await docker.createNetwork({ Name: other, Driver: 'bridge', IPAM: { Driver: 'default', Config: [{ Subnet: subnet }] } });
        cleanup.push(() => docker.getNetwork(other).remove());
      }
      return subnet;
    },
    openStore: () => Promise.resolve({ close: () => Promise.resolve() } as unknown as Store),
    startApiServer(o) {
      served.push(o.serviceCIDR ?? '');
      const port = 42000 + served.length;
      return Promise.resolve({ port, url: `https://127.0.0.1:${port}`, close: () => Promise.resolve() });
    },
  };
  const cp = await startControlPlane({ name, dataDir, deps, nodes: 1, nodeRuntime: 'docker' });
  cleanup.push(() => cp.stop());

  const net = await docker.getNetwork(networkName(ref)).inspect();
  const subnet = net.IPAM?.Config?.[0]?.Subnet ?? '';
  assert.notEqual(subnet, stolen, 'the network got another subnet than the one taken');
  assert.deepEqual(served, [upperHalf(stolen), upperHalf(subnet)], 'started on the expected subnet, then again on the real one');
  const saved = JSON.parse(readFileSync(join(dataDir, name, 'cluster.json'), 'utf8')) as { podCIDR: string };
  assert.equal(saved.podCIDR, subnet.replace(/\/16$/, '/17'));
  assert.match(readFileSync(cp.kubeconfigPath, 'utf8'), new RegExp(`127\\.0\\.0\\.1:${cp.port}`));
});
