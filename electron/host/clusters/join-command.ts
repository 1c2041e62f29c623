// "Add a machine" (issue 15): a bootstrap token for a local cluster and the `skiff join` command
// that uses it, made by the same library as `skiff token create --print-join-command`
// (engine/cluster/join-token.ts), with the token's expiry.
import { SkiffError } from '../../../engine/cluster/errors';
import { clusterPaths } from '../../../engine/cluster/paths';
import { createJoinToken, joinCommandFor, LOOPBACK_ONLY_WARNING } from '../../../engine/cluster/join-token';
import { nodeApiFromKubeconfig } from '../../../engine/cli/node-api';
import { HostHttpError } from '../http/http-util';
import type { JoinCommand } from '../protocol';

/** The app's tokens live a day, as kubeadm's default. */
const TTL_SECONDS = 24 * 3600;

export async function createJoinCommand(o: { dataDir: string; cluster: string }): Promise<JoinCommand> {
  const paths = clusterPaths(o.dataDir, o.cluster);
  try {
    const token = await createJoinToken(nodeApiFromKubeconfig(paths.kubeconfig, o.cluster), TTL_SECONDS);
    const join = joinCommandFor(paths, token.token);
    return {
      command: join.command,
      tokenId: token.id,
      ...(token.expiration ? { expires: token.expiration } : {}),
      ...(join.loopbackOnly ? { warning: LOOPBACK_ONLY_WARNING } : {}),
    };
  } catch (e) {
    const what = e instanceof SkiffError ? e.what : (e as Error).message;
    throw new HostHttpError(
      409,
      `cannot make a join token for cluster "${o.cluster}": ${what}`,
      e instanceof SkiffError ? e.fix : 'start the cluster first',
    );
  }
}
