// Pod sandboxes on Docker: a pause-like container per pod on the cluster network that holds the
// pod IP (app containers join its network namespace). An existing sandbox is started again;
// one that will not start (after a Docker restart) is replaced with the next attempt number.
import type Docker from 'dockerode';
import type { Sandbox, SandboxConfig } from '../runtime';
import { L, SANDBOX, clusterLabels, containerName, type ClusterKey } from '../../docker/names';
import { ensureClusterNetwork } from '../../docker/network';
import { ensurePauseImage } from '../../docker/pause-image';
import { sandboxDns, type PodDnsSettings } from './container-config';
import { ignoreGone } from './docker-errors';
import type { ImagePuller } from './image-pull';
import { newestAttemptFirst, type KnownPods, type ListContainers } from './runtime-shared';

export interface SandboxesDeps {
  docker: Docker;
  cluster: ClusterKey;
  node: string;
  list: ListContainers;
  pods: KnownPods;
  puller: Pick<ImagePuller, 'present' | 'pull'>;
  /** Removes a container as Skiff's own doing (outside-changes.ts). */
  removeOwn(id: string): Promise<void>;
  /** Throws once the runtime is closed. */
  stillOpen(): void;
  sandboxImage?: string;
  hostIP?: string;
  subnet?: string;
  dns?: () => PodDnsSettings | undefined;
  log: (line: string) => void;
}

export interface Sandboxes {
  ensureSandbox(cfg: SandboxConfig): Promise<Sandbox>;
  /** The sandbox's pod IP now (or the last one it had). */
  podIPOf(id: string): Promise<string>;
  /** The last pod IP seen for a sandbox (a sandbox that loses the network rejoins at it). */
  lastIP(id: string): string | undefined;
  forgetIP(id: string): void;
}

export function createSandboxes(d: SandboxesDeps): Sandboxes {
  const { docker, log } = d;
  let network: Promise<string> | undefined;

  /** The pod's newest sandbox. */
  async function findSandbox(uid: string) {
    const found = await d.list({ all: true, labels: [`${L.podUid}=${uid}`, `${L.container}=${SANDBOX}`] });
    return found.sort(newestAttemptFirst)[0];
  }

  async function ensureSandboxImage(): Promise<string> {
    const image = d.sandboxImage;
    if (!image)
      return ensurePauseImage(docker, log).catch((e: Error) => {
        throw new Error(
          `cannot build Skiff's sandbox image (${e.message}); pass --sandbox-image / SKIFF_SANDBOX_IMAGE naming a local image`,
        );
      });
    if (await d.puller.present(image)) return image;
    try {
      await d.puller.pull(image);
      return image;
    } catch (err) {
      const e = err as Error;
      throw new Error(
        `sandbox image "${image}" is not present and cannot be pulled (${e.message}); load it with \`docker load\`/\`docker import\`, or pass --sandbox-image / SKIFF_SANDBOX_IMAGE naming a local image (unset, Skiff builds its own)`,
      );
    }
  }

  // Each sandbox's last pod IP: a sandbox that loses the network rejoins it at the same address.
  const sandboxIPs = new Map<string, string>();
  async function podIPOf(id: string, listed?: Docker.ContainerInfo): Promise<string> {
    // A list entry carries the address too: no inspect per sync for a sandbox that has one.
    const fromList = Object.values(listed?.NetworkSettings?.Networks ?? {})[0]?.IPAddress;
    if (fromList) return (sandboxIPs.set(id, fromList), fromList);
    const info = await docker.getContainer(id).inspect();
    const nets = info.NetworkSettings?.Networks ?? {};
    const ip = Object.values(nets)[0]?.IPAddress || sandboxIPs.get(id) || '';
    if (ip) sandboxIPs.set(id, ip);
    return ip;
  }

  async function ensureSandbox(cfg: SandboxConfig): Promise<Sandbox> {
    d.stillOpen();
    const pod = cfg.pod;
    const uid = pod.metadata.uid!;
    d.pods.set(uid, pod);
    const existing = await findSandbox(uid);
    let attempt = 0;
    if (existing) {
      let removedElsewhere = existing.State === 'removing';
      const started =
        existing.State === 'running' ||
        (await docker
          .getContainer(existing.Id)
          .start()
          .then(
            () => true,
            (e: { statusCode?: number; message?: string }) => {
              if (e?.statusCode === 304) return true;
              if (/marked for removal/.test(String(e?.message))) removedElsewhere = true;
              // After a Docker restart a sandbox may not start again (a stale task or
              // endpoint): it is replaced, and the pod's containers restart in the new one.
              log(`pod ${pod.metadata.namespace}/${pod.metadata.name}: sandbox does not start (${e.message}); replacing it`);
              return false;
            },
          ));
      if (started)
        return {
          id: existing.Id,
          podIP: pod.spec?.hostNetwork ? (d.hostIP ?? '') : await podIPOf(existing.Id, existing.State === 'running' ? existing : undefined),
        };
      attempt = Number(existing.Labels[L.attempt] ?? 0) + 1;
      // A `docker rm` behind our back is still the relist's to report, not our removal.
      if (removedElsewhere) await docker.getContainer(existing.Id).remove({ force: true }).catch(ignoreGone);
      else await d.removeOwn(existing.Id);
    }
    const sandboxImage = await ensureSandboxImage();
    network ??= ensureClusterNetwork(docker, d.cluster, d.subnet).catch((e) => {
      network = undefined;
      throw e;
    });
    const net = await network;
    const { name = '', namespace = 'default' } = pod.metadata;
    const hostname = (pod.spec?.hostname ?? name).slice(0, 63);
    const c = await docker.createContainer({
      name: containerName(SANDBOX, name, namespace, uid, attempt),
      Image: sandboxImage,
      Hostname: pod.spec?.hostNetwork ? undefined : hostname,
      Domainname: pod.spec?.subdomain ? `${pod.spec.subdomain}.${namespace}.svc.cluster.local` : undefined,
      Labels: {
        ...clusterLabels(d.cluster),
        [L.node]: d.node,
        [L.namespace]: namespace,
        [L.pod]: name,
        [L.podUid]: uid,
        [L.container]: SANDBOX,
        [L.attempt]: String(attempt),
      },
      HostConfig: { NetworkMode: pod.spec?.hostNetwork ? 'host' : net, Init: false, ...sandboxDns(pod, d.dns?.()) },
    });
    try {
      await c.start();
    } catch (e) {
      // Removed networks are made again on the next try (docker network rm behind our back).
      if (/network .*not found/i.test(String((e as Error).message))) network = undefined;
      await d.removeOwn(c.id);
      throw e;
    }
    return { id: c.id, podIP: pod.spec?.hostNetwork ? (d.hostIP ?? '') : await podIPOf(c.id), created: true };
  }

  return {
    ensureSandbox,
    podIPOf,
    lastIP: (id) => sandboxIPs.get(id),
    forgetIP: (id) => void sandboxIPs.delete(id),
  };
}
