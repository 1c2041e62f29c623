// A Docker-backed cluster for the tests in test/docker: the local test images, one Docker node,
// kubectl bound to its kubeconfig, and cleanup of every container and network it made.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { PAUSE_IMAGE, ensureTestImages } from './images';
import { run, kubectlPath, type RunResult } from '../integration/harness';
import { startControlPlane, type ControlPlane } from '../../engine/cluster/control-plane';
import { removeClusterResources } from '../../engine/docker/network';
import { loadClusterRef } from '../../engine/cluster/cluster-id';
import type { ClusterRef } from '../../engine/docker/names';

export interface DockerCluster {
  cp: ControlPlane;
  dir: string;
  /** The cluster's identity in Docker (its objects are named and labelled by its UID). */
  ref: ClusterRef;
  /** Environment for kubectl processes the test spawns itself. */
  env(): Record<string, string>;
  kubectl(args: string[], opts?: { input?: string; version?: string }): Promise<RunResult>;
  podJSON(name: string): Promise<any>;
  stop(): Promise<void>;
}

import { waitFor } from '../wait-for';

export { waitFor };

export async function startDockerCluster(name: string, dirPrefix = 'skiff-docker-'): Promise<DockerCluster> {
  await ensureTestImages();
  const dir = mkdtempSync(join(tmpdir(), dirPrefix));
  process.env.SKIFF_SANDBOX_IMAGE = PAUSE_IMAGE;
  const cp = await startControlPlane({
    name,
    dataDir: dir,
    datastore: 'sqlite',
    nodes: 1,
    nodeRuntime: 'docker',
    ingressPort: 0,
    ingressHttpsPort: 0,
  });
  const ref = loadClusterRef(join(dir, name), name, { create: false });
  const env = () => ({ PATH: process.env.PATH ?? '', KUBECONFIG: cp.kubeconfigPath, HOME: join(dir, 'home') });
  const kubectl: DockerCluster['kubectl'] = (args, o = {}) => run(kubectlPath(o.version), args, { input: o.input, env: env() });
  await waitFor('node Ready', async () => /\bReady\b/.test((await kubectl(['get', 'nodes'])).stdout));
  return {
    cp,
    dir,
    ref,
    env,
    kubectl,
    podJSON: async (pod) => JSON.parse((await kubectl(['get', 'pod', pod, '-o', 'json'])).stdout || '{}'),
    async stop() {
      await cp.stop();
      await removeClusterResources(new Docker(), ref);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
