// Stop and delete through the CLI's own code (engine/cli/lifecycle.ts), so the app and
// `skiff stop/delete` behave the same.
import { clusterPaths } from '../../../engine/cluster/paths';
import type { Flags } from '../../../engine/cli/args';
import type { CliIo } from '../../../engine/cli/io';

function flagsFor(dataDir: string, name: string): Flags {
  return { name, dataDir, foreground: false, switchContext: false, help: false };
}

function ioFor(log: (line: string) => void, env: Record<string, string | undefined>): CliIo {
  return { out: (l) => log(`host: ${l}`), err: (l) => log(`host: ${l}`), env };
}

/** SIGTERM, wait, SIGKILL if it lingers; nothing to do when it is not running. */
export async function stopCluster(dataDir: string, name: string, log: (line: string) => void): Promise<void> {
  const { stopCommand } = await import('../../../engine/cli/lifecycle');
  await stopCommand(flagsFor(dataDir, name), ioFor(log, {}));
}

/**
 * Stops the cluster, removes its Docker resources, the kubeconfig entries cluster.json
 * recorded, and its data dir. deleteCommand also cleans the default user kubeconfig in case
 * cluster.json is gone; the app never wrote there, so that default is pointed at the
 * cluster's own kubeconfig (inside the dir that goes anyway) and ~/.kube/config stays as is.
 */
export async function deleteCluster(dataDir: string, name: string, log: (line: string) => void): Promise<void> {
  const { deleteCommand } = await import('../../../engine/cli/lifecycle');
  const env = { KUBECONFIG: clusterPaths(dataDir, name).kubeconfig };
  await deleteCommand(flagsFor(dataDir, name), ioFor(log, env));
}
