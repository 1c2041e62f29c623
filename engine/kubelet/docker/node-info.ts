// What a Docker node reports about itself, read from the Docker host (docker info/version/images)
// rather than invented: capacity, nodeInfo fields and the image list kubectl describe shows.
import type Docker from 'dockerode';
import type { NodeCapacity } from '../node-status';
import { goArch } from '../node-status';

export interface HostFacts {
  capacity: NodeCapacity;
  nodeInfo: { containerRuntimeVersion: string; osImage: string; kernelVersion: string; operatingSystem: string; architecture: string };
  images: { names: string[]; sizeBytes: number }[];
}

/** Kubelet reports at most this many images (its default nodeStatusMaxImages). */
const MAX_IMAGES = 50;

export async function dockerHostFacts(docker: Docker): Promise<HostFacts> {
  const [info, version, images] = await Promise.all([docker.info(), docker.version(), docker.listImages()]);
  const memKi = Math.floor(Number(info.MemTotal ?? 0) / 1024);
  return {
    capacity: { cpu: String(info.NCPU ?? 1), memory: `${memKi}Ki`, pods: '110' },
    nodeInfo: {
      containerRuntimeVersion: `docker://${version.Version}`,
      osImage: info.OperatingSystem ?? 'unknown',
      kernelVersion: info.KernelVersion ?? version.KernelVersion ?? 'unknown',
      operatingSystem: info.OSType ?? 'linux',
      architecture: goArch(info.Architecture === 'x86_64' ? 'x64' : info.Architecture === 'aarch64' ? 'arm64' : info.Architecture),
    },
    images: images
      .map((i) => ({
        names: [
          ...(i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
          ...(i.RepoDigests ?? []).filter((d) => !d.startsWith('<none>')),
        ],
        sizeBytes: i.Size,
      }))
      .filter((i) => i.names.length > 0)
      .sort((a, b) => b.sizeBytes - a.sizeBytes)
      .slice(0, MAX_IMAGES),
  };
}
