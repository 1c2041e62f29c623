// Which runtime a new cluster's nodes use: Docker when asked for or reachable; otherwise
// simulated nodes, said out loud, so `npm start` works on a machine without Docker.
import { SkiffError } from './errors';
import type { NodeRuntime } from './components';

export async function dockerReachable(timeoutMs = 1500): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    const { Docker } = await import('../docker/dockerode');
    const docker = new Docker();
    await Promise.race([docker.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer')), timeoutMs).unref())]);
    return { ok: true };
  } catch (err) {
    return { ok: false, why: String((err as Error).message ?? err).split('\n')[0] };
  }
}

export const dockerHowTo =
  'start Docker (Linux: sudo systemctl start docker, or run dockerd; macOS/Windows: open Docker Desktop), or pass --node-runtime simulated';

/** Resolves the runtime; an explicit `docker` without Docker is an error, the default falls back. */
export async function chooseNodeRuntime(requested: NodeRuntime | undefined, say: (line: string) => void): Promise<NodeRuntime> {
  if (requested === 'simulated') return 'simulated';
  const reach = await dockerReachable();
  if (reach.ok) return 'docker';
  if (requested === 'docker') throw new SkiffError(`Docker is not reachable (${reach.why})`, dockerHowTo);
  say(
    `Docker is not reachable (${reach.why}): starting simulated nodes (pods go through their phases but run no processes). For real containers, ${dockerHowTo.replace(', or pass --node-runtime simulated', '')} and restart the cluster.`,
  );
  return 'simulated';
}
