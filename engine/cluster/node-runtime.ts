// Which runtime a new cluster's nodes use: Docker when asked for or reachable; otherwise
// simulated nodes, said out loud, so `npm start` works on a machine without Docker.
import { SkiffError } from './errors';
import type { NodeRuntime } from './components';
import { dockerDown, dockerEndpoint, startDockerHowTo, type DockerDown } from '../docker/docker-down';

/** Whether Docker answers a ping; if not, what is wrong and what to do (docker-down.ts's words). */
export async function dockerReachable(timeoutMs = 1500): Promise<{ ok: true } | ({ ok: false; why: string } & DockerDown)> {
  let docker: { modem?: unknown } | undefined;
  try {
    const { Docker } = await import('../docker/dockerode');
    const d = new Docker();
    docker = d;
    await Promise.race([d.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer')), timeoutMs).unref())]);
    return { ok: true };
  } catch (err) {
    const why = String((err as Error).message ?? err).split('\n')[0];
    const at = dockerEndpoint(docker);
    const down = dockerDown(err, at) ?? { problem: `Docker does not answer at ${at} (${why})`, fix: startDockerHowTo() };
    return { ok: false, why, ...down };
  }
}

/** Resolves the runtime; an explicit `docker` without Docker is an error, the default falls back. */
export async function chooseNodeRuntime(requested: NodeRuntime | undefined, say: (line: string) => void): Promise<NodeRuntime> {
  if (requested === 'simulated') return 'simulated';
  const reach = await dockerReachable();
  if (reach.ok) return 'docker';
  if (requested === 'docker')
    throw new SkiffError(`Docker is not reachable (${reach.problem})`, `${reach.fix}; or pass --node-runtime simulated`);
  say(
    `${reach.problem}: starting simulated nodes (pods go through their phases but run no processes). For real containers, ${reach.fix}; then restart the cluster.`,
  );
  return 'simulated';
}
