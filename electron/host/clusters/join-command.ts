// "Add a machine" (issue 15): a bootstrap token for a local cluster and the `skiff join` command
// that uses it, made exactly as `skiff token create --print-join-command` makes them (the same
// code runs), plus the token's expiry read back from its Secret.
import { SkiffError } from '../../../engine/cluster/errors';
import { clusterPaths } from '../../../engine/cluster/paths';
import { nodeApiFromKubeconfig } from '../../../engine/cli/node-api';
import { tokenCommand } from '../../../engine/cli/token';
import { HostHttpError } from '../http/http-util';
import type { JoinCommand } from '../protocol';

export async function createJoinCommand(o: {
  dataDir: string;
  cluster: string;
  env: Record<string, string | undefined>;
}): Promise<JoinCommand> {
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await tokenCommand(['create', '--print-join-command', '--name', o.cluster, '--data-dir', o.dataDir], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      env: o.env,
    });
    if (code !== 0) throw new Error(err.join(' ') || `skiff token create exited ${code}`);
  } catch (e) {
    const what = e instanceof SkiffError ? e.what : (e as Error).message;
    throw new HostHttpError(
      409,
      `cannot make a join token for cluster "${o.cluster}": ${what}`,
      e instanceof SkiffError ? e.fix : 'start the cluster first',
    );
  }
  const command = out.find((l) => l.startsWith('skiff join ')) ?? '';
  const id = /--token ([a-z0-9]{6})\./.exec(command)?.[1];
  if (!id)
    throw new HostHttpError(
      500,
      'skiff token create printed no join command',
      'try "skiff token create --print-join-command" in a terminal',
    );
  const api = nodeApiFromKubeconfig(clusterPaths(o.dataDir, o.cluster).kubeconfig, o.cluster);
  const r = await api.call('GET', `/api/v1/namespaces/kube-system/secrets/bootstrap-token-${id}`);
  const b64 = (r.body as { data?: Record<string, string> } | undefined)?.data?.expiration;
  const expires = b64 ? Buffer.from(b64, 'base64').toString() : undefined;
  const warning = err.find((l) => /loopback/.test(l))?.replace(/^skiff: warning: /, '');
  return { command, tokenId: id, ...(expires ? { expires } : {}), ...(warning ? { warning } : {}) };
}
