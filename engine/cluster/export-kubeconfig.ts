// Hands the cluster's credentials to kubectl: merged into the user's kubeconfig (or the
// file given with --kubeconfig), and remembered in cluster.json so `skiff delete` can undo it.
import { updateClusterConfig } from './cluster-config';
import { userKubeconfigPath, type KubeconfigEntries } from './kubeconfig';
import { mergeIntoUserKubeconfig } from './kubeconfig-merge';

export interface ExportedKubeconfig {
  file: string;
  /** True when the user named the file with --kubeconfig. */
  explicit: boolean;
  switched: boolean;
  backup?: string;
  /** False when the file already held exactly these entries. */
  written?: boolean;
}

export function exportKubeconfig(
  entries: KubeconfigEntries,
  target: { file?: string; switchContext: boolean },
  env: Record<string, string | undefined>,
  clusterConfigPath: string,
): ExportedKubeconfig {
  const explicit = target.file !== undefined;
  const file = target.file ?? userKubeconfigPath(env);
  // A file named with --kubeconfig is meant for this cluster: make its context current there.
  const switched = explicit || target.switchContext;
  const r = mergeIntoUserKubeconfig(file, entries, { switchContext: switched });
  updateClusterConfig(clusterConfigPath, (c) => ({ ...c, kubeconfigs: [...new Set([...(c.kubeconfigs ?? []), file])] }));
  return { file, explicit, switched, backup: r.backup, written: r.written !== undefined };
}
