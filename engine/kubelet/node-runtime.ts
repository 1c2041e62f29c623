// The runtime a node's kubelet drives: Docker (real containers; its code loaded on first use,
// with a health watch and the host's facts) or simulated (in memory, like kwok). Either way the
// node's streams (logs/exec/port-forward) are registered with the API core's registry.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeClient } from '../client/types';
import type { Kubelet, KubeletOptions } from './kubelet';
import type { RuntimeHealth } from './docker/health';
import type { ContainerRuntime } from './runtime';
import { createSimulatedRuntime } from './simulated-runtime';
import { simulatedStreams } from './simulated-streams';
import type { NodeManagerOptions } from './node-manager-types';

/** What a Docker node adds to its kubelet's options, and what the manager stops with it. */
export type DockerNodeExtras = Pick<KubeletOptions, 'hostFacts' | 'runtimeHealthy' | 'runtimeDownWhy' | 'diskPressure'> & {
  health?: RuntimeHealth;
  removeAll?: () => Promise<void>;
};

export interface NodeRuntime {
  runtime: ContainerRuntime;
  docker: DockerNodeExtras;
}

export interface NodeRuntimeDeps {
  name: string;
  /** The client the node acts through (its own identity). */
  client: KubeClient;
  hostIP: string;
  podCIDR: string | undefined;
  log: (line: string) => void;
  now: () => Date;
  span: <T>(phase: string, work: () => Promise<T>) => Promise<T>;
  /** The node's kubelet once created: the runtime's health and disk-pressure changes reach it. */
  kubelet: () => Kubelet | undefined;
}

type Settings = Pick<NodeManagerOptions, 'docker' | 'hostFacts' | 'nodeStreams' | 'simulated'>;

export async function createNodeRuntime(kind: 'docker' | 'simulated', opts: Settings, deps: NodeRuntimeDeps): Promise<NodeRuntime> {
  const { name, log } = deps;
  if (kind !== 'docker') {
    const runtime = createSimulatedRuntime({
      podCIDR: deps.podCIDR,
      startDelayMs: opts.simulated?.startDelayMs,
      completeAfterMs: opts.simulated?.completeAfterMs,
      now: deps.now,
    });
    opts.nodeStreams?.set(name, simulatedStreams(name));
    return { runtime, docker: {} };
  }
  const [{ createDockerRuntime }, { dockerLookups }, { createRuntimeHealth }, { dockerHostFacts }] = await deps.span(
    `${name}: import docker runtime`,
    () =>
      Promise.all([import('./docker/docker-runtime'), import('./docker/lookups'), import('./docker/health'), import('./docker/node-info')]),
  );
  const d = opts.docker ?? { cluster: 'skiff', dataDir: join(tmpdir(), 'skiff-docker') };
  const h: { health?: RuntimeHealth } = {};
  const dr = createDockerRuntime({
    ...d,
    node: name,
    hostIP: deps.hostIP,
    log,
    ...dockerLookups(deps.client),
    // A broken event stream is the first sign of a Docker restart (and its return the last): check now.
    onEvents: () => void h.health?.check(),
    onDiskPressure: () => deps.kubelet()?.refreshNodeStatus(),
  });
  opts.nodeStreams?.set(name, dr.streams);
  const health = (h.health = createRuntimeHealth({
    docker: dr.docker,
    intervalMs: 2000,
    // A Docker shutting down still answers pings for seconds while it stops containers;
    // repairs made then die with it. Its event stream is closed by then: require it.
    ready: () => dr.eventsConnected(),
    onChange: (ok) => {
      log(`kubelet ${name}: container runtime ${ok ? 'is back: resyncing every pod' : `is down: ${health.why()}`}`);
      const k = deps.kubelet();
      k?.refreshNodeStatus();
      // Back only once a fresh event stream opens: a Docker in the middle of shutting down
      // answers some pings, and repairs made then die with it.
      if (!ok) dr.resubscribe();
      if (ok) k?.resyncAll();
    },
  }));
  let ahead = opts.hostFacts;
  const hostFacts = async () => {
    const early = ahead && (await ahead);
    ahead = undefined;
    return early ?? dockerHostFacts(dr.docker);
  };
  return {
    runtime: dr,
    docker: {
      health,
      removeAll: () => dr.removeAll(),
      hostFacts,
      runtimeHealthy: health.healthy,
      runtimeDownWhy: () => health.why(),
      diskPressure: () => dr.diskPressure(),
    },
  };
}
