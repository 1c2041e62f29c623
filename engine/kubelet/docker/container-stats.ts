// `kubectl top` numbers from Docker: one non-streaming stats read per running app container,
// CPU as nanocores over the read's window and memory as the working set (usage - inactive file).
import type Docker from 'dockerode';
import type { ContainerStats } from '../runtime';
import { L, SANDBOX } from '../../docker/names';

export async function containerStats(docker: Docker, running: Docker.ContainerInfo[]): Promise<ContainerStats[]> {
  const out: ContainerStats[] = [];
  await Promise.all(
    running
      .filter((c) => c.Labels[L.container] !== SANDBOX)
      .map(async (c) => {
        const s: Docker.ContainerStats | undefined = await docker
          .getContainer(c.Id)
          .stats({ stream: false })
          .catch(() => undefined);
        if (!s) return;
        const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
        const sysDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
        const cpus = s.cpu_stats?.online_cpus ?? 1;
        // Fraction of the machine × CPUs = cores; in nanocores.
        const cores = sysDelta > 0 ? (cpuDelta / sysDelta) * cpus : 0;
        const mem =
          (s.memory_stats?.usage ?? 0) - (s.memory_stats?.stats?.inactive_file ?? s.memory_stats?.stats?.total_inactive_file ?? 0);
        out.push({
          podUid: c.Labels[L.podUid],
          name: c.Labels[L.container],
          cpuNanoCores: Math.round(cores * 1e9),
          memoryBytes: Math.max(0, mem),
        });
      }),
  );
  return out;
}
