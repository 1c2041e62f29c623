// `skiff stop` on a Docker-backed cluster stops its containers too (app containers first, then
// sandboxes), so a stopped cluster uses no CPU or memory, as when kind's or Docker Desktop's
// cluster is stopped. The next start finds them exited and restarts the pods (restartCount
// grows, as after a node reboot). A crash (kill -9) leaves them running and they are adopted.
import type Docker from 'dockerode';
import { L, SANDBOX, type ClusterKey } from './names';
import { listClusterContainers } from './network';

const STOP_SECONDS = 5; // inside the CLI's stop deadline; SIGKILL after it, as `docker stop` does

export async function stopClusterContainers(docker: Docker, cluster: ClusterKey): Promise<number> {
  const list = await listClusterContainers(docker, cluster);
  const stop = (ids: string[]) =>
    Promise.all(
      ids.map((id) =>
        docker
          .getContainer(id)
          .stop({ t: STOP_SECONDS })
          .catch((e: { statusCode?: number } | undefined) => {
            if (e?.statusCode !== 304 && e?.statusCode !== 404) throw e; // already stopped or gone
          }),
      ),
    );
  await stop(list.filter((c) => c.Labels[L.container] !== SANDBOX).map((c) => c.Id));
  await stop(list.filter((c) => c.Labels[L.container] === SANDBOX).map((c) => c.Id));
  return list.length;
}
